/**
 * The one place the fleet reads a cluster's run-state mirror: the record named by the plan (its name and
 * content hash).
 */
import type { ConfigMapStore } from '../../cluster/index.js';
import { readMirror, type RunState } from '../../upgrade/run/index.js';

export async function readClusterRunMirror(
  client: ConfigMapStore,
  plan: { name: string; contentHash: string },
): Promise<RunState | undefined> {
  const state = await readMirror(client, plan);
  // A mirror of another version of the plan is not this run's truth.
  return state && state.plan.contentHash === plan.contentHash ? state : undefined;
}
