/**
 * The clean end of a run that was already over: a previous `apply` recorded `done` and was killed before it
 * released the Lease or wrote its last mirror update (a kill during postflight's very end). The re-run that
 * finds it frees the Lease that names this run and brings the ConfigMap mirror up to the journal, so the
 * cluster never shows a lock held by, or a `running` record of, a run that is over. Failures here are
 * warnings: the run itself is done.
 */
import type { ClusterClient } from '../../cluster/index.js';
import { readMirror, releaseRunLockOf, StateMirror, type RunState } from '../run/index.js';

export async function settleFinishedRun(
  client: ClusterClient,
  state: RunState,
  warn: (message: string) => void,
): Promise<void> {
  try {
    const freed = await releaseRunLockOf(client, state.runId);
    if (freed) warn(`released the lock (Lease) that run ${state.runId} still held (holder ${freed}): that run is over`);
  } catch (e) {
    warn(`could not release the lock left by run ${state.runId}: ${(e as Error).message}`);
  }
  try {
    const recorded = await readMirror(client, state.plan).catch(() => undefined);
    // Another run's record is never overwritten; our own is brought up to the journal when it lags.
    if (recorded && recorded.runId !== state.runId) return;
    if (recorded && recorded.updatedAt === state.updatedAt) return;
    const mirror = new StateMirror(client, {
      plan: state.plan,
      onError: (err) => warn(`could not mirror the run state to the cluster: ${err.message}`),
    });
    mirror.update(state);
    await mirror.flush();
  } catch (e) {
    warn(`could not mirror the run state to the cluster: ${(e as Error).message}`);
  }
}
