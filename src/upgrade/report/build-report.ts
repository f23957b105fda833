/**
 * Builds the run report from what a run leaves behind: the plan (findings, waivers, settings), the run state
 * (the authority on statuses, durations, evictions and PDB time, snapshots, why it stopped) and the run log
 * (the times: attempts, phases, each node's steps and PDB waits). Pure: no I/O, no clock. A node the log says
 * nothing about (no log, a truncated one) is drawn from the state's start and end times instead.
 */
import type { UpgradePlan } from '../../plan/index.js';
import type { UpgradeEvent } from '../run/events.js';
import type { NodeRunState, NodeRunStatus, PhaseRunState, RunState } from '../run/run-state-types.js';
import { criticalPath, type PathElement } from './critical-path.js';
import { buildLogTimeline, nodeKey, type LogTimeline } from './log-timeline.js';
import type {
  PdbTotal,
  ReportAttempt,
  ReportNode,
  ReportPhase,
  ReportTotals,
  RunReport,
  TimeSpan,
} from './report-types.js';

export interface ReportInput {
  plan: UpgradePlan;
  planPath: string;
  state: RunState;
  events: readonly UpgradeEvent[];
  /** What reading the log found wrong (see run-log.ts). */
  logProblems?: readonly string[];
  logPath?: string;
}

export function buildRunReport(input: ReportInput): RunReport {
  const { plan, state } = input;
  const rollbackIds = new Set(state.rollback?.phases.map((p) => p.id) ?? []);
  const isRollback = (ids: string[]) =>
    ids.length > 0 && ids.every((id) => rollbackIds.has(id) || id.startsWith('rollback/'));
  const log = buildLogTimeline(input.events, state.runId, isRollback);
  const attempts = log.attempts.length > 0 ? log.attempts : attemptsFromState(state);

  const phases = [
    ...state.phases.map((p) => reportPhase(p, false, log, state)),
    ...(state.rollback?.phases ?? []).map((p) => reportPhase(p, true, log, state)),
  ];
  const times = [
    ...attempts.flatMap((a) => [a.startMs, a.endMs]),
    ...phases.flatMap((p) => [p.startMs, p.endMs, ...p.nodes.flatMap((n) => [n.startMs, n.endMs])]),
  ].filter((t): t is number => t !== undefined && Number.isFinite(t));
  const startMs = Math.min(Date.parse(state.startedAt), ...times);
  const endMs = Math.max(
    startMs,
    ...times,
    ...[state.finishedAt, state.rollback?.finishedAt].filter((x): x is string => !!x).map(Date.parse),
  );

  const path = criticalPath(
    pathElements(phases),
    attempts,
    phases.flatMap((p) => p.spans.map((s) => ({ ...s, phase: p.id }))),
    { startMs, endMs },
  );
  const onPath = new Set(path.filter((l) => l.kind === 'node').map((l) => nodeKey(l.phase!, l.node!)));
  for (const p of phases) for (const n of p.nodes) n.onCriticalPath = onPath.has(nodeKey(n.phase, n.node));

  return {
    plan: {
      name: plan.metadata.name,
      path: input.planPath,
      from: plan.from,
      to: plan.to,
      contentHash: plan.metadata.contentHash,
      createdAt: plan.metadata.createdAt,
      generator: plan.metadata.generator,
      strategy: plan.options.strategy,
      driver: plan.driver.type,
    },
    cluster: {
      server: plan.cluster.server,
      kubeSystemUid: plan.cluster.kubeSystemUid,
      ...(plan.cluster.context ? { context: plan.cluster.context } : {}),
    },
    runId: state.runId,
    outcome: outcomeOf(state, attempts),
    status: state.status,
    ...(state.rollback ? { rollbackStatus: state.rollback.status } : {}),
    startMs,
    endMs,
    attempts,
    phases,
    findings: plan.findings,
    waivers: plan.waivers,
    snapshots: state.snapshots ?? [],
    ...(state.snapshotSkipped ? { snapshotSkipped: state.snapshotSkipped } : {}),
    restores: log.restores,
    ...(state.stop && state.status !== 'done' ? { stop: state.stop } : {}),
    ...(state.rollback?.stop && state.rollback.status !== 'done' ? { rollbackStop: state.rollback.stop } : {}),
    totals: totals(phases, attempts, startMs, endMs),
    criticalPath: path,
    log: {
      ...(input.logPath ? { path: input.logPath } : {}),
      events: log.used,
      problems: [...(input.logProblems ?? []), ...planMismatch(plan, state)],
    },
  };
}

/** The state records a run of another version of the plan file: say so (the findings shown are the file's). */
function planMismatch(plan: UpgradePlan, state: RunState): string[] {
  if (state.plan.contentHash === plan.metadata.contentHash) return [];
  return [
    `the run state records a run of another version of this plan (${state.plan.contentHash}, ` +
      `the file is ${plan.metadata.contentHash}): the findings and waivers shown are the file's`,
  ];
}

function reportPhase(p: PhaseRunState, rollback: boolean, log: LogTimeline, state: RunState): ReportPhase {
  const logged = log.phases.get(p.id) ?? [];
  const spans =
    logged.length > 0
      ? logged
      : stateSpan(
          p.startedAt,
          p.finishedAt ??
            (p.status === 'running' || p.status === 'paused' || p.status === 'failed' ? state.updatedAt : undefined),
        );
  const nodes = p.nodes.map((n) => reportNode(p, n, log, state));
  const bounds = [...spans.flatMap((s) => [s.startMs, s.endMs]), ...nodes.flatMap((n) => [n.startMs, n.endMs])].filter(
    (t): t is number => t !== undefined,
  );
  return {
    id: p.id,
    kind: p.kind,
    title: p.title,
    status: p.status,
    rollback,
    spans,
    ...(bounds.length > 0 ? { startMs: Math.min(...bounds), endMs: Math.max(...bounds) } : {}),
    nodes,
  };
}

function reportNode(p: PhaseRunState, n: NodeRunState, log: LogTimeline, state: RunState): ReportNode {
  const track = log.nodes.get(nodeKey(p.id, n.node));
  const segments =
    track && track.segments.length > 0
      ? track.segments
      : n.status === 'pending'
        ? []
        : stateSpan(n.startedAt, n.finishedAt ?? (n.startedAt ? state.updatedAt : undefined));
  const error =
    n.error ??
    (n.status === 'failed' || n.status === 'in-progress' || n.status === 'paused' ? track?.error : undefined);
  return {
    phase: p.id,
    node: n.node,
    role: n.role,
    status: n.status,
    ...(n.from ? { from: n.from } : {}),
    to: n.to,
    ...(segments.length > 0
      ? { startMs: Math.min(...segments.map((s) => s.startMs)), endMs: Math.max(...segments.map((s) => s.endMs)) }
      : {}),
    durationMs: n.durationMs ?? segments.reduce((s, x) => s + (x.endMs - x.startMs), 0),
    evictions: n.evictions,
    blockedMs: n.blockedMs,
    segments,
    steps: track?.steps ?? [],
    pdbWaits: track?.pdbWaits ?? [],
    ...(track?.detail ? { detail: track.detail } : {}),
    ...(error ? { error } : {}),
    ...(error && track?.failedStep ? { failedStep: track.failedStep } : error && n.step ? { failedStep: n.step } : {}),
    onCriticalPath: false,
  };
}

/** A span from the state's ISO times (attempt 0: not from the log). */
function stateSpan(start?: string, end?: string): (TimeSpan & { attempt: number })[] {
  const s = start ? Date.parse(start) : NaN;
  if (Number.isNaN(s)) return [];
  const e = end ? Date.parse(end) : NaN;
  return [{ startMs: s, endMs: Number.isNaN(e) ? s : Math.max(s, e), attempt: 0 }];
}

/** Without a log: the attempts the state records (their ends when they have one). */
function attemptsFromState(state: RunState): ReportAttempt[] {
  const all = [
    ...state.attempts.map((a) => ({ ...a, kind: 'apply' as const })),
    ...(state.rollback?.attempts ?? []).map((a) => ({ ...a, kind: 'rollback' as const })),
  ];
  return all.map((a, i) => {
    const startMs = Date.parse(a.startedAt);
    const endMs = a.endedAt ? Date.parse(a.endedAt) : Date.parse(state.updatedAt);
    return {
      index: i + 1,
      kind: a.kind,
      resumed: i > 0,
      startMs,
      endMs: Math.max(startMs, endMs),
      ...(a.outcome ? { outcome: a.outcome } : {}),
    };
  });
}

function outcomeOf(state: RunState, attempts: readonly ReportAttempt[]): RunReport['outcome'] {
  const rb = state.rollback;
  const last = attempts.at(-1);
  const status = rb ? rb.status : state.status;
  if (status === 'done') return 'done';
  const recorded = (rb ? rb.stop : state.stop)?.outcome;
  if (status === 'running') return last?.outcome ?? 'running';
  return recorded ?? (status === 'paused' ? 'paused' : 'failed');
}

function pathElements(phases: readonly ReportPhase[]): PathElement[] {
  return phases.flatMap((p): PathElement[] => {
    const nodes = p.nodes.flatMap((n) =>
      n.segments.map((s) => ({ kind: 'node' as const, phase: p.id, node: n.node, startMs: s.startMs, endMs: s.endMs })),
    );
    if (p.nodes.length > 0) return nodes;
    return p.spans.map((s) => ({ kind: 'phase' as const, phase: p.id, startMs: s.startMs, endMs: s.endMs }));
  });
}

function totals(
  phases: readonly ReportPhase[],
  attempts: readonly ReportAttempt[],
  startMs: number,
  endMs: number,
): ReportTotals {
  const nodes = phases.flatMap((p) => p.nodes);
  const counts: Record<NodeRunStatus, number> = {
    done: 0,
    skipped: 0,
    failed: 0,
    'in-progress': 0,
    pending: 0,
    paused: 0,
  };
  for (const n of nodes) counts[n.status]++;
  const byPdb = new Map<string, PdbTotal>();
  let waits = 0;
  for (const n of nodes) {
    for (const w of n.pdbWaits) {
      waits++;
      const name = w.pdb ?? '(unnamed PDB)';
      const t = byPdb.get(name) ?? { pdb: name, waits: 0, ms: 0, nodes: [] };
      t.waits++;
      t.ms += w.endMs - w.startMs;
      if (!t.nodes.includes(n.node)) t.nodes.push(n.node);
      byPdb.set(name, t);
    }
  }
  return {
    makespanMs: endMs - startMs,
    activeMs: attempts.reduce((s, a) => s + (a.endMs - a.startMs), 0),
    nodes: counts,
    evictions: nodes.reduce((s, n) => s + n.evictions, 0),
    blockedMs: nodes.reduce((s, n) => s + n.blockedMs, 0),
    pdbWaits: waits,
    pdbs: [...byPdb.values()].sort((a, b) => b.ms - a.ms || a.pdb.localeCompare(b.pdb)),
  };
}
