/**
 * Which run of a plan `apply` (or `rollback`) continues: the one in the local state file, the one the cluster records in the
 * plan's ConfigMap mirror, or both. A run recorded only in the cluster (a fresh CI runner, another working
 * directory) is taken over, journal and all; when both record the same run, the newer copy wins (the cluster's
 * after another runner went on with it, the local one after an etcd restore rewound the cluster). Two different
 * runs of the plan: the record of one that is still active (its Lease live) is never taken over or overwritten
 * (`ActiveRunElsewhere`); otherwise the newer goes on and the other is kept as a summary in `previousRuns`.
 */
import type { ClusterClient } from '../../cluster/index.js';
import { liveHolderOf } from './lock.js';
import type { PreviousRun, RunState } from './run-state-types.js';
import { mirrorNameFor, readMirror, MIRROR_NAMESPACE, type MirrorKey } from './state-mirror.js';
import { StateFileError } from './state-store.js';

/** The plan's record in the cluster belongs to another run that is active now. */
export class ActiveRunElsewhere extends Error {
  override name = 'ActiveRunElsewhere';
}

/** How many earlier runs a record keeps (the record must stay well within a ConfigMap's 1 MiB). */
const MAX_PREVIOUS_RUNS = 20;

export function previousRunOf(s: RunState): PreviousRun {
  return {
    runId: s.runId,
    status: s.status,
    startedAt: s.startedAt,
    ...(s.finishedAt ? { finishedAt: s.finishedAt } : {}),
    ...(s.rollback ? { rollback: s.rollback.status } : {}),
    ...(s.rollback?.finishedAt ? { rolledBackAt: s.rollback.finishedAt } : {}),
  };
}

/** `current` with `earlier` (and the runs it kept) appended to its previous runs, each run once, newest last. */
export function keepingPrevious(current: RunState, earlier: RunState): RunState {
  const all = [...(earlier.previousRuns ?? []), previousRunOf(earlier), ...(current.previousRuns ?? [])];
  const seen = new Set<string>([current.runId]);
  const kept = all.filter((r) => !seen.has(r.runId) && seen.add(r.runId));
  return { ...current, previousRuns: kept.slice(-MAX_PREVIOUS_RUNS) };
}

const newer = (a: RunState, b: RunState) => (Date.parse(b.updatedAt) > Date.parse(a.updatedAt) ? b : a);

export interface RecordedRun {
  state: RunState | undefined;
  /** Said to the operator (as a warning event) when the run came from, or differs from, the cluster's record. */
  notes: string[];
}

export async function recordedRun(
  client: ClusterClient,
  key: MirrorKey,
  local: RunState | undefined,
  planPath: string,
): Promise<RecordedRun> {
  const where = `ConfigMap ${MIRROR_NAMESPACE}/${mirrorNameFor(key)}`;
  let cluster: RunState | undefined;
  try {
    cluster = await readMirror(client, key);
  } catch (e) {
    if (!(e instanceof StateFileError)) throw e;
    return { state: local, notes: [`the cluster's record of this plan cannot be used (${e.message})`] };
  }
  if (cluster && cluster.plan.contentHash !== key.contentHash) cluster = undefined; // another plan, same prefix
  if (!cluster) return { state: local, notes: [] };
  if (!local) {
    return {
      state: { ...cluster, plan: { ...cluster.plan, path: planPath } },
      notes: [
        `no local run state: continuing run ${cluster.runId} (${cluster.status}) from the cluster's record, ${where}`,
      ],
    };
  }
  if (local.runId === cluster.runId) {
    const chosen = newer(local, cluster);
    return {
      state: chosen === local ? local : { ...cluster, plan: { ...cluster.plan, path: planPath } },
      notes:
        chosen === local
          ? []
          : [
              `the cluster's record of run ${cluster.runId} (${where}) is newer than the local state file: continuing from it`,
            ],
    };
  }
  const holder = await liveHolderOf(client, cluster.runId);
  if (holder)
    throw new ActiveRunElsewhere(
      `the cluster's record of this plan (${where}) belongs to run ${cluster.runId}, which is running now (Lease held by ${holder}); the local state file records another run, ${local.runId}. Wait for run ${cluster.runId} to finish, then apply again (it continues from the cluster's record). Nothing was changed`,
    );
  const current = newer(local, cluster);
  const earlier = current === local ? cluster : local;
  return {
    state: keepingPrevious(
      current === local ? local : { ...cluster, plan: { ...cluster.plan, path: planPath } },
      earlier,
    ),
    notes: [
      `two runs of this plan are recorded (local ${local.runId}, cluster ${cluster.runId}): continuing the newer, ${current.runId}; run ${earlier.runId} is kept in the record's previous runs`,
    ],
  };
}
