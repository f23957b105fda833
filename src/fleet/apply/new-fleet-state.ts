/** The fleet state of a run that has not started yet: every stage and cluster NotStarted. */
import type { FleetPlan } from '../plan/fleet-plan-types.js';
import { FLEET_STATE_KIND, type FleetState } from '../state/index.js';

export function newFleetState(plan: FleetPlan, planPath: string, now: Date): FleetState {
  const at = now.toISOString();
  return {
    apiVersion: 'k8s-upgrade/v1',
    kind: FLEET_STATE_KIND,
    fleet: {
      name: plan.metadata.name,
      planPath,
      contentHash: plan.metadata.contentHash,
      fleetFileHash: plan.metadata.fleetFileHash,
    },
    status: 'running',
    startedAt: at,
    updatedAt: at,
    stages: plan.stages.map((s) => ({ name: s.name, state: 'NotStarted' })),
    clusters: plan.stages.flatMap((s) =>
      s.clusters.map((c) => ({
        name: c.name,
        stage: s.name,
        state: 'NotStarted' as const,
        attempts: [],
        progress: { nodesDone: 0, nodesTotal: c.nodes },
        history: [],
      })),
    ),
    approvals: [],
  };
}

/** `<username>@<host>`: who approved. */
export { whoAmI } from './who-am-i.js';
