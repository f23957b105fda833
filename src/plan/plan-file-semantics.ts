/**
 * What a plan must say before `apply` may act on it, beyond a valid document: a content hash only proves the
 * file was not edited by accident (anyone can recompute it), so these rules are checked again on every apply.
 * No unwaived blocker and `summary.safe`; control-plane hops one minor each from `from`; worker hops never past
 * the control plane, and every kubelet within the skew policy (`skew.ts`) through the whole sequence
 * (`plan-file-sequence.ts`). Problems are data (paths and messages), not exceptions.
 */
import type { PlanFileProblem } from './plan-file-errors.js';
import type { UpgradePlan } from './plan-file-schema.js';
import { planSequence } from './plan-file-sequence.js';
import { formatMinorRange, isKubeletAllowed, kubeletMinorRange } from './skew.js';
import { formatMinor, minorOf, oldestVersion, tryParseReportedVersion, type KubeVersion } from './versions.js';

const minorOfText = (v: string): number | undefined => tryParseReportedVersion(v)?.minor;

/** The oldest worker kubelet minor the plan starts from: its kubelet component's oldest current version. */
const startingKubeletMinor = (plan: UpgradePlan): number | undefined => {
  const versions = (plan.components.find((c) => c.component === 'kubelet')?.current ?? [])
    .map((v) => tryParseReportedVersion(v))
    .filter((v): v is KubeVersion => v !== undefined);
  return versions.length > 0 ? oldestVersion(versions).minor : undefined;
};

/** Every semantic rule `plan` breaks (empty when it may be applied); `plan` is a valid plan document. */
export const planSemanticProblems = (plan: UpgradePlan): PlanFileProblem[] => {
  const out: PlanFileProblem[] = [];
  plan.findings.forEach((f, i) => {
    if (f.severity === 'blocker' && !f.waived)
      out.push({ path: `findings[${i}]`, message: `blocker ${f.id} is not waived (${f.message})` });
  });
  if (!plan.summary.safe) out.push({ path: 'summary.safe', message: 'is false: the plan is not safe to apply' });

  const fromMinor = minorOfText(plan.from);
  if (fromMinor === undefined) return out;
  let cp = fromMinor;
  let workers = startingKubeletMinor(plan);
  for (const step of planSequence(plan)) {
    const to = minorOfText(step.hop.to);
    if (to === undefined) continue;
    if (step.kind === 'control-plane') {
      const path = `controlPlane.hops[${step.index}].to`;
      if (to - cp > 1)
        out.push({
          path,
          message: `${step.hop.to} is ${to - cp} minors past ${formatMinor(cp)}; the control plane moves one minor per hop`,
        });
      else if (workers !== undefined && !isKubeletAllowed(workers, [cp, to]))
        out.push({
          path,
          message: `kubelets at ${formatMinor(workers)} would be outside the skew policy (${formatMinorRange(kubeletMinorRange([cp, to]))}) during this hop`,
        });
      cp = Math.max(cp, to);
    } else {
      if (to > cp)
        out.push({
          path: `workers.hops[${step.index}].to`,
          message: `${step.hop.to} is newer than the control plane at that point (${formatMinor(cp)}); kubelets never lead the apiservers`,
        });
      workers = workers === undefined ? to : Math.max(workers, minorOf(to));
    }
  }
  return out;
};
