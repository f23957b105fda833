/**
 * The `status` use case's view of the cluster: the run recorded for a plan in its ConfigMap mirror (when no
 * local state exists, e.g. on another machine), and every run record the cluster holds (label-selected).
 * Read-only; returns data and never prints.
 */
import { connect, type AccessOptions } from '../../cluster/index.js';
import { listRunRecords, readMirror, readPlan, type RunRecord, type RunState } from '../run/index.js';

/** The run the cluster records for the plan file at `planPath`; undefined when it records none. */
export async function readClusterRun(planPath: string, access: AccessOptions): Promise<RunState | undefined> {
  const plan = readPlan(planPath);
  const client = connect(access);
  try {
    const state = await readMirror(client, plan.metadata);
    return state && state.plan.contentHash === plan.metadata.contentHash ? state : undefined;
  } finally {
    client.close();
  }
}

/** Every run recorded in the cluster, newest first. */
export async function listClusterRuns(access: AccessOptions): Promise<RunRecord[]> {
  const client = connect(access);
  try {
    return await listRunRecords(client);
  } finally {
    client.close();
  }
}
