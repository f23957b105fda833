/**
 * The `fleet apply` use case: stage by stage, each cluster run in-process by the `apply` use case (its own Lease,
 * state file, mirror and snapshot) under the stage scheduler's caps and budget; then the soak (absolute
 * `soakUntil`, the stage's clusters re-checked) and the gates. Before anything runs it checks every cluster's plan
 * file against the fleet plan's content hash (a change is invalid input) and, on a resume, rebuilds each
 * cluster's truth from the cluster (mirror, nodes), so a cluster finished by someone else counts as done. The
 * first abort of `signal` starts no new cluster and pauses the running ones at their safe point; `abort` (the
 * second) is passed on to them, to cancel their steps in flight. Emits events,
 * persists the fleet state after every transition, and never prints.
 */
import { randomUUID } from 'node:crypto';
import type { AccessOptions } from '../../cluster/index.js';
import { applyPlan } from '../../upgrade/apply/index.js';
import {
  LockHeldError,
  readPlan,
  type ApplySettings,
  type RunOutcome,
  type RunSummary,
  type UpgradeEvent,
} from '../../upgrade/run/index.js';
import type { FleetPlan, FleetPlanCluster, FleetPlanStage } from '../plan/fleet-plan-types.js';
import {
  decideStage,
  formatDurationMs,
  parseDuration,
  resolveConcurrency,
  resolveFailureBudget,
  type ClusterState,
  type StagePolicy,
} from '../schedule/index.js';
import {
  acquireFleetLease,
  approvalFor,
  clusterRecord,
  fleetStatePathFor,
  readFleetState,
  setClusterState,
  writeFleetState,
  type FleetClusterRecord,
  type FleetStageRecord,
  type FleetState,
} from '../state/index.js';
import { systemClock, type FleetClock } from './clock.js';
import { readClusterTruth, regressionOf } from './cluster-truth.js';
import { FleetInputError } from './errors.js';
import type { FleetEventBody, FleetEventSink, FleetOutcome } from './fleet-events.js';
import { checkGate, describeGate } from './gates.js';
import { checkInventory, inventoryChanged } from './inventory.js';
import { newFleetState, whoAmI } from './new-fleet-state.js';
import { readFleetPlan } from '../plan/fleet-plan-file.js';
import { clusterPlanPath } from './cluster-plan-path.js';

export interface FleetApplyRequest {
  fleetPlanPath: string;
  generator: string;
  settings?: Partial<ApplySettings>;
  driverOptions?: { knownHostsFile?: string; identityFile?: string };
  /** Approve every approval gate of this run (recorded as `--auto-approve by <who>`). */
  autoApprove?: boolean;
  /** Wait for windows and approvals (interactive); false = pause the run (exit 4) saying what it waits for. */
  wait: boolean;
  /** First abort: no new cluster starts, running clusters pause at their safe point. */
  signal?: AbortSignal;
  /** Second abort: passed on to the running clusters, which cancel their steps in flight (drivers included). */
  abort?: AbortSignal;
  clock?: FleetClock;
  /** The management cluster holding the fleet Lease (none: no fleet Lease). */
  lease?: AccessOptions;
  /** How often the soak re-checks the stage's clusters (default 30 s) and approvals are looked for (2 s). */
  soakCheckEveryMs?: number;
  approvalPollMs?: number;
  bin?: string;
}

export interface FleetApplyResult {
  outcome: FleetOutcome;
  message: string;
  next: string[];
  state: FleetState;
  statePath: string;
}

interface Verified {
  cluster: FleetPlanCluster;
  planPath: string;
  planName: string;
}

/** Every cluster's plan file exists, parses and still has the content hash the fleet plan reviewed. */
function verifyPlans(fleetPlanPath: string, plan: FleetPlan): Map<string, Verified> {
  const out = new Map<string, Verified>();
  for (const stage of plan.stages)
    for (const c of stage.clusters) {
      const planPath = clusterPlanPath(fleetPlanPath, c.planPath);
      let p;
      try {
        p = readPlan(planPath);
      } catch (e) {
        throw new FleetInputError(`cluster ${c.name}: ${(e as Error).message}`, { cause: e });
      }
      if (p.metadata.contentHash !== c.contentHash)
        throw new FleetInputError(
          `cluster ${c.name}: its plan ${planPath} changed since the fleet plan was made (content hash ${p.metadata.contentHash}, the fleet plan reviewed ${c.contentHash}); re-run fleet plan, nothing was changed`,
        );
      out.set(c.name, { cluster: c, planPath, planName: p.metadata.name });
    }
  return out;
}

const accessOf = (c: FleetPlanCluster): AccessOptions => ({
  ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}),
  ...(c.context ? { context: c.context } : {}),
});

/**
 * A run that paused because the fleet was interrupted, or because its API server kept failing (transient:
 * the same apply resumes it), is Paused; one that paused on its own for a reason in the cluster (a node
 * never Ready) counts against the failure budget like a failure.
 */
export function clusterStateFor(outcome: RunOutcome, interrupted: boolean, transient = false): ClusterState {
  if (outcome === 'done') return 'Done';
  if (outcome === 'locked') return 'Paused';
  if (outcome === 'paused' && (interrupted || transient)) return 'Paused';
  return 'Failed'; // failed, blocked, invalid, and a run that paused on its own (a node never Ready)
}

async function mapLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

export async function applyFleet(req: FleetApplyRequest, sink: FleetEventSink): Promise<FleetApplyResult> {
  const clock = req.clock ?? systemClock;
  const bin = req.bin ?? 'k8s-upgrade';
  const plan = readFleetPlan(req.fleetPlanPath);
  const verified = verifyPlans(req.fleetPlanPath, plan);
  const statePath = fleetStatePathFor(req.fleetPlanPath);
  const existing = readFleetState(statePath);
  if (existing && existing.fleet.contentHash !== plan.metadata.contentHash)
    throw new FleetInputError(
      `${statePath} belongs to another version of this fleet plan (${existing.fleet.contentHash}); move it away to start this one (each cluster's state stays in the cluster)`,
    );
  const state = existing ?? newFleetState(plan, req.fleetPlanPath, clock.now());
  const emit = (e: FleetEventBody) => sink({ ...e, at: clock.now().toISOString() } as never);
  const persist = () => writeFleetState(statePath, state);
  const interrupt = req.signal ?? new AbortController().signal;
  const cmd = (sub: string) => `${bin} fleet ${sub} ${req.fleetPlanPath}`;

  const finish = (outcome: FleetOutcome, message: string, next: string[]): FleetApplyResult => {
    state.status = outcome === 'done' ? 'done' : outcome === 'failed' ? 'failed' : 'paused';
    state.message = message;
    if (outcome === 'done') state.finishedAt = clock.now().toISOString();
    persist();
    emit({ type: 'fleet-finished', outcome, message, next });
    return { outcome, message, next, state, statePath };
  };

  let lease: Awaited<ReturnType<typeof acquireFleetLease>> | undefined;
  if (req.lease) {
    try {
      lease = await acquireFleetLease(req.lease, plan.metadata.name, randomUUID(), (err) =>
        emit({ type: 'fleet-warning', message: `lost the fleet Lease: ${err.message}` }),
      );
    } catch (e) {
      if (e instanceof LockHeldError)
        return {
          outcome: 'locked',
          message: `another fleet apply drives this fleet: ${e.message}`,
          next: [`Wait for it to finish, then run ${cmd('apply')} again.`],
          state,
          statePath,
        };
      throw e;
    }
  }
  try {
    state.status = 'running';
    delete state.message;
    emit({
      type: 'fleet-started',
      fleet: plan.metadata.name,
      resumed: !!existing,
      stages: plan.stages.map((s) => ({ name: s.name, clusters: s.clusters.map((c) => c.name) })),
    });

    await rebuildFromClusters();
    // A changed inventory: reported, and a cluster gone from the fleet file is skipped (with the reason).
    const inv = checkInventory(req.fleetPlanPath, plan, clock.now());
    state.inventory = inv;
    if (inventoryChanged(inv)) {
      emit({ type: 'fleet-inventory-changed', ...inv });
      for (const name of inv.removed) {
        const c = clusterRecord(state, name);
        if (c.state !== 'Done' && c.state !== 'Skipped')
          setClusterState(c, 'Skipped', 'removed from the fleet file since the fleet plan was made', clock.now());
      }
    }

    persist();

    for (const stage of plan.stages) {
      const rec = state.stages.find((s) => s.name === stage.name)!;
      if (rec.state === 'Done') continue;
      const r = await runStage(stage, rec);
      if (r) return r;
    }
    return finish('done', `every stage is done`, []);
  } finally {
    await lease?.release().catch(() => undefined);
  }

  /**
   * Each unsettled cluster's truth from the cluster, on every run (a first run too: someone may have applied a
   * plan by hand): its mirror says done ⇒ Done; an interrupted one runs again (its own run resumes).
   */
  async function rebuildFromClusters(): Promise<void> {
    const open = state.clusters.filter((c) => c.state !== 'Done' && c.state !== 'Skipped' && c.state !== 'Failed');
    await mapLimit(open, 8, async (c) => {
      const v = verified.get(c.name)!;
      let reason: string;
      try {
        const t = await readClusterTruth(accessOf(v.cluster), {
          name: v.planName,
          contentHash: v.cluster.contentHash,
          to: v.cluster.to,
        });
        c.progress = t.progress;
        if (t.mirrorDone) {
          closeAttempt(c, 'done', 'finished (its run state in the cluster says done)');
          setClusterState(c, 'Done', 'finished: its run state in the cluster says done', clock.now());
          emit({ type: 'fleet-cluster-rebuilt', cluster: c.name, state: 'Done', reason: c.message! });
          return;
        }
        reason = `${t.nodesAtTarget}/${t.nodesTotal} nodes at ${v.cluster.to}; its run state is ${t.mirrorStatus ?? 'not started'}`;
      } catch (e) {
        reason = `could not read it (${(e as Error).message}); its own run resumes from its state`;
      }
      if (c.state === 'Running' || c.state === 'Paused' || c.state === 'Waiting') {
        closeAttempt(c, 'interrupted');
        setClusterState(c, 'NotStarted', `resuming: ${reason}`, clock.now());
        emit({ type: 'fleet-cluster-rebuilt', cluster: c.name, state: 'NotStarted', reason });
      }
    });
  }

  function closeAttempt(c: FleetClusterRecord, outcome: string, message?: string): void {
    const a = c.attempts.at(-1);
    if (a && !a.endedAt) {
      a.endedAt = clock.now().toISOString();
      a.outcome = outcome;
      if (message) a.message = message;
    }
  }

  function policyOf(stage: FleetPlanStage): StagePolicy {
    const n = stage.clusters.length;
    return {
      maxConcurrency: resolveConcurrency(stage.maxConcurrency, n),
      failureBudget: resolveFailureBudget(stage.failureBudget, n),
      onFailure: stage.onFailure ?? 'stop',
    };
  }

  /** Runs one stage to its end; returns the fleet's result when the run stops here. */
  async function runStage(stage: FleetPlanStage, rec: FleetStageRecord): Promise<FleetApplyResult | undefined> {
    const policy = policyOf(stage);
    const records = stage.clusters.map((c) => clusterRecord(state, c.name));

    if (!rec.beforeGatesPassedAt) {
      const g = await passGates(stage, rec, 'before');
      if (g) return g;
    }
    if (rec.state === 'NotStarted' || rec.state === 'Waiting' || rec.state === 'Paused' || rec.state === 'Failed') {
      rec.state = 'Running';
      rec.startedAt ??= clock.now().toISOString();
      persist();
      emit({ type: 'fleet-stage-started', stage: stage.name });
    }

    if (rec.state === 'Running') {
      const r = await runClusters(stage, rec, policy, records);
      if (r) return r;
    }

    if (stage.soak && rec.state !== 'Done') {
      const r = await soak(stage, rec, policy, records);
      if (r) return r;
    }
    if (!rec.afterGatesPassedAt) {
      const g = await passGates(stage, rec, 'after');
      if (g) return g;
    }
    rec.state = 'Done';
    rec.finishedAt = clock.now().toISOString();
    persist();
    emit({
      type: 'fleet-stage-finished',
      stage: stage.name,
      state: 'Done',
      ...(rec.message ? { message: rec.message } : {}),
    });
    return undefined;
  }

  async function runClusters(
    stage: FleetPlanStage,
    rec: FleetStageRecord,
    policy: StagePolicy,
    records: FleetClusterRecord[],
  ): Promise<FleetApplyResult | undefined> {
    const running = new Map<string, Promise<void>>();
    let budgetReported = false;
    for (;;) {
      const d = decideStage(
        stage.clusters.map((c, i) => ({
          name: c.name,
          state: records[i]!.state,
          ...(c.maintenanceWindow ? { maintenanceWindow: c.maintenanceWindow } : {}),
        })),
        policy,
        clock.now(),
      );
      for (const w of d.waiting) {
        const c = clusterRecord(state, w.name);
        const opens = w.opensAt?.toISOString();
        if (c.state !== 'Waiting' || c.windowOpensAt !== opens) {
          setClusterState(
            c,
            'Waiting',
            `outside its maintenance window${opens ? `; the next opens ${opens}` : ''}`,
            clock.now(),
          );
          if (opens) c.windowOpensAt = opens;
          emit({
            type: 'fleet-cluster-waiting',
            stage: stage.name,
            cluster: w.name,
            ...(opens ? { opensAt: opens } : {}),
          });
          persist();
        }
      }
      if (!interrupt.aborted) for (const name of d.start) running.set(name, startCluster(stage, name, running));

      if ((d.verdict === 'draining' || d.verdict === policy.onFailure) && !budgetReported && d.failed > d.budget) {
        budgetReported = true;
        emit({
          type: 'fleet-budget-spent',
          stage: stage.name,
          failed: d.failed,
          budget: d.budget,
          onFailure: policy.onFailure,
        });
      }
      if (running.size > 0) {
        await Promise.race(running.values());
        continue;
      }
      if (interrupt.aborted)
        return pauseStage(rec, 'interrupted: the running clusters paused at a safe point', [cmd('apply')]);
      switch (d.verdict) {
        case 'run':
        case 'draining':
          continue;
        case 'wait-window': {
          const opens = d.opensAt;
          if (!req.wait || !opens)
            return pauseStage(
              rec,
              `${d.waiting.map((w) => w.name).join(', ')} wait for their maintenance window${opens ? `; the next opens ${opens.toISOString()}` : ' (it never opens)'}`,
              [`Run ${cmd('apply')} again once the window is open (or without --no-wait on a terminal to wait).`],
            );
          await clock.sleep(opens.getTime() - clock.now().getTime() + 1000, interrupt);
          continue;
        }
        case 'done':
          return undefined;
        case 'paused': {
          const paused = records.filter((c) => c.state === 'Paused');
          return pauseStage(rec, `${paused.map((c) => `${c.name} (${c.message ?? 'paused'})`).join(', ')} paused`, [
            cmd('apply'),
          ]);
        }
        case 'continue':
          return continuePastBudget(stage, rec, records, d.failed, d.budget);
        case 'pause':
          return pauseStage(rec, budgetText(stage, d.failed, d.budget), [
            `Look at the failed clusters (${cmd('status')}), then ${cmd('retry')} or ${cmd('apply')} to go on.`,
          ]);
        case 'stop':
          rec.state = 'Failed';
          rec.message = budgetText(stage, d.failed, d.budget);
          return finish('failed', `stage ${stage.name}: ${rec.message}; the fleet stopped`, [
            `Look at the failed clusters (${cmd('status')}), fix them, then ${cmd('retry')}.`,
          ]);
      }
    }
  }

  function budgetText(stage: FleetPlanStage, failed: number, budget: number): string {
    const names = state.clusters.filter((c) => c.stage === stage.name && c.state === 'Failed').map((c) => c.name);
    return `${failed} cluster(s) failed (${names.join(', ')}), over the failure budget of ${budget}`;
  }

  function continuePastBudget(
    stage: FleetPlanStage,
    rec: FleetStageRecord,
    records: FleetClusterRecord[],
    failed: number,
    budget: number,
  ): undefined {
    for (const c of records)
      if (c.state === 'NotStarted' || c.state === 'Waiting')
        setClusterState(c, 'Skipped', `the stage's failure budget was spent (onFailure: continue)`, clock.now());
    rec.message = `${budgetText(stage, failed, budget)}; onFailure continue`;
    persist();
    return undefined;
  }

  function pauseStage(rec: FleetStageRecord, message: string, next: string[]): FleetApplyResult {
    rec.state = 'Paused';
    rec.message = message;
    return finish('paused', `stage ${rec.name}: ${message}`, next);
  }

  function startCluster(stage: FleetPlanStage, name: string, running: Map<string, Promise<void>>): Promise<void> {
    const v = verified.get(name)!;
    const c = clusterRecord(state, name);
    c.attempts.push({ startedAt: clock.now().toISOString() });
    setClusterState(c, 'Running', undefined, clock.now());
    persist();
    emit({ type: 'fleet-cluster-started', stage: stage.name, cluster: name, attempt: c.attempts.length });
    const total = new Set<string>();
    const done = new Set<string>();
    let lastWrite = 0;
    const onEvent = (e: UpgradeEvent) => {
      if (e.type === 'run-started') for (const p of e.phases) for (const n of p.nodes) total.add(n);
      if (e.type === 'node-finished') done.add(e.node);
      if (
        e.type === 'run-started' ||
        e.type === 'node-started' ||
        e.type === 'node-step' ||
        e.type === 'node-finished'
      ) {
        c.progress = {
          nodesDone: done.size,
          nodesTotal: total.size || (c.progress?.nodesTotal ?? 0),
          ...(e.type === 'node-started' || e.type === 'node-step'
            ? { node: e.node, ...(e.type === 'node-step' ? { step: e.step } : {}) }
            : {}),
        };
        if (Date.now() - lastWrite > 1000) {
          lastWrite = Date.now();
          persist();
        }
      }
      sink({ ...e, cluster: name });
    };
    const run = (async () => {
      let summary: RunSummary | undefined;
      let error: Error | undefined;
      try {
        summary = await applyPlan(
          {
            planPath: v.planPath,
            access: accessOf(v.cluster),
            generator: req.generator,
            confirm: async () => true,
            ...(req.settings ? { settings: req.settings } : {}),
            signal: interrupt,
            ...(req.abort ? { abort: req.abort } : {}),
            ...(req.driverOptions ? { driverOptions: req.driverOptions } : {}),
            bin,
          },
          onEvent,
        );
      } catch (e) {
        error = e as Error;
      }
      const outcome: RunOutcome = summary?.outcome ?? 'failed';
      const message =
        outcome === 'done'
          ? undefined
          : (summary?.stoppedBy?.message ?? error?.message ?? outcome).split('\n')[0]!.slice(0, 500);
      const to = clusterStateFor(outcome, interrupt.aborted, summary?.stoppedBy?.transient === true);
      closeAttempt(c, outcome, message);
      setClusterState(c, to, message, clock.now());
      if (to === 'Done' && c.progress) {
        delete c.progress.node;
        delete c.progress.step;
      }
      persist();
      emit({
        type: 'fleet-cluster-finished',
        stage: stage.name,
        cluster: name,
        outcome,
        state: to,
        ...(message ? { message } : {}),
      });
    })().finally(() => running.delete(name));
    return run;
  }

  /** The soak: until `soakUntil` (set once), re-check the stage's done clusters; a regression is a failure. */
  async function soak(
    stage: FleetPlanStage,
    rec: FleetStageRecord,
    policy: StagePolicy,
    records: FleetClusterRecord[],
  ): Promise<FleetApplyResult | undefined> {
    const resumed = rec.soakUntil !== undefined;
    rec.soakUntil ??= new Date(clock.now().getTime() + parseDuration(stage.soak!)).toISOString();
    rec.state = 'Soaking';
    persist();
    emit({ type: 'fleet-soak-started', stage: stage.name, until: rec.soakUntil, resumed });
    const until = new Date(rec.soakUntil).getTime();
    const every = req.soakCheckEveryMs ?? 30_000;
    for (;;) {
      for (const c of records.filter((x) => x.state === 'Done')) {
        const v = verified.get(c.name)!;
        let reason: string | undefined;
        try {
          const t = await readClusterTruth(accessOf(v.cluster), {
            name: v.planName,
            contentHash: v.cluster.contentHash,
            to: v.cluster.to,
          });
          reason = regressionOf(t);
        } catch (e) {
          // An unreachable cluster is not a regression by itself: the next check looks again.
          emit({ type: 'fleet-warning', message: `soak of ${c.name}: could not read it: ${(e as Error).message}` });
        }
        if (reason) {
          setClusterState(c, 'Failed', `regressed during the soak: ${reason}`, clock.now());
          emit({ type: 'fleet-soak-regression', stage: stage.name, cluster: c.name, reason });
          persist();
        }
      }
      const failed = records.filter((x) => x.state === 'Failed').length;
      if (failed > policy.failureBudget) {
        emit({
          type: 'fleet-budget-spent',
          stage: stage.name,
          failed,
          budget: policy.failureBudget,
          onFailure: policy.onFailure,
        });
        const text = budgetText(stage, failed, policy.failureBudget);
        if (policy.onFailure === 'stop') {
          rec.state = 'Failed';
          rec.message = text;
          return finish('failed', `stage ${stage.name}: ${text}; the fleet stopped`, [
            `${cmd('status')}`,
            `${cmd('retry')}`,
          ]);
        }
        if (policy.onFailure === 'pause') return pauseStage(rec, text, [cmd('status'), cmd('retry')]);
        rec.message = `${text}; onFailure continue`;
        return undefined;
      }
      const left = until - clock.now().getTime();
      if (left <= 0) return undefined;
      if (interrupt.aborted)
        return pauseStage(rec, `interrupted during the soak (it ends ${rec.soakUntil}; a re-run does not restart it)`, [
          cmd('apply'),
        ]);
      await clock.sleep(Math.min(every, left), interrupt);
    }
  }

  async function passGates(
    stage: FleetPlanStage,
    rec: FleetStageRecord,
    when: 'before' | 'after',
  ): Promise<FleetApplyResult | undefined> {
    const gates = stage.gates?.[when] ?? [];
    for (const g of gates) {
      for (;;) {
        if ('approval' in g && req.autoApprove && !approvalFor(state, stage.name)) {
          state.approvals.push({
            stage: stage.name,
            by: `--auto-approve by ${whoAmI()}`,
            at: clock.now().toISOString(),
          });
          persist();
        }
        const r = await checkGate(g, {
          approved: () => approvalFor(state, stage.name) !== undefined,
          signal: interrupt,
        });
        emit({
          type: 'fleet-gate',
          stage: stage.name,
          when,
          gate: describeGate(g),
          passed: r.passed,
          ...(r.passed ? {} : { reason: r.reason }),
        });
        if (r.passed) break;
        if (r.approval && req.wait && !interrupt.aborted) {
          rec.state = 'Waiting';
          rec.message = `waiting for approval: ${cmd('approve')} --stage ${stage.name}`;
          persist();
          await clock.sleep(req.approvalPollMs ?? 2000, interrupt);
          const disk = readFleetState(statePath);
          for (const a of disk?.approvals ?? [])
            if (!state.approvals.some((x) => x.stage === a.stage && x.at === a.at)) state.approvals.push(a);
          continue;
        }
        if (r.approval)
          return pauseStage(rec, `the ${when}-gate waits for approval`, [
            `${cmd('approve')} --stage ${stage.name}`,
            `then ${cmd('apply')} again`,
          ]);
        return pauseStage(rec, `the ${when}-gate did not pass: ${r.reason}`, [`Fix it, then ${cmd('apply')} again.`]);
      }
    }
    if (when === 'before') rec.beforeGatesPassedAt = clock.now().toISOString();
    else rec.afterGatesPassedAt = clock.now().toISOString();
    if (gates.length > 0 && rec.state === 'Waiting') rec.state = 'NotStarted';
    persist();
    return undefined;
  }
}

/** For messages: how long until `at`. */
export const untilText = (now: Date, at: Date): string => formatDurationMs(at.getTime() - now.getTime());
