/** The closing summary of a run, derived from its journal (so a resumed run's summary covers every attempt). */
import type { NodeSummary, RunOutcome, RunSummary } from './events.js';
import type { PhaseRunState, RunState, RunStop } from './run-state-types.js';

export function summarize(
  state: RunState,
  outcome: RunOutcome,
  durationMs: number,
  stop?: RunStop,
  phases: PhaseRunState[] = state.phases,
): RunSummary {
  const nodes: NodeSummary[] = phases.flatMap((p) =>
    p.nodes.map((n) => ({
      phase: p.id,
      node: n.node,
      status: n.status,
      durationMs: n.durationMs ?? 0,
      evictions: n.evictions,
      blockedMs: n.blockedMs,
    })),
  );
  return {
    runId: state.runId,
    plan: state.plan.name,
    outcome,
    durationMs,
    nodes,
    evictions: nodes.reduce((s, n) => s + n.evictions, 0),
    blockedMs: nodes.reduce((s, n) => s + n.blockedMs, 0),
    ...(stop
      ? {
          stoppedBy: {
            ...(stop.phase ? { phase: stop.phase } : {}),
            ...(stop.node ? { node: stop.node } : {}),
            ...(stop.step ? { step: stop.step as NonNullable<RunSummary['stoppedBy']>['step'] } : {}),
            message: stop.message,
            next: stop.next,
            ...(stop.transient ? { transient: true as const } : {}),
          },
        }
      : {}),
  };
}

/** A summary for a run that stopped before it had a journal (invalid input, blocked preflight, locked). */
export function summarizeEarlyStop(plan: string, outcome: RunOutcome, stop: RunStop, runId = ''): RunSummary {
  return {
    runId,
    plan,
    outcome,
    durationMs: 0,
    nodes: [],
    evictions: 0,
    blockedMs: 0,
    stoppedBy: {
      ...(stop.step ? { step: stop.step as NonNullable<RunSummary['stoppedBy']>['step'] } : {}),
      message: stop.message,
      next: stop.next,
      ...(stop.transient ? { transient: true as const } : {}),
    },
  };
}
