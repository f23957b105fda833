/** The name a run's events give its cluster: the plan's kubeconfig context, else its API server's host:port. */
import type { UpgradePlan } from '../../plan/index.js';

export function clusterLabel(plan: Pick<UpgradePlan, 'cluster'>): string {
  if (plan.cluster.context) return plan.cluster.context;
  try {
    return new URL(plan.cluster.server).host;
  } catch {
    return plan.cluster.server;
  }
}
