/**
 * Interrupts of a run (Ctrl-C, SIGTERM), as the engine sees them: the first asks for a pause (no new node or
 * phase starts; a drain stops between evictions; a driver already running finishes and its node stops at the
 * next safe point, marked `paused`), a second cancels what is in flight. This module records what the
 * interrupt left behind, announces it as `run-interrupted` events, and words the run's stop: the nodes paused
 * (and where), the nodes whose driver was cancelled, the resume command, and the rollback command only when
 * there is something to roll back to. It never listens to process signals (the CLI does) and never prints.
 */
import type { ApplyContext } from './context.js';
import type { NodeStep } from './events.js';
import type { RunStop } from './run-state-types.js';

export class Interruption {
  /** `pause` after the first interrupt, `abort` after the second; undefined while not interrupted. */
  how: 'pause' | 'abort' | undefined;
  /** Nodes stopped by the interrupt, with the step a resumed run continues at. */
  readonly paused = new Map<string, NodeStep>();
  /** Nodes whose node driver is running now. */
  readonly inDriver = new Set<string>();
  /** Nodes whose driver the second interrupt cancelled. */
  readonly cancelledInDriver = new Set<string>();
}

/** The operator's interrupts, as given to a use case: `pause` the first, `abort` the second. */
export interface InterruptSignals {
  pause?: AbortSignal;
  abort?: AbortSignal;
}

/** Emits `run-interrupted` when the signals fire; returns the function that stops listening. */
export function announceInterrupts(ctx: ApplyContext, signals: InterruptSignals): () => void {
  const it = ctx.interruption;
  const onPause = () => {
    if (it.how) return;
    it.how = 'pause';
    ctx.emit({ type: 'run-interrupted', how: 'pause', inFlight: [...ctx.inFlight], inDriver: [...it.inDriver] });
  };
  const onAbort = () => {
    if (it.how === 'abort') return;
    it.how = 'abort';
    for (const n of it.inDriver) it.cancelledInDriver.add(n);
    ctx.emit({ type: 'run-interrupted', how: 'abort', inFlight: [...ctx.inFlight], inDriver: [...it.inDriver] });
  };
  const listen = (s: AbortSignal | undefined, f: () => void) => {
    if (!s) return () => undefined;
    if (s.aborted) {
      f();
      return () => undefined;
    }
    s.addEventListener('abort', f, { once: true });
    return () => s.removeEventListener('abort', f);
  };
  const offs = [listen(signals.pause, onPause), listen(signals.abort, onAbort)];
  return () => offs.forEach((off) => off());
}

/**
 * The stop of an interrupted run: what was paused where, which drivers were cancelled, and what to run next.
 * A stop that is not a pause (a node failed or is blocked) is kept as it is; so is any stop of a run that
 * was not interrupted.
 */
export function interruptedStop(ctx: ApplyContext, stop: RunStop | undefined): RunStop | undefined {
  const it = ctx.interruption;
  if (!it.how || (stop && stop.outcome !== 'paused')) return stop;
  const paused = [...it.paused].map(([node, step]) => `${node} (${pausedAt(step)})`);
  const cancelled = [...it.cancelledInDriver];
  const parts =
    it.how === 'pause'
      ? ['interrupted: paused at a safe point (no node was stopped inside its driver)']
      : ['interrupted twice: the steps in flight were cancelled'];
  if (cancelled.length > 0) parts.push(`interrupted in their driver: ${cancelled.join(', ')}`);
  if (paused.length > 0) parts.push(`paused: ${paused.join(', ')}`);
  else if (cancelled.length === 0) parts.push('no node was in flight');
  const resume = ctx.advice.resume();
  const next = [
    ...(cancelled.length > 0
      ? [
          `Look at ${cancelled.join(', ')} first: the driver was stopped half-way (its output is in the run log); then resume: ${resume[0]}`,
          ...resume.slice(1),
        ]
      : [`Resume: ${resume[0]}`, ...resume.slice(1)]),
    ...(hasSomethingToRollBack(ctx) ? ctx.advice.rollback() : []),
  ];
  // One node concerned: the stop still names it and its step (status shows where to look).
  const nodes = new Set([...it.paused.keys(), ...cancelled]);
  const single = nodes.size === 1 && stop?.node && nodes.has(stop.node);
  return {
    outcome: 'paused',
    ...(stop?.phase ? { phase: stop.phase } : {}),
    ...(single ? { node: stop.node, ...(stop.step ? { step: stop.step } : {}) } : {}),
    message: parts.join('; '),
    next,
  };
}

const pausedAt = (step: NodeStep): string =>
  step === 'health-gate'
    ? 'upgraded, before its health gate'
    : step === 'drain'
      ? 'cordoned, drain not finished'
      : `at ${step}`;

/** A rollback has something to restore: an etcd snapshot was taken, or a node driver ran or a node finished. */
export function hasSomethingToRollBack(ctx: ApplyContext): boolean {
  const s = ctx.journal.state;
  if ((s.snapshots?.length ?? 0) > 0) return true;
  return s.phases.some((p) => p.nodes.some((n) => n.driverRuns > 0 || n.status === 'done'));
}
