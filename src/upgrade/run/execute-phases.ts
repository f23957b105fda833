/**
 * The phase runner of apply and rollback: runs the phases of a journal in order — control-plane hops one node
 * at a time, worker phases in a rolling window (after the canary batch, which runs alone) or in fixed
 * batches, postflight. Phases that belong to one use case (apply's etcd snapshot, rollback's etcd restore)
 * run through the handlers that use case passes in.
 * The first node that stops (paused, blocked, failed) stops new work; nodes already in flight finish. So does
 * a pause (`ctx.pause`, the first Ctrl-C): no new node or phase starts, and the run's stop says what the
 * interrupt left paused (interruption.ts).
 */
import { waitForHealth } from '../../checks/index.js';
import type { PhaseRunState, RunStop } from './run-state-types.js';
import type { PhaseKind } from './events.js';
import type { ApplyContext } from './context.js';
import { runNode } from './node-runner.js';
import { interruptedStop } from './interruption.js';
import { nodeAtVersion } from './node-version.js';
import { phaseBatches } from './phases.js';
import { openingPace, runBatches, runRolling } from './window.js';
import { prefetchPlacement, windowChooser } from './window-chooser.js';

/** Runs phases of a kind this module does not know (apply's etcd snapshot, rollback's etcd restore). */
export type PhaseHandlers = Partial<Record<PhaseKind, (phase: PhaseRunState) => Promise<RunStop | undefined>>>;

export async function executePhases(
  ctx: ApplyContext,
  phases: PhaseRunState[] = ctx.journal.state.phases,
  handlers: PhaseHandlers = {},
): Promise<RunStop | undefined> {
  return interruptedStop(ctx, await runPhases(ctx, phases, handlers));
}

async function runPhases(
  ctx: ApplyContext,
  phases: PhaseRunState[],
  handlers: PhaseHandlers,
): Promise<RunStop | undefined> {
  for (const [i, phase] of phases.entries()) {
    if (phase.status === 'done' || phase.status === 'skipped') continue;
    if (ctx.pause.aborted) return interrupted(ctx);
    prefetchPlacement(ctx, phases[i + 1]);
    await setPhase(ctx, phase, 'running');
    ctx.emit({ type: 'phase-started', phase: phase.id, kind: phase.kind, title: phase.title });
    const handler = handlers[phase.kind];
    const stop = handler ? await handler(phase) : await runPhase(ctx, phase, phases);
    if (stop) {
      await setPhase(ctx, phase, stop.outcome === 'paused' ? 'paused' : 'failed');
      ctx.emit({ type: 'phase-finished', phase: phase.id, status: stop.outcome === 'paused' ? 'paused' : 'failed' });
      return stop;
    }
    const status = (phase.status as PhaseRunState['status']) === 'skipped' ? 'skipped' : 'done';
    await setPhase(ctx, phase, status);
    ctx.emit({ type: 'phase-finished', phase: phase.id, status });
  }
  return undefined;
}

async function setPhase(ctx: ApplyContext, phase: PhaseRunState, status: PhaseRunState['status']): Promise<void> {
  await ctx.journal.commit(() => {
    phase.status = status;
    if (status === 'running') phase.startedAt ??= new Date().toISOString();
    else phase.finishedAt = new Date().toISOString();
  });
}

async function runPhase(
  ctx: ApplyContext,
  phase: PhaseRunState,
  phases: PhaseRunState[],
): Promise<RunStop | undefined> {
  switch (phase.kind) {
    case 'control-plane':
      return (
        (phase.action === 'downgrade' ? undefined : snapshotGuard(ctx, phase)) ?? runNodes(ctx, phase, 1, 'rolling')
      );
    case 'etcd-snapshot':
    case 'etcd-restore':
      return {
        outcome: 'failed',
        phase: phase.id,
        message: `internal: no handler for the ${phase.kind} phase`,
        next: [],
      };
    case 'workers':
      return runNodes(ctx, phase, phase.group?.maxUnavailable ?? 1, ctx.plan.options.strategy);
    case 'postflight':
      return postflight(ctx, phases);
  }
}

/** The control plane is never touched without a verified snapshot, unless the operator skipped it explicitly. */
function snapshotGuard(ctx: ApplyContext, phase: PhaseRunState): RunStop | undefined {
  const s = ctx.journal.state;
  if (s.snapshotSkipped || s.snapshots?.some((x) => x.record.verified)) return undefined;
  if (phase.nodes.every((n) => n.status === 'done' || n.status === 'skipped')) return undefined;
  return {
    outcome: 'blocked',
    phase: phase.id,
    step: 'etcd-snapshot',
    message: 'no verified etcd snapshot is recorded for this run, so the control plane is not touched',
    next: [
      'Re-plan with --etcd-snapshot local|ssh, or run apply with --skip-etcd-snapshot to go on without one (rollback could then not restore the control plane).',
    ],
  };
}

async function runNodes(
  ctx: ApplyContext,
  phase: PhaseRunState,
  window: number,
  strategy: 'rolling' | 'batch',
): Promise<RunStop | undefined> {
  let stop: RunStop | undefined;
  const shouldStop = () => stop !== undefined || ctx.pause.aborted;
  const byName = new Map(phase.nodes.map((n) => [n.node, n]));
  // Told when a node's drain is over (the window opens at the pace of its first drains).
  const drained = new Map<string, () => void>();
  const settle = (name: string) => {
    drained.get(name)?.();
    drained.delete(name);
  };
  const work = async (name: string) => {
    const ns = byName.get(name)!;
    ctx.inFlight.add(name);
    try {
      const outcome = await runNode(ctx, phase, ns, () => settle(name));
      if (outcome.kind === 'stopped') stop ??= outcome.stop;
    } finally {
      settle(name);
      ctx.inFlight.delete(name);
    }
  };
  // Nodes an earlier attempt left in progress go first, so a resumed window finishes what it started.
  const order = [...phase.nodes].sort((a, b) => rank(a.status) - rank(b.status)).map((n) => n.node);
  if (strategy === 'batch') await runBatches(phaseBatches(ctx.plan, phase), work, shouldStop);
  else {
    // The canary batch (`--canary N`) finishes, health gate included, before the window opens to the rest.
    const canary = canaryOf(ctx, phase);
    if (canary.length > 0) await runBatches([canary], work, shouldStop);
    const rest = order.filter((n) => !canary.includes(n));
    const opening = {
      atOnce: openingPace(rest.length, window),
      drained: (name: string) => new Promise<void>((r) => drained.set(name, r)),
    };
    await runRolling(
      rest,
      window,
      work,
      shouldStop,
      await windowChooser(ctx, phase, rest, window, (s) => rank(s) === 0),
      opening,
    );
  }
  if (stop) return stop;
  if (ctx.pause.aborted) return interrupted(ctx);
  return undefined;
}

const rank = (s: string) => (s === 'in-progress' || s === 'paused' || s === 'failed' ? 0 : 1);

/**
 * The canary of a worker phase: with `options.canary`, the first batch of the first non-empty group (where
 * the planner put it), restricted to the phase's nodes; empty otherwise or when it is the whole phase.
 */
function canaryOf(ctx: ApplyContext, phase: PhaseRunState): string[] {
  if (phase.kind !== 'workers' || !ctx.plan.options.canary) return [];
  const first = ctx.plan.groups.find((g) => g.nodes.length > 0);
  if (!first || first.selector !== phase.group?.selector) return [];
  const members = new Set(phase.nodes.map((n) => n.node));
  const canary = (first.batches[0] ?? []).filter((n) => members.has(n));
  return canary.length < members.size ? canary : [];
}

/** Every planned node at its final version, no node left cordoned by this run, the cluster healthy. */
async function postflight(ctx: ApplyContext, phases: PhaseRunState[]): Promise<RunStop | undefined> {
  const final = new Map<string, string>();
  for (const p of phases) for (const n of p.nodes) if (p.kind !== 'etcd-restore') final.set(n.node, n.to);
  const behind = [...final].filter(([name, to]) => {
    const n = ctx.cache.nodes.get(name);
    return !n || !nodeAtVersion(n, to);
  });
  if (behind.length > 0) {
    return {
      outcome: 'failed',
      message: `postflight: nodes not at their target version: ${behind.map(([n, v]) => `${n} (want ${v}, has ${ctx.cache.nodes.get(n)?.kubeletVersion ?? 'gone'})`).join(', ')}`,
      next: ctx.advice.resume(),
    };
  }
  const cordoned = ctx.journal.cordonedByUs();
  if (cordoned.length > 0)
    return {
      outcome: 'failed',
      message: `postflight: nodes this run cordoned are still cordoned: ${cordoned.join(', ')}`,
      next: ctx.advice.resume(),
    };
  const gates = ctx.plan.options.healthGates;
  // An interrupt while waiting pauses the run like one between steps (the wait rejects only on abort).
  const h = await waitForHealth(ctx.cache, {
    inFlight: new Set(),
    touched: [],
    timeoutMs: gates.timeoutSeconds * 1000,
    soakMs: 0,
    signal: ctx.signal,
    http: [...gates.http],
    commands: [...gates.commands],
    runCommand: ctx.runCommand,
    onWaiting: (failing) => ctx.emit({ type: 'gate-waiting', phase: 'postflight', failing }),
  }).catch((e: unknown) => {
    if (ctx.signal.aborted) return undefined;
    throw e;
  });
  if (!h) return interrupted(ctx);
  if (h.healthy) return undefined;
  return {
    outcome: 'paused',
    message: `postflight: the cluster is not healthy: ${h.failing.join('; ')}`,
    next: [...ctx.advice.resume(), ...ctx.advice.rollback()],
  };
}

function interrupted(ctx: ApplyContext): RunStop {
  return { outcome: 'paused', message: 'interrupted: the run stopped between steps', next: ctx.advice.resume() };
}
