/**
 * The execution order of a plan's hops. The document lists control-plane hops and worker hops separately;
 * they interleave by one rule, the one the version path is built with (`version-path.ts`): a worker hop to
 * version X runs right after the last control-plane hop whose version is at or below X, or before every
 * control-plane hop when there is none (kubelets never get ahead of the apiservers). Worker hops keep their
 * order among themselves. `apply` and the renderers use this one function.
 */
import type { PlanControlPlaneHop, PlanWorkerHop, UpgradePlan } from './plan-file-schema.js';
import { compareVersions, parseReportedVersion } from './versions.js';

export type PlanStep =
  | { readonly kind: 'control-plane'; readonly index: number; readonly hop: PlanControlPlaneHop }
  | { readonly kind: 'workers'; readonly index: number; readonly hop: PlanWorkerHop };

export const planSequence = (plan: Pick<UpgradePlan, 'controlPlane' | 'workers'>): PlanStep[] => {
  const cpHops = plan.controlPlane.hops;
  const position = (hop: PlanWorkerHop): number => {
    const to = parseReportedVersion(hop.to);
    let last = -1;
    cpHops.forEach((cp, i) => {
      if (compareVersions(parseReportedVersion(cp.to), to) <= 0) last = i;
    });
    return last;
  };
  const workerAt = plan.workers.hops.map((hop, index) => ({ hop, index, after: position(hop) }));
  const steps: PlanStep[] = workerAt
    .filter((w) => w.after < 0)
    .map(({ hop, index }) => ({ kind: 'workers', index, hop }));
  cpHops.forEach((hop, i) => {
    steps.push({ kind: 'control-plane', index: i, hop });
    for (const w of workerAt.filter((x) => x.after === i)) steps.push({ kind: 'workers', index: w.index, hop: w.hop });
  });
  return steps;
};
