/**
 * The plan's `summary` block, derived from its findings and hops (so `serializePlan` callers need not count,
 * and a reader can check the block agrees with the rest of the document).
 */
import type { Finding } from './findings.js';
import type { PlanSummary, UpgradePlan } from './plan-file-schema.js';

export const computePlanSummary = (
  plan: Pick<UpgradePlan, 'controlPlane' | 'workers'> & { readonly findings: readonly Finding[] },
): PlanSummary => {
  const count = (severity: Finding['severity']) =>
    plan.findings.filter((f) => f.severity === severity && !f.waived).length;
  const nodes = new Set([
    ...plan.controlPlane.hops.flatMap((h) => h.nodes),
    ...plan.workers.hops.flatMap((h) => h.nodes),
  ]);
  const blockers = count('blocker');
  return {
    blockers,
    warnings: count('warning'),
    infos: count('info'),
    nodesToUpgrade: nodes.size,
    safe: blockers === 0,
  };
};
