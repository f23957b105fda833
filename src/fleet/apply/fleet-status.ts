/**
 * `fleet status`: the fleet state as one view — stages with done/failed/total and when a soak ends, each cluster's
 * state, progress (nodes done/total, the node and step in flight), what blocks it and when its window opens, and
 * a changed inventory. Reads files only (the fleet plan and its state); a plan never applied shows NotStarted.
 */
import type { ClusterState, StageState } from '../schedule/index.js';
import { fleetStatePathFor, readFleetState, type ClusterProgress, type FleetState } from '../state/index.js';
import { newFleetState } from './new-fleet-state.js';
import { readFleetPlan } from '../plan/fleet-plan-file.js';

export interface FleetStatusView {
  fleet: string;
  planPath: string;
  status: FleetState['status'] | 'not-started';
  message?: string;
  updatedAt?: string;
  stages: {
    name: string;
    state: StageState;
    done: number;
    failed: number;
    total: number;
    soakUntil?: string;
    message?: string;
    clusters: {
      name: string;
      state: ClusterState;
      attempts: number;
      progress?: ClusterProgress;
      message?: string;
      windowOpensAt?: string;
    }[];
  }[];
  approvals: FleetState['approvals'];
  inventory?: FleetState['inventory'];
}

export function fleetStatus(fleetPlanPath: string, now = new Date()): FleetStatusView {
  const plan = readFleetPlan(fleetPlanPath);
  const saved = readFleetState(fleetStatePathFor(fleetPlanPath));
  const state = saved ?? newFleetState(plan, fleetPlanPath, now);
  return {
    fleet: plan.metadata.name,
    planPath: fleetPlanPath,
    status: saved ? state.status : 'not-started',
    ...(state.message ? { message: state.message } : {}),
    ...(saved ? { updatedAt: state.updatedAt } : {}),
    stages: state.stages.map((s) => {
      const cs = state.clusters.filter((c) => c.stage === s.name);
      return {
        name: s.name,
        state: s.state,
        done: cs.filter((c) => c.state === 'Done').length,
        failed: cs.filter((c) => c.state === 'Failed').length,
        total: cs.length,
        ...(s.soakUntil ? { soakUntil: s.soakUntil } : {}),
        ...(s.message ? { message: s.message } : {}),
        clusters: cs.map((c) => ({
          name: c.name,
          state: c.state,
          attempts: c.attempts.length,
          ...(c.progress ? { progress: c.progress } : {}),
          ...(c.message ? { message: c.message } : {}),
          ...(c.windowOpensAt ? { windowOpensAt: c.windowOpensAt } : {}),
        })),
      };
    }),
    approvals: state.approvals,
    ...(state.inventory ? { inventory: state.inventory } : {}),
  };
}
