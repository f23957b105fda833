/** Changing a cluster's state in the fleet state: every change is recorded in its history with the reason. */
import type { ClusterState } from '../schedule/states.js';
import type { FleetClusterRecord, FleetState } from './fleet-state-types.js';

export function clusterRecord(state: FleetState, name: string): FleetClusterRecord {
  const c = state.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`cluster ${name} is not in the fleet state`);
  return c;
}

/** Sets the state (no-op when unchanged except for the message), appending a history entry. */
export function setClusterState(c: FleetClusterRecord, to: ClusterState, reason?: string, now = new Date()): void {
  if (c.state !== to) c.history.push({ at: now.toISOString(), from: c.state, to, ...(reason ? { reason } : {}) });
  c.state = to;
  if (reason !== undefined) c.message = reason;
  else delete c.message;
  if (to !== 'Waiting') delete c.windowOpensAt;
}

/** `fleet retry`: every Failed cluster back to NotStarted (history and attempts kept); returns their names. */
export function resetFailed(state: FleetState, now = new Date()): string[] {
  const names: string[] = [];
  for (const c of state.clusters) {
    if (c.state !== 'Failed') continue;
    setClusterState(c, 'NotStarted', 'fleet retry', now);
    names.push(c.name);
  }
  for (const s of state.stages) {
    if (state.clusters.some((c) => c.stage === s.name && names.includes(c.name)) && s.state !== 'NotStarted') {
      s.state = 'Running';
      delete s.finishedAt;
      delete s.message;
    }
  }
  if (names.length > 0) {
    state.status = 'paused';
    delete state.finishedAt;
  }
  return names;
}

export function approvalFor(state: FleetState, stage: string): FleetState['approvals'][number] | undefined {
  return state.approvals.find((a) => a.stage === stage);
}
