/**
 * `apply` does not trust a plan because its content hash matches (anyone can recompute it): before anything
 * changes it refuses a plan that breaks the semantic rules of `src/plan/` (unwaived blockers, `safe: false`,
 * control-plane hops of more than one minor, kubelets outside the skew policy), and, once the cluster is read,
 * a plan naming nodes the cluster does not have (or in another role) or starting from a control plane older
 * than the cluster's. Both throw ApplyInputError (exit 3), one line naming the first problem.
 */
import { minorOf, planSemanticProblems, tryParseReportedVersion, type UpgradePlan } from '../../plan/index.js';
import { ApplyInputError } from '../run/index.js';

const refuse = (planPath: string, problems: readonly string[]): never => {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  throw new ApplyInputError(
    `the plan ${planPath} cannot be applied: ${problems[0]}${more}. Write a new plan with k8s-upgrade plan; nothing was changed`,
  );
};

/** Static rules: the plan alone. */
export function refuseUnsafePlan(planPath: string, plan: UpgradePlan): void {
  const problems = planSemanticProblems(plan).map((p) => `${p.path} ${p.message}`);
  if (problems.length > 0) refuse(planPath, problems);
}

/** Live rules: the plan against `fresh`, the plan made now from the cluster with the same target. */
export function refuseStalePlan(planPath: string, plan: UpgradePlan, fresh: UpgradePlan): void {
  const problems: string[] = [];
  const liveCp = new Set(fresh.controlPlane.nodes);
  const liveWorkers = new Set(fresh.groups.flatMap((g) => g.nodes));
  for (const n of plan.controlPlane.nodes) {
    if (liveWorkers.has(n)) problems.push(`control-plane node ${n} is a worker in the cluster`);
    else if (!liveCp.has(n)) problems.push(`control-plane node ${n} is not in the cluster`);
  }
  for (const n of plan.groups.flatMap((g) => g.nodes)) {
    if (liveCp.has(n)) problems.push(`worker ${n} is a control-plane node in the cluster`);
    else if (!liveWorkers.has(n)) problems.push(`worker ${n} is not in the cluster`);
  }
  const was = tryParseReportedVersion(plan.from);
  const now = tryParseReportedVersion(fresh.from);
  if (was && now && minorOf(now) < minorOf(was))
    problems.push(`from is ${plan.from} but the cluster's control plane runs ${fresh.from}`);
  if (problems.length > 0) refuse(planPath, problems);
}
