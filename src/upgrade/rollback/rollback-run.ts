/**
 * The `rollback` use case: undo what a run of a plan changed. Reads the run's journal (nothing recorded,
 * or nothing changed: refused, nothing touched), checks the cluster, takes the lease, states plainly what
 * will be lost and asks for confirmation; then rolls the workers this run upgraded back to their versions
 * (reverse order, the same drain discipline and window), and when the run changed the control plane restores
 * the verified etcd snapshot on every member and takes the control-plane nodes back, then postflight. The
 * rollback is journalled in the same state file and resumes like apply. Emits events; never prints.
 */
import { clusterLabel } from '../run/cluster-label.js';
import { setMaxListeners } from 'node:events';
import { findComponents } from '../../checks/index.js';
import {
  connect,
  startClusterCache,
  type AccessOptions,
  type ClusterCache,
  type ClusterClient,
} from '../../cluster/index.js';
import { sleepResolvingOnAbort } from '../../drain/index.js';
import type { SnapshotRecord } from '../../etcd/index.js';
import type { UpgradePlan } from '../../plan/index.js';
import {
  acquireRunLock,
  recordedRun,
  ActiveRunElsewhere,
  checkSameCluster,
  executePhases,
  announceInterrupts,
  makeContext,
  makeEmitter,
  readPlan,
  readStateFile,
  runLogPath,
  statePathFor,
  summarize,
  summarizeEarlyStop,
  ApplyInputError,
  LockHeldError,
  RunJournal,
  StateMirror,
  type ApplySettings,
  type EventSink,
  type RunLock,
  type RunOutcome,
  type RunState,
  type RunStop,
  type RunSummary,
} from '../run/index.js';
import { restoreEtcdPhase } from './etcd-restore-phase.js';
import { buildRollbackPhases, rollbackScope } from './rollback-phases.js';

export interface RollbackConfirmInfo {
  plan: UpgradePlan;
  resumed: boolean;
  /** Workers to take back, and to which version. */
  workers: { node: string; to: string }[];
  controlPlane: boolean;
  /** The snapshot the control plane is restored from: every write after `takenAt` is lost. */
  snapshot?: SnapshotRecord;
}

export interface RollbackRequest {
  planPath: string;
  access: AccessOptions;
  confirm: (info: RollbackConfirmInfo) => Promise<boolean>;
  settings?: Partial<ApplySettings>;
  /** The first interrupt: pause at the next safe point (an etcd restore in progress finishes). */
  signal?: AbortSignal;
  /** The second interrupt: cancel the steps in flight. */
  abort?: AbortSignal;
  driverOptions?: { knownHostsFile?: string; identityFile?: string };
  bin?: string;
  /** The lock of the apply that rolls itself back (`apply --auto-rollback`): reused, not taken again. */
  heldLock?: RunLock;
}

export async function rollbackRun(req: RollbackRequest, sink: EventSink): Promise<RunSummary> {
  const plan = readPlan(req.planPath);
  const statePath = statePathFor(req.planPath);
  const emit = makeEmitter(runLogPath(statePath), sink);
  const bin = req.bin ?? 'k8s-upgrade';
  const again = `${bin} rollback ${req.planPath}`;
  const advice = {
    resume: () => [again],
    rollback: () => [],
    afterGate: (failing: string[]) => [
      `Investigate: ${failing.slice(0, 3).join('; ')}`,
      `Then resume the rollback: ${again}`,
    ],
  };

  const local = readStateFile(statePath);
  const client = connect(req.access);
  let state: RunState | undefined;
  try {
    const recorded = await recordedRun(
      client,
      { name: plan.metadata.name, contentHash: plan.metadata.contentHash },
      local,
      req.planPath,
    );
    for (const message of recorded.notes) emit({ type: 'warning', message });
    state = recorded.state;
  } catch (e) {
    client.close();
    if (e instanceof ActiveRunElsewhere) throw new ApplyInputError(e.message, { cause: e });
    throw e;
  }
  if (!state) {
    client.close();
    throw new ApplyInputError(
      `nothing to roll back: no run of ${req.planPath} is recorded (${statePath} does not exist, and the cluster holds no record of this plan). Nothing was changed`,
    );
  }
  /** Refused: nothing was changed; the client is closed. */
  const refuse = (message: string): ApplyInputError => {
    client.close();
    return new ApplyInputError(message);
  };
  if (state.plan.contentHash !== plan.metadata.contentHash)
    throw refuse(
      `${statePath} records a run of another version of this plan (${state.plan.contentHash}); roll back with the plan that run used. Nothing was changed`,
    );
  const finishEarly = (outcome: RunOutcome, stop: RunStop): RunSummary => {
    const summary = summarizeEarlyStop(plan.metadata.name, outcome, stop, state.runId);
    emit({ type: 'run-finished', summary });
    return summary;
  };
  if (state.rollback?.status === 'done') {
    client.close();
    return finishEarly('done', {
      outcome: 'done',
      message: `run ${state.runId} was already rolled back (finished ${state.rollback.finishedAt ?? ''}); nothing to do`,
      next: [],
    });
  }
  const scope = rollbackScope(state);
  if (!state.rollback && scope.workers.length === 0 && !scope.controlPlane) {
    throw refuse(`nothing to roll back: run ${state.runId} of ${req.planPath} changed no node. Nothing was changed`);
  }
  const snapshot = state.rollback?.snapshot ?? state.snapshots?.find((s) => s.record.verified)?.record;
  if (scope.controlPlane && !snapshot) {
    throw refuse(
      `run ${state.runId} changed the control plane without an etcd snapshot${state.snapshotSkipped ? ` (skipped: ${state.snapshotSkipped.reason} at ${state.snapshotSkipped.at})` : ''}, so rollback cannot restore it. Kubernetes has no supported control-plane downgrade; restore etcd from a backup of your own (kubernetes-facts §8) or finish the upgrade with ${bin} apply ${req.planPath}. Nothing was changed`,
    );
  }

  let lock: RunLock | undefined = req.heldLock;
  let cache: ClusterCache | undefined;
  let mirror: StateMirror | undefined;
  const lockLost = new AbortController();
  try {
    await checkSameCluster(client, plan, (message) => emit({ type: 'warning', message }));
    if (!lock) {
      try {
        lock = await acquireRunLock(client, { runId: state.runId, onLost: (err) => lockLost.abort(err) });
      } catch (e) {
        if (e instanceof LockHeldError)
          return finishEarly('locked', {
            outcome: 'locked',
            step: 'lock',
            message: e.message,
            next: [`Wait for that run to finish (or its lease to expire), then: ${again}`],
          });
        throw e;
      }
    }
    emit({
      type: 'lock-acquired',
      holder: lock.holder,
      ...(lock.takenOverFrom ? { takenOverFrom: lock.takenOverFrom } : {}),
    });
    if (
      !(await req.confirm({
        plan,
        resumed: !!state.rollback,
        workers: scope.workers,
        controlPlane: scope.controlPlane,
        ...(snapshot ? { snapshot } : {}),
      }))
    ) {
      return finishEarly('failed', {
        outcome: 'failed',
        message: 'not confirmed: nothing was changed',
        next: [`${again} --yes   # to run without asking`],
      });
    }

    cache = await startClusterCache(client);
    mirror = new StateMirror(client, {
      plan: { name: plan.metadata.name, contentHash: plan.metadata.contentHash },
      onError: (err) =>
        emit({ type: 'warning', message: `could not mirror the run state to the cluster: ${err.message}` }),
    });
    const journal = new RunJournal(state, statePath, mirror);
    const now = new Date().toISOString();
    const members = etcdMembers(plan, cache);
    journal.update((s: RunState) => {
      s.rollback ??= {
        status: 'running',
        startedAt: now,
        updatedAt: now,
        ...(snapshot && scope.controlPlane ? { snapshot } : {}),
        attempts: [],
        phases: buildRollbackPhases(plan, s, members),
      };
      s.rollback.status = 'running';
      s.rollback.updatedAt = now;
      delete s.rollback.stop;
      s.rollback.attempts.push({ startedAt: now, holder: lock!.holder });
    });
    const rb = state.rollback!;
    const started = Date.now();
    emit({
      type: 'run-started',
      runId: state.runId,
      plan: plan.metadata.name,
      cluster: clusterLabel(plan),
      from: plan.to,
      to: plan.from,
      resumed: rb.attempts.length > 1,
      phases: rb.phases.map((p) => ({ id: p.id, kind: p.kind, title: p.title, nodes: p.nodes.map((n) => n.node) })),
    });

    // The first interrupt (req.signal) pauses at a safe point; a second (req.abort) or a lost lock cancels.
    const signal = AbortSignal.any([lockLost.signal, ...(req.abort ? [req.abort] : [])]);
    setMaxListeners(0, signal);
    const ctx = makeContext({
      plan,
      planPath: req.planPath,
      client,
      cache,
      journal,
      signal,
      ...(req.signal ? { pause: req.signal } : {}),
      advice,
      emit,
      ...(req.settings ? { settings: req.settings } : {}),
      ...(req.driverOptions ? { driverOptions: req.driverOptions } : {}),
    });
    const liveCache = cache;
    const quiet = announceInterrupts(ctx, {
      ...(req.signal ? { pause: req.signal } : {}),
      ...(req.abort ? { abort: req.abort } : {}),
    });
    const stop = await executePhases(ctx, rb.phases, {
      'etcd-restore': (phase) =>
        restoreEtcdPhase(ctx, phase, rb.snapshot!, {
          beforeRestore: async () => {
            // The Lease is part of what the restore rewinds: hand it back now, take it again afterwards.
            await lock?.release().catch(() => undefined);
            lock = undefined;
            journal.holdMirror(true);
          },
          afterRestore: async () => {
            await liveCache.waitFor(() => liveCache.staleness().length === 0 || undefined, {
              timeoutMs: 300_000,
              signal,
              what: 'the API server to serve the restored cluster',
            });
            lock ??= await acquireLockAfterRestore(client, state.runId, lockLost);
            journal.holdMirror(false);
            await journal.save(); // the restore rewound the mirror ConfigMap too: the journal re-writes it
          },
        }),
    }).finally(quiet);
    const outcome: RunOutcome = stop ? stop.outcome : 'done';
    await journal.commit(() => {
      rb.status = outcome === 'done' ? 'done' : outcome === 'paused' ? 'paused' : 'failed';
      rb.updatedAt = new Date().toISOString();
      if (stop) rb.stop = stop;
      if (outcome === 'done') rb.finishedAt = rb.updatedAt;
      const a = rb.attempts.at(-1);
      if (a) {
        a.endedAt = rb.updatedAt;
        a.outcome = outcome;
      }
    });
    const summary = summarize(state, outcome, Date.now() - started, stop, rb.phases);
    emit({ type: 'run-finished', summary });
    return summary;
  } finally {
    cache?.stop();
    await mirror?.flush().catch(() => undefined);
    if (lock && lock !== req.heldLock) await lock.release().catch(() => undefined);
    client.close();
    emit.close();
  }
}

/** etcd members: the control-plane nodes that run an etcd static pod (all of them when none is visible: external etcd is out of scope). */
function etcdMembers(plan: UpgradePlan, cache: ClusterCache): string[] {
  const withEtcd = new Set(
    findComponents(cache.systemPods.all(), [])
      .filter((c) => c.component === 'etcd' && c.node)
      .map((c) => c.node!),
  );
  const members = plan.controlPlane.nodes.filter((n) => withEtcd.has(n));
  return members.length > 0 ? members : [...plan.controlPlane.nodes];
}

/** After a restore the Lease shows its holder at snapshot time: expired, or a process of ours that has ended. */
async function acquireLockAfterRestore(
  client: ClusterClient,
  runId: string,
  lockLost: AbortController,
): Promise<RunLock> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await acquireRunLock(client, { runId, onLost: (err) => lockLost.abort(err) });
    } catch (e) {
      if (!(e instanceof LockHeldError) || Date.now() > deadline) throw e;
      await sleepResolvingOnAbort(2000);
    }
  }
}
