/**
 * The `apply` use case. In order, and changing nothing in the cluster until the lock is held and the
 * operator confirmed: read the plan (schema, content hash), check it is this cluster, refuse at once if
 * another live run holds the lock, re-run preflight (blockers stop unless the plan waived them), take the
 * cluster lease, ask for confirmation, then create or resume the run journal and execute the phases.
 * Returns the run summary (its outcome maps to an exit code); it emits events and never prints. Invalid
 * input throws `ApplyInputError`.
 */
import { clusterLabel } from '../run/cluster-label.js';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { connect, startClusterCache, type AccessOptions, type ClusterCache } from '../../cluster/index.js';
import type { UpgradePlan } from '../../plan/index.js';
import {
  acquireRunLock,
  recordedRun,
  keepingPrevious,
  ActiveRunElsewhere,
  assertRunLockFree,
  buildPhases,
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
  RUN_STATE_API_VERSION,
  RUN_STATE_KIND,
  type ApplySettings,
  type EventSink,
  type RunLock,
  type RunOutcome,
  type RunState,
  type RunStop,
  type RunSummary,
} from '../run/index.js';
import { makeAdvice } from './advice.js';
import { settleFinishedRun } from './clean-end.js';
import { takeEtcdSnapshot } from './etcd-snapshot-phase.js';
import { preflightAgain } from './preflight-again.js';
import { transientStop } from '../run/transient-stop.js';
import { refuseUnsafePlan, refuseStalePlan } from './plan-semantics-gate.js';

export interface ConfirmInfo {
  plan: UpgradePlan;
  resumed: boolean;
  /** Nodes still to do. */
  remaining: number;
  warnings: number;
}

export interface ApplyRequest {
  planPath: string;
  access: AccessOptions;
  generator: string;
  /** Asked after the lock is taken and before anything changes; false = stop with nothing done. */
  confirm: (info: ConfirmInfo) => Promise<boolean>;
  settings?: Partial<ApplySettings>;
  /**
   * The first interrupt: the run pauses at the next safe point (no new node starts; a drain stops between
   * evictions; a running driver finishes its node). Exit 4, resumable.
   */
  signal?: AbortSignal;
  /** The second interrupt: the steps in flight (drivers included) are cancelled. */
  abort?: AbortSignal;
  driverOptions?: { knownHostsFile?: string; identityFile?: string };
  /** How the operator runs this tool, for the advice in messages (`k8s-upgrade`). */
  bin?: string;
  /**
   * `--again`: apply a plan whose run finished or was rolled back once more, as a new run (a new run id; the
   * earlier run is kept in the record's `previousRuns`).
   */
  again?: boolean;
}

export async function applyPlan(req: ApplyRequest, sink: EventSink): Promise<RunSummary> {
  const plan = readPlan(req.planPath);
  refuseUnsafePlan(req.planPath, plan);
  const statePath = statePathFor(req.planPath);
  const emit = makeEmitter(runLogPath(statePath), sink);
  const bin = req.bin ?? 'k8s-upgrade';
  const advice = makeAdvice(bin, req.planPath);
  const finishEarly = (outcome: RunOutcome, stop: RunStop, runId?: string): RunSummary => {
    const summary = summarizeEarlyStop(plan.metadata.name, outcome, stop, runId);
    emit({ type: 'run-finished', summary });
    return summary;
  };

  let local = readStateFile(statePath);
  if (local && local.plan.contentHash !== plan.metadata.contentHash) {
    if (local.status !== 'done') {
      throw new ApplyInputError(
        `${statePath} holds an unfinished run of another version of this plan (${local.plan.contentHash}); finish it with the plan it was made from, or move the state file away if that run is abandoned`,
      );
    }
    local = undefined; // a finished run of an older plan: this is a new run
  }
  const key = { name: plan.metadata.name, contentHash: plan.metadata.contentHash };
  const client = connect(req.access);
  let existing: RunState | undefined;
  try {
    const recorded = await recordedRun(client, key, local, req.planPath);
    for (const message of recorded.notes) emit({ type: 'warning', message });
    existing = recorded.state;
  } catch (e) {
    client.close();
    if (e instanceof ActiveRunElsewhere)
      return finishEarly('locked', {
        outcome: 'locked',
        step: 'lock',
        message: e.message,
        next: [`Wait for that run to finish, then run ${bin} apply ${req.planPath} again.`],
      });
    // The cluster's record unreadable for longer than the retries: pause before anything is changed.
    const stop = transientStop(e, 'the run', advice.resume());
    if (stop) return finishEarly('paused', stop);
    throw e;
  }
  // A run of this plan that was rolled back (or is being rolled back) is not applied again by accident.
  let earlier: RunState | undefined;
  if (existing?.rollback && !(req.again && existing.rollback.status === 'done')) {
    const rb = existing.rollback;
    client.close();
    const done = rb.status === 'done';
    return finishEarly(
      'blocked',
      {
        outcome: 'blocked',
        message: done
          ? `run ${existing.runId} of this plan was rolled back (finished ${rb.finishedAt ?? rb.updatedAt}): the cluster is back at ${plan.from}, and applying the same plan again is not assumed. Nothing was changed`
          : `a rollback of run ${existing.runId} of this plan is ${rb.status}: finish it before anything else. Nothing was changed`,
        next: done
          ? [
              `Make a new plan for the cluster as it is now: ${bin} plan --to ${plan.to} (then apply that plan),`,
              `or apply this plan again deliberately, as a new run: ${bin} apply ${req.planPath} --again`,
            ]
          : [`${bin} rollback ${req.planPath}`],
      },
      existing.runId,
    );
  }
  if (req.again && existing && (existing.status === 'done' || existing.rollback?.status === 'done')) {
    emit({
      type: 'warning',
      message: `--again: starting a new run of this plan; run ${existing.runId} (${existing.rollback ? 'rolled back' : existing.status}) is kept in the record's earlier runs`,
    });
    earlier = existing;
    existing = undefined;
  }
  if (existing?.status === 'done') {
    try {
      await settleFinishedRun(client, existing, (message) => emit({ type: 'warning', message }));
    } finally {
      client.close();
    }
    return finishEarly(
      'done',
      {
        outcome: 'done',
        message: `this plan was already applied (run ${existing.runId} finished ${existing.finishedAt ?? ''}); nothing to do`,
        next: [],
      },
      existing.runId,
    );
  }

  if (
    plan.controlPlane.hops.length > 0 &&
    plan.options.etcdSnapshot.mode === 'none' &&
    !req.settings?.skipEtcdSnapshot &&
    !existing?.snapshotSkipped
  ) {
    client.close();
    throw new ApplyInputError(
      `this plan changes the control plane but takes no etcd snapshot, and without one a failed control-plane upgrade cannot be rolled back. Re-plan with --etcd-snapshot local|ssh (recommended), or run apply with --skip-etcd-snapshot to accept it (recorded in the run state). Nothing was changed`,
    );
  }
  let lock: RunLock | undefined;
  let cache: ClusterCache | undefined;
  let mirror: StateMirror | undefined;
  const lockLost = new AbortController();
  const lockedOut = (e: LockHeldError, runId: string): RunSummary =>
    finishEarly(
      'locked',
      {
        outcome: 'locked',
        step: 'lock',
        message: e.message,
        next: [
          `Wait for that run to finish (or for its lease to expire), then run ${bin} apply ${req.planPath} again.`,
        ],
      },
      runId,
    );
  const runId = existing?.runId ?? randomUUID();
  let journal: RunJournal | undefined;
  let started = Date.now();
  try {
    await checkSameCluster(client, plan, (message) => emit({ type: 'warning', message }));
    try {
      await assertRunLockFree(client, { runId });
    } catch (e) {
      if (e instanceof LockHeldError) return lockedOut(e, runId);
      throw e;
    }

    const runNodes = existing
      ? new Set(existing.phases.flatMap((p) => p.nodes.filter((n) => n.status !== 'pending').map((n) => n.node)))
      : undefined;
    const pre = await preflightAgain(plan, req.access, req.generator, runNodes);
    refuseStalePlan(req.planPath, plan, pre.fresh);
    emit({
      type: 'preflight-finished',
      blockers: pre.blockers.length,
      warnings: pre.findings.filter((f) => f.severity === 'warning').length,
      waived: [...plan.waivers],
    });
    if (pre.blockers.length > 0) {
      const lines = pre.blockers.map(
        (f) =>
          `${f.id}: ${f.message}${
            f.objects.length
              ? ` (${f.objects
                  .slice(0, 5)
                  .map((o) => (o.namespace ? `${o.namespace}/${o.name}` : o.name))
                  .join(', ')}${f.objects.length > 5 ? ', …' : ''})`
              : ''
          }`,
      );
      return finishEarly(
        'blocked',
        {
          outcome: 'blocked',
          step: 'preflight',
          message: `preflight found ${pre.blockers.length} blocker(s) in the cluster as it is now; nothing was changed:\n  ${lines.join('\n  ')}`,
          next: [...new Set(pre.blockers.map((f) => f.remediation))]
            .slice(0, 5)
            .concat([
              `Then run ${bin} apply ${req.planPath} again (or re-plan with --ignore-check ID for a waivable check).`,
            ]),
        },
        existing?.runId,
      );
    }

    try {
      lock = await acquireRunLock(client, { runId, onLost: (err) => lockLost.abort(err) });
    } catch (e) {
      if (e instanceof LockHeldError) return lockedOut(e, runId);
      throw e;
    }
    emit({
      type: 'lock-acquired',
      holder: lock.holder,
      ...(lock.takenOverFrom ? { takenOverFrom: lock.takenOverFrom } : {}),
    });

    const now = new Date().toISOString();
    const fresh = (): RunState => ({
      apiVersion: RUN_STATE_API_VERSION,
      kind: RUN_STATE_KIND,
      runId,
      plan: {
        name: plan.metadata.name,
        path: req.planPath,
        contentHash: plan.metadata.contentHash,
        from: plan.from,
        to: plan.to,
      },
      cluster: { server: plan.cluster.server, kubeSystemUid: plan.cluster.kubeSystemUid },
      status: 'running',
      startedAt: now,
      updatedAt: now,
      attempts: [],
      phases: buildPhases(plan),
    });
    const state: RunState = existing ?? (earlier ? keepingPrevious(fresh(), earlier) : fresh());
    const remaining = state.phases.reduce(
      (s, p) => s + p.nodes.filter((n) => n.status !== 'done' && n.status !== 'skipped').length,
      0,
    );
    if (
      !(await req.confirm({
        plan,
        resumed: !!existing,
        remaining,
        warnings: pre.findings.filter((f) => f.severity === 'warning' && !f.waived).length,
      }))
    ) {
      return finishEarly(
        'failed',
        {
          outcome: 'failed',
          message: 'not confirmed: nothing was changed',
          next: [`${bin} apply ${req.planPath} --yes   # to run without asking`],
        },
        runId,
      );
    }

    mirror = new StateMirror(client, {
      plan: key,
      onError: (err) =>
        emit({ type: 'warning', message: `could not mirror the run state to the cluster: ${err.message}` }),
    });
    journal = new RunJournal(state, statePath, mirror);
    journal.update((s) => {
      s.status = 'running';
      delete s.stop;
      s.attempts.push({ startedAt: now, holder: lock!.holder });
    });
    started = Date.now();
    emit({
      type: 'run-started',
      runId,
      plan: plan.metadata.name,
      cluster: clusterLabel(plan),
      from: plan.from,
      to: plan.to,
      resumed: !!existing,
      phases: state.phases.map((p) => ({ id: p.id, kind: p.kind, title: p.title, nodes: p.nodes.map((n) => n.node) })),
    });

    cache = await startClusterCache(client);
    // The first interrupt (req.signal) pauses at a safe point; a second (req.abort) or a lost lock cancels.
    const signal = AbortSignal.any([lockLost.signal, ...(req.abort ? [req.abort] : [])]);
    setMaxListeners(0, signal); // every node in the window listens for it
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
    const quiet = announceInterrupts(ctx, {
      ...(req.signal ? { pause: req.signal } : {}),
      ...(req.abort ? { abort: req.abort } : {}),
    });
    const stop = await executePhases(ctx, state.phases, {
      'etcd-snapshot': (phase) => takeEtcdSnapshot(ctx, phase),
    }).finally(quiet);
    const outcome: RunOutcome = stop ? stop.outcome : 'done';
    await journal.commit((s) => {
      s.status = outcome === 'done' ? 'done' : outcome === 'paused' ? 'paused' : 'failed';
      if (stop) s.stop = stop;
      if (outcome === 'done') s.finishedAt = new Date().toISOString();
      const a = s.attempts.at(-1);
      if (a) {
        a.endedAt = new Date().toISOString();
        a.outcome = outcome;
      }
    });
    const summary = summarize(state, outcome, Date.now() - started, stop);
    emit({ type: 'run-finished', summary });
    return summary;
  } catch (e) {
    // The API server unavailable for longer than the retries: the run pauses (resumable), it does not fail.
    const stop = transientStop(e, 'the run', advice.resume());
    if (!stop) throw e;
    if (!journal) return finishEarly('paused', stop, runId);
    await journal.commit((s) => {
      s.status = 'paused';
      s.stop = stop;
      const a = s.attempts.at(-1);
      if (a) {
        a.endedAt = new Date().toISOString();
        a.outcome = 'paused';
      }
    });
    const summary = summarize(journal.state, 'paused', Date.now() - started, stop);
    emit({ type: 'run-finished', summary });
    return summary;
  } finally {
    cache?.stop();
    await mirror?.flush().catch(() => undefined);
    await lock?.release().catch(() => undefined);
    client.close();
    emit.close();
  }
}
