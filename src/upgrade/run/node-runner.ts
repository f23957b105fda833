/**
 * One node through one phase: cordon → drain → node driver → wait (by watch) until Ready at the target →
 * uncordon → health gate. Every step reads the cluster first and is idempotent, so a resumed run continues
 * where the last one stopped without doing anything twice: a node already at the target is not upgraded
 * again, a cordon already there is not an error, and a node this run cordoned is always uncordoned (the
 * journal records the intent before the cordon is sent). Returns how the node ended; never throws for a
 * node-level failure (the caller decides what the run does next).
 *
 * A pause (`ctx.pause`, the first Ctrl-C) stops the node at the next safe point, marked `paused`: a drain
 * between evictions, or before the driver; a driver already running finishes, the node is waited Ready and
 * uncordoned, and it pauses before (or during) its health gate. Only `ctx.signal` cancels a step midway.
 */
import type { NodeInfo, OwnerRef } from '../../cluster/index.js';
import {
  cordonNode,
  drainNode,
  uncordonNode,
  sleepResolvingOnAbort,
  DrainError,
  type DrainClient,
} from '../../drain/index.js';
import { NodeDriverError } from '../../nodes/index.js';
import { waitForHealth } from '../../checks/index.js';
import type { NodeRunState, PhaseRunState, RunStop } from './run-state-types.js';
import type { NodeStep } from './events.js';
import type { ApplyContext } from './context.js';
import { controlPlaneAt, nodeAtVersion } from './node-version.js';
import { transientStop } from './transient-stop.js';
import { driverRecordNow, waitForEarlierDriver } from './driver-record.js';

export type NodeOutcome = { kind: 'done' | 'skipped' } | { kind: 'stopped'; stop: RunStop };

/** `onDrained` is called once the node's drain is over (or was not needed); the window paces its opening on it. */
export async function runNode(
  ctx: ApplyContext,
  phase: PhaseRunState,
  ns: NodeRunState,
  onDrained?: () => void,
): Promise<NodeOutcome> {
  if (ns.status === 'done' || ns.status === 'skipped') return { kind: ns.status };
  const { journal } = ctx;
  const started = Date.now();
  const resumedFrom = ns.step;
  journal.update(() => {
    ns.status = 'in-progress';
    ns.startedAt ??= new Date().toISOString();
    delete ns.error;
  });
  ctx.emit({ type: 'node-started', phase: phase.id, node: ns.node, role: ns.role, version: ns.to });
  let step: NodeStep = 'cordon';
  const mark = (s: NodeStep, detail?: string) => {
    step = s;
    journal.update(() => {
      ns.step = s;
    });
    ctx.emit({ type: 'node-step', phase: phase.id, node: ns.node, step: s, ...(detail ? { detail } : {}) });
  };
  try {
    const node = ctx.cache.nodes.get(ns.node);
    if (!node) throw new NodeGoneError(ns.node);
    if (!ns.from) {
      journal.update(() => {
        ns.from = node.kubeletVersion;
      });
    }
    const downgrade = phase.action === 'downgrade';
    // A rollback never trusts a node's reported version to skip the driver: after an etcd restore the Node
    // objects say what they said at snapshot time. The driver's downgrade is idempotent.
    const atTarget = !downgrade && isUpgraded(ctx, node, ns);
    if (atTarget && !ns.cordonedByUs && ns.driverRuns === 0 && !resumedFrom) {
      return finish(ctx, phase, ns, 'skipped', started, `already at ${ns.to}`);
    }
    if (!atTarget) {
      mark('cordon', node.unschedulable ? 'already cordoned' : undefined);
      if (!node.unschedulable) {
        await journal.commit(() => {
          ns.cordonedByUs = true;
        });
        // The cache just said it is schedulable: no read before the (idempotent) patch.
        await cordonNode(ctx.client, ns.node, { current: false });
      }
      mark('drain');
      const drained = await drainNode(drainClient(ctx), ns.node, ctx.drainOptions(), (e) => {
        if (e.type === 'pod-evicted') ctx.emit({ type: 'pod-evicted', node: ns.node, pod: e.pod, how: e.how });
        else if (e.type === 'eviction-blocked')
          ctx.emit({
            type: 'eviction-blocked',
            node: ns.node,
            pod: e.pod,
            ...(e.pdb ? { pdb: e.pdb } : {}),
            message: e.message,
            retryInMs: e.retryInMs,
          });
        else if (e.type === 'pod-gone') ctx.emit({ type: 'pod-gone', node: ns.node, pod: e.pod });
      });
      journal.update(() => {
        ns.evictions += drained.evicted.length + drained.deleted.length;
        ns.blockedMs += drained.blockedMs;
        ns.touched = mergeOwners(ns.touched ?? [], drained.touched ?? []);
      });
    }
    onDrained?.();
    // A driver a killed run started may still run on the node: nothing else runs there until it has ended.
    const earlier = await waitForEarlierDriver(ctx, ns);
    if (ctx.signal.aborted) throw new Error(`interrupted while waiting for the earlier driver of ${ns.node}`);
    // The journal says the driver already finished (the step after it was reached): never run it twice.
    const driverDone =
      resumedFrom === 'wait-ready' ||
      resumedFrom === 'uncordon' ||
      resumedFrom === 'health-gate' ||
      (earlier && !downgrade && (await showsTarget(ctx, ns)));
    if (!driverDone && (downgrade || !isUpgraded(ctx, ctx.cache.nodes.get(ns.node) ?? node, ns))) {
      // Asked to pause: a driver that has not started does not start (the node stays cordoned, recorded).
      if (ctx.pause.aborted) return pauseNode(ctx, phase, ns, step, started, `paused before the driver of ${ns.node}`);
      mark(downgrade ? 'downgrade' : 'upgrade');
      await runDriver(ctx, phase, ns);
    }
    mark('wait-ready');
    await waitReady(ctx, ns);
    if (ns.cordonedByUs || (await isCordonedByUsEarlier(ctx, ns))) {
      mark('uncordon');
      // The node is Ready at the target and we cordoned it: patch without reading (idempotent either way).
      await uncordonNode(ctx.client, ns.node, { current: true });
      journal.update((st) => {
        // Every journal entry of this node (an earlier phase, the apply a rollback undoes) is settled now.
        for (const p of [...st.phases, ...(st.rollback?.phases ?? [])])
          for (const n of p.nodes) if (n.node === ns.node) n.cordonedByUs = false;
      });
    }
    mark('health-gate');
    if (ctx.pause.aborted)
      return pauseNode(ctx, phase, ns, step, started, `${ns.node} is upgraded; paused before its health gate`);
    const gate = await runGate(ctx, phase, ns);
    if (!gate.healthy) {
      return stopNode(ctx, phase, ns, step, started, {
        outcome: 'paused',
        message: `health gate after ${ns.node} did not pass within ${ctx.plan.options.healthGates.timeoutSeconds}s: ${gate.failing.join('; ')}`,
        next: ctx.advice.afterGate(gate.failing),
      });
    }
    return finish(ctx, phase, ns, 'done', started);
  } catch (e) {
    return stopNode(ctx, phase, ns, step, started, classify(ctx, ns, step, e));
  }
}

/**
 * The drain's client, answering "does this DaemonSet still exist" from the watch cache when the cache has it
 * (one request less per node); the API is asked when the cache does not know it, so a DaemonSet is never
 * taken for gone (its pods would then be deleted) on the cache's word.
 */
function drainClient(ctx: ApplyContext): DrainClient {
  const c = ctx.client;
  return {
    listPodsOnNode: (...a) => c.listPodsOnNode(...a),
    watchPods: (...a) => c.watchPods(...a),
    evictPod: (...a) => c.evictPod(...a),
    deletePod: (...a) => c.deletePod(...a),
    listPdbs: () => c.listPdbs(),
    daemonSetExists: async (namespace, name) =>
      ctx.cache.workload('DaemonSet', namespace, name) !== undefined || c.daemonSetExists(namespace, name),
  };
}

/** kubelet at the target and Ready-independent; for a control-plane node also its static pods at the target. */
function isUpgraded(ctx: ApplyContext, node: NodeInfo, ns: NodeRunState): boolean {
  if (!nodeAtVersion(node, ns.to)) return false;
  return ns.role !== 'control-plane' || controlPlaneAt(ctx.cache.systemPods.all(), ns.node, ns.to, false);
}

/** A node may have been cordoned by an earlier attempt of this run in another phase (a multi-hop worker). */
async function isCordonedByUsEarlier(ctx: ApplyContext, ns: NodeRunState): Promise<boolean> {
  const all = [...ctx.journal.state.phases, ...(ctx.journal.state.rollback?.phases ?? [])];
  return all.some((p) => p.nodes.some((n) => n.node === ns.node && n !== ns && n.cordonedByUs));
}

async function runDriver(ctx: ApplyContext, phase: PhaseRunState, ns: NodeRunState): Promise<void> {
  const node = ctx.cache.nodes.get(ns.node);
  const target = {
    node: ns.node,
    role: ns.role,
    version: ns.to,
    first: ns.role === 'control-plane' && phase.nodes[0]?.node === ns.node,
    labels: node?.labels ?? {},
    ...(node?.internalIP ? { internalIP: node.internalIP } : {}),
  };
  for (let attempt = 1; ; attempt++) {
    // Recorded before the driver starts (its pid once it exists): a resumed run waits for a driver left running.
    await ctx.journal.commit(() => {
      ns.driverRuns++;
      ns.driver = driverRecordNow(ctx.driver.timeoutMs ?? DEFAULT_DRIVER_TIMEOUT_MS);
    });
    try {
      const io = {
        signal: ctx.signal,
        onOutput: (stream: 'stdout' | 'stderr', line: string) =>
          ctx.emit({ type: 'driver-output', node: ns.node, stream, line }),
        onStart: (pid: number) =>
          void ctx.journal
            .commit(() => {
              if (ns.driver) Object.assign(ns.driver, { pid, pgid: pid });
            })
            .catch(() => undefined),
      };
      ctx.interruption.inDriver.add(ns.node);
      try {
        if (phase.action !== 'downgrade') await ctx.driver.upgrade(target, io);
        else if (ctx.driver.downgrade) await ctx.driver.downgrade(target, io);
        else
          throw new NodeDriverError(
            `the ${ctx.driver.type} node driver cannot downgrade ${ns.node}`,
            'FAILED',
            ns.node,
          );
      } finally {
        ctx.interruption.inDriver.delete(ns.node);
        // It returned, so its process group is gone (a timeout or an abort kills the whole group).
        ctx.journal.update(() => {
          if (ns.driver) ns.driver.endedAt = new Date().toISOString();
        });
      }
      return;
    } catch (e) {
      const retriable =
        e instanceof NodeDriverError &&
        (e.code === 'FAILED' || e.code === 'TIMEOUT') &&
        attempt <= ctx.settings.driverRetries &&
        !ctx.pause.aborted;
      if (!retriable) throw e;
      ctx.emit({
        type: 'warning',
        message: `node driver failed on ${ns.node} (attempt ${attempt}): ${(e as Error).message}; retrying in ${Math.round(ctx.settings.driverRetryDelayMs / 1000)}s`,
      });
      await sleepResolvingOnAbort(ctx.settings.driverRetryDelayMs, ctx.pause);
      // Interrupted while waiting to retry: stop here rather than count a driver run that cannot happen.
      if (ctx.pause.aborted) throw e;
      // The node side may have finished meanwhile (e.g. the earlier attempt was still running): read again.
      const now = ctx.cache.nodes.get(ns.node);
      if (phase.action !== 'downgrade' && now && isUpgraded(ctx, now, ns)) return;
    }
  }
}

/** Without a driver timeout from the driver: an hour (the longest a kubeadm run is allowed in practice). */
const DEFAULT_DRIVER_TIMEOUT_MS = 3_600_000;

/**
 * After an earlier run's driver ended: did it take the node to the target? The kubelet restarts last, so the
 * node is given a moment (at most a minute, or the Ready timeout) to report the new version.
 */
async function showsTarget(ctx: ApplyContext, ns: NodeRunState): Promise<boolean> {
  try {
    await ctx.cache.waitForNode(ns.node, (n) => isUpgraded(ctx, n, ns), {
      timeoutMs: Math.min(60_000, ctx.settings.nodeReadyTimeoutMs),
      signal: ctx.signal,
      what: `${ns.node} at ${ns.to} after the earlier driver`,
    });
    return true;
  } catch {
    return false;
  }
}

async function waitReady(ctx: ApplyContext, ns: NodeRunState): Promise<void> {
  const opts = { timeoutMs: ctx.settings.nodeReadyTimeoutMs, signal: ctx.signal, what: `${ns.node} Ready at ${ns.to}` };
  await ctx.cache.waitForNode(ns.node, (n) => n.ready && nodeAtVersion(n, ns.to), opts);
  if (ns.role === 'control-plane') {
    await ctx.cache.systemPods.waitFor(() => controlPlaneAt(ctx.cache.systemPods.all(), ns.node, ns.to, true), {
      ...opts,
      what: `the control-plane pods of ${ns.node} Ready at ${ns.to}`,
    });
  }
}

async function runGate(
  ctx: ApplyContext,
  phase: PhaseRunState,
  ns: NodeRunState,
): Promise<{ healthy: boolean; failing: string[] }> {
  const gates = ctx.plan.options.healthGates;
  const inFlight = new Set([...ctx.inFlight].filter((n) => n !== ns.node));
  return waitForHealth(ctx.cache, {
    inFlight,
    touched: ns.touched ?? [],
    timeoutMs: gates.timeoutSeconds * 1000,
    soakMs: gates.soakSeconds * 1000,
    // A gate only reads: a pause ends it at once (the node pauses at its gate; a resumed run checks it again).
    signal: ctx.pause,
    http: [...gates.http],
    commands: [...gates.commands],
    runCommand: ctx.runCommand,
    onWaiting: (failing) => ctx.emit({ type: 'gate-waiting', phase: phase.id, node: ns.node, failing }),
  }).then((r) => {
    ctx.emit(
      r.healthy
        ? { type: 'gate-passed', phase: phase.id, node: ns.node }
        : { type: 'gate-failed', phase: phase.id, node: ns.node, failing: r.failing },
    );
    return r;
  });
}

async function finish(
  ctx: ApplyContext,
  phase: PhaseRunState,
  ns: NodeRunState,
  status: 'done' | 'skipped',
  started: number,
  detail?: string,
): Promise<NodeOutcome> {
  const durationMs = status === 'skipped' ? 0 : (ns.durationMs ?? 0) + (Date.now() - started);
  // Not waited for: the lane moves on at once. A run killed before this reaches the disk resumes the node at
  // its last recorded step (after the driver): the driver is not run again, an uncordon is repeated (it is
  // idempotent) and the gate checked again.
  ctx.journal.update(() => {
    ns.status = status;
    ns.finishedAt = new Date().toISOString();
    ns.durationMs = durationMs;
    // Only a resumed health gate needs them; a finished node's would grow the state by megabytes at scale.
    delete ns.touched;
  });
  ctx.emit({
    type: 'node-finished',
    phase: phase.id,
    node: ns.node,
    status,
    durationMs,
    evictions: ns.evictions,
    blockedMs: ns.blockedMs,
    ...(detail ? { detail } : {}),
  });
  return { kind: status };
}

async function stopNode(
  ctx: ApplyContext,
  phase: PhaseRunState,
  ns: NodeRunState,
  step: NodeStep,
  started: number,
  stop: RunStop,
): Promise<NodeOutcome> {
  const paused = stop.outcome === 'paused';
  await ctx.journal.commit(() => {
    // A paused node stays at its step (the resumed run continues it there); anything else failed.
    ns.status = paused ? 'paused' : 'failed';
    ns.error = stop.message;
    ns.durationMs = (ns.durationMs ?? 0) + (Date.now() - started);
  });
  if (paused && ctx.interruption.how) ctx.interruption.paused.set(ns.node, step);
  ctx.emit({
    type: paused ? 'node-paused' : 'node-failed',
    phase: phase.id,
    node: ns.node,
    step,
    message: stop.message,
  });
  return { kind: 'stopped', stop: { ...stop, phase: phase.id, node: ns.node, step } };
}

/** Stops the node at a safe point because the run was asked to pause. */
function pauseNode(
  ctx: ApplyContext,
  phase: PhaseRunState,
  ns: NodeRunState,
  step: NodeStep,
  started: number,
  message: string,
): Promise<NodeOutcome> {
  return stopNode(ctx, phase, ns, step, started, { outcome: 'paused', message, next: ctx.advice.resume() });
}

/** Maps a step's failure to how the run stops: paused (resumable), blocked (needs a fix first), or failed. */
function classify(ctx: ApplyContext, ns: NodeRunState, step: NodeStep, e: unknown): RunStop {
  const msg = e instanceof Error ? e.message : String(e);
  const resume = ctx.advice.resume();
  if (ctx.signal.aborted) {
    if (step === 'upgrade' || step === 'downgrade') {
      ctx.interruption.cancelledInDriver.add(ns.node);
      return {
        outcome: 'paused',
        message: `interrupted in its driver: the ${step} of ${ns.node} was cancelled half-way (${msg})`,
        next: [`Look at ${ns.node} before resuming (the driver's output is in the run log), then: ${resume[0]}`],
      };
    }
    return { outcome: 'paused', message: `interrupted during ${step} of ${ns.node}`, next: resume };
  }
  // The gate was ended by the pause (a resumed run checks it again).
  if (ctx.pause.aborted && step === 'health-gate')
    return { outcome: 'paused', message: `${ns.node} is upgraded; paused during its health gate`, next: resume };
  const transient = transientStop(e, `${step} of ${ns.node}`, resume);
  if (transient && !(e instanceof DrainError)) return transient;
  if (e instanceof DrainError) {
    const pods = e.pods.map((p) => `${p.pod}${p.pdb ? ` (PDB ${p.pdb})` : ''}: ${p.message}`);
    const detail = pods.length ? `\n  ${pods.join('\n  ')}` : '';
    if (e.code === 'PDB_BLOCKED' || e.code === 'TIMEOUT') {
      return {
        outcome: 'paused',
        message: `drain of ${ns.node} did not finish: ${msg}${detail}`,
        next: [
          `Make the blocking pods evictable (scale the workload up, fix its unhealthy pods, or relax the PDB), then: ${resume[0]}`,
          ...resume.slice(1),
          ...ctx.advice.rollback(),
        ],
      };
    }
    if (e.code === 'ABORTED')
      return { outcome: 'paused', message: `interrupted while draining ${ns.node}`, next: resume };
    if (e.code === 'PAUSED') return { outcome: 'paused', message: msg, next: resume };
    if (e.code === 'EVICTION_FAILED')
      return {
        outcome: 'paused',
        ...(transient ? { transient: true } : {}),
        message: `drain of ${ns.node} stopped: ${msg}${detail}`,
        next: [`Check the API server and the pods named, then: ${resume[0]}`, ...ctx.advice.rollback()],
      };
    return {
      outcome: 'blocked',
      message: `drain of ${ns.node} cannot proceed: ${msg}${detail}`,
      next: [
        `Fix what is named above (or re-plan with --force / --delete-emptydir-data if losing those pods is acceptable), then: ${resume[0]}`,
      ],
    };
  }
  if (e instanceof NodeDriverError) {
    const tail = e.tail.length ? `\n  ${e.tail.slice(-10).join('\n  ')}` : '';
    return {
      // Failed while the run pauses: the retries it had left are the resumed run's.
      outcome: e.code === 'ABORTED' || ctx.pause.aborted ? 'paused' : 'failed',
      message: `node driver failed on ${ns.node}: ${msg}${tail}`,
      next: [
        `Look at the node (the full output is in the run log), fix it, then: ${resume[0]}`,
        ...ctx.advice.rollback(),
      ],
    };
  }
  if (e instanceof NodeGoneError)
    return { outcome: 'failed', message: msg, next: [`Re-plan: k8s-upgrade plan --to ${ctx.plan.to} …`] };
  if (isWaitTimeout(e)) {
    return {
      outcome: 'paused',
      message: `${ns.node} did not become Ready at ${ns.to} within ${Math.round(ctx.settings.nodeReadyTimeoutMs / 1000)}s (${msg})`,
      next: [`Check the node's kubelet (journalctl -u kubelet), then: ${resume[0]}`, ...ctx.advice.rollback()],
    };
  }
  return {
    outcome: 'failed',
    message: `${step} of ${ns.node} failed: ${msg}`,
    next: [...resume, ...ctx.advice.rollback()],
  };
}

function isWaitTimeout(e: unknown): boolean {
  return e instanceof Error && /timeout|timed out/i.test(e.name + ' ' + e.message);
}

class NodeGoneError extends Error {
  override name = 'NodeGoneError';
  constructor(node: string) {
    super(`node ${node} is in the plan but no longer in the cluster`);
  }
}

function mergeOwners(a: OwnerRef[], b: OwnerRef[]): OwnerRef[] {
  const seen = new Map(a.map((o) => [o.uid, o]));
  for (const o of b) seen.set(o.uid, o);
  return [...seen.values()];
}
