/**
 * The report model from a plan, a run state and a run log: step intervals, PDB waits, evictions and totals,
 * the critical path, a resumed run (two attempts, the first killed mid-drain), a truncated or missing log,
 * events of another run, a paused run and a rollback.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializePlan } from '../../../src/plan/index.js';
import {
  buildRunReport,
  loadRunReport,
  parseRunLog,
  ReportInputError,
  type ReportNode,
  type RunReport,
} from '../../../src/upgrade/report/index.js';
import { writeStateFile } from '../../../src/upgrade/run/state-store.js';
import type { UpgradeEvent } from '../../../src/upgrade/run/events.js';
import type { RunState } from '../../../src/upgrade/run/run-state-types.js';
import { pausedRun, pausedState } from '../render/run-events.js';
import {
  BLUE,
  CP,
  doneEvents,
  doneState,
  ev,
  logText,
  ms,
  nodeState,
  plan,
  PLAN_PATH,
  resumedEvents,
  resumedState,
  RUN_ID,
} from './report-fixtures.js';

const build = (state: RunState, events: UpgradeEvent[], logProblems: string[] = []): RunReport =>
  buildRunReport({ plan: plan(), planPath: PLAN_PATH, state, events, logProblems });
const nodeOf = (r: RunReport, phase: string, name: string): ReportNode =>
  r.phases.find((p) => p.id === phase)!.nodes.find((n) => n.node === name)!;
const spans = (n: ReportNode) => n.steps.map((s) => [s.step, (s.startMs - ms(0)) / 1000, (s.endMs - ms(0)) / 1000]);

describe('report model: a done run with a rolling window', () => {
  const r = build(doneState(), doneEvents());

  it('gives each node its steps from node-step to the next step or its end', () => {
    expect(spans(nodeOf(r, CP, 'cp-1'))).toEqual([
      ['cordon', 5, 6],
      ['drain', 6, 8],
      ['upgrade', 8, 14],
      ['wait-ready', 14, 16],
      ['uncordon', 16, 16.5],
      ['health-gate', 16.5, 18],
    ]);
    const blue2 = nodeOf(r, BLUE, 'blue-2');
    expect(spans(blue2).map((s) => s[0])).toEqual([
      'cordon',
      'drain',
      'upgrade',
      'wait-ready',
      'uncordon',
      'health-gate',
    ]);
    expect(spans(blue2)[1]).toEqual(['drain', 19.5, 31.5]);
    expect(blue2.steps.map((s) => s.category)).toEqual(['cordon', 'drain', 'driver', 'wait-ready', 'uncordon', 'gate']);
    expect(blue2.steps.every((s) => !s.interrupted && !s.failed && s.attempt === 1)).toBe(true);
    expect([blue2.startMs, blue2.endMs]).toEqual([ms(19), ms(40)]);
  });

  it('merges repeated refusals of one pod into one PDB wait, named namespace/pdb, ended by the eviction', () => {
    const waits = nodeOf(r, BLUE, 'blue-2').pdbWaits;
    expect(waits).toEqual([
      {
        pod: 'shop/web-1',
        pdb: 'shop/web-pdb',
        message: 'needs 2 healthy, has 1',
        refusals: 2,
        startMs: ms(20.5),
        endMs: ms(30.5),
        attempt: 1,
      },
    ]);
    expect(r.totals.pdbs).toEqual([{ pdb: 'shop/web-pdb', waits: 1, ms: 10_000, nodes: ['blue-2'] }]);
  });

  it('takes statuses, durations, evictions and PDB time from the run state, and totals them', () => {
    expect(nodeOf(r, BLUE, 'blue-1')).toMatchObject({ status: 'skipped', detail: 'already at v1.32.0', steps: [] });
    expect(nodeOf(r, BLUE, 'blue-2')).toMatchObject({
      status: 'done',
      durationMs: 21_000,
      evictions: 2,
      blockedMs: 10_000,
    });
    expect(r.totals).toMatchObject({
      makespanMs: 43_200,
      activeMs: 43_200,
      evictions: 3,
      blockedMs: 10_000,
      pdbWaits: 1,
      nodes: { done: 4, skipped: 1, failed: 0, pending: 0, 'in-progress': 0, paused: 0 },
    });
    expect(r.outcome).toBe('done');
    expect(r.attempts).toEqual([
      { index: 1, kind: 'apply', resumed: false, startMs: ms(0), endMs: ms(43.2), outcome: 'done' },
    ]);
  });

  it('gives the phases their start and end, and carries the findings, waivers and snapshots', () => {
    expect(r.phases.map((p) => [p.id, (p.startMs! - ms(0)) / 1000, (p.endMs! - ms(0)) / 1000])).toEqual([
      ['etcd-snapshot', 1, 4],
      [CP, 4.5, 18.2],
      [BLUE, 18.5, 40.5],
      ['postflight', 40.8, 43],
    ]);
    expect(r.findings.map((f) => f.id)).toEqual(plan().findings.map((f) => f.id));
    expect(r.snapshots[0]!.record).toMatchObject({ revision: 42, verified: true });
  });

  it('finds the critical path: the last to finish, then what finished last before it started', () => {
    const path = r.criticalPath.map((l) => [
      l.kind,
      l.node ?? l.phase ?? '',
      (l.startMs - ms(0)) / 1000,
      (l.endMs - ms(0)) / 1000,
    ]);
    expect(path).toEqual([
      ['startup', '', 0, 1],
      ['phase', 'etcd-snapshot', 1, 4],
      ['between-nodes', CP, 4, 5],
      ['node', 'cp-1', 5, 18],
      ['between-nodes', BLUE, 18, 19],
      ['node', 'blue-2', 19, 40],
      ['phase', 'postflight', 40.8, 43],
    ]);
    // blue-3 and blue-4 ran beside blue-2 and ended first: shortening them would not end the run sooner.
    expect(
      ['cp-1', 'blue-2', 'blue-3', 'blue-4'].map((n) => nodeOf(r, n === 'cp-1' ? CP : BLUE, n).onCriticalPath),
    ).toEqual([true, true, false, false]);
  });

  it('moves the critical path when another lane ends last', () => {
    // blue-4 (after blue-3 in the same lane) now runs until 45 s: the path is blue-3 → blue-4.
    const events = doneEvents()
      .map((e) =>
        e.type === 'node-finished' && e.node === 'blue-4' ? { ...e, at: new Date(ms(45)).toISOString() } : e,
      )
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const path = build(doneState(), events)
      .criticalPath.filter((l) => l.kind === 'node')
      .map((l) => l.node);
    expect(path).toEqual(['cp-1', 'blue-3', 'blue-4']);
  });

  it('leaves out the events of another run in the same log, and those outside an attempt', () => {
    const other = doneEvents().map((e) => (e.type === 'run-started' ? { ...e, runId: 'older-run' } : e));
    const early = ev(50, {
      type: 'run-finished',
      summary: { runId: RUN_ID, plan: 'p', outcome: 'locked', durationMs: 0, nodes: [], evictions: 0, blockedMs: 0 },
    });
    const r2 = build(doneState(), [...other, ...doneEvents(), early]);
    expect(r2.attempts).toHaveLength(1);
    expect(r2.outcome).toBe('done');
    expect(nodeOf(r2, BLUE, 'blue-2').pdbWaits).toHaveLength(1);
    expect(r2.log.events).toBe(doneEvents().length);
  });
});

describe('report model: a resumed run', () => {
  const r = build(resumedState(), resumedEvents());

  it('has two attempts; the first ends at its last event, with no outcome (killed)', () => {
    expect(
      r.attempts.map((a) => [a.index, a.resumed, (a.startMs - ms(0)) / 1000, (a.endMs - ms(0)) / 1000, a.outcome]),
    ).toEqual([
      [1, false, 0, 9, undefined],
      [2, true, 3600, 3622, 'done'],
    ]);
    expect(r.totals.makespanMs).toBe(3_622_000);
    expect(r.totals.activeMs).toBe(31_000);
  });

  it('closes the killed attempt’s step and PDB wait where it ended, marked interrupted', () => {
    const blue1 = nodeOf(r, BLUE, 'blue-1');
    expect(spans(blue1).slice(0, 3)).toEqual([
      ['cordon', 2, 3],
      ['drain', 3, 9],
      ['cordon', 3602, 3602.5],
    ]);
    expect(blue1.steps.map((s) => [s.attempt, s.interrupted])).toEqual([
      [1, false],
      [1, true],
      [2, false],
      [2, false],
      [2, false],
      [2, false],
      [2, false],
      [2, false],
    ]);
    expect(blue1.segments.map((s) => [s.attempt, (s.startMs - ms(0)) / 1000, (s.endMs - ms(0)) / 1000])).toEqual([
      [1, 2, 9],
      [2, 3602, 3614],
    ]);
    expect(
      blue1.pdbWaits.map((w) => [w.attempt, w.refusals, (w.startMs - ms(0)) / 1000, (w.endMs - ms(0)) / 1000]),
    ).toEqual([[1, 2, 4, 9]]);
  });

  it('names the pause between the attempts on the critical path', () => {
    expect(
      r.criticalPath.map((l) => [
        l.kind,
        l.node ?? l.phase ?? '',
        (l.startMs - ms(0)) / 1000,
        (l.endMs - ms(0)) / 1000,
      ]),
    ).toEqual([
      ['startup', '', 0, 1],
      ['between-nodes', BLUE, 1, 2],
      ['node', 'blue-1', 2, 9],
      ['idle', '', 9, 3600],
      ['startup', '', 3600, 3601],
      ['between-nodes', BLUE, 3601, 3602],
      ['node', 'blue-1', 3602, 3614],
      ['node', 'blue-2', 3614, 3620],
      ['between-nodes', '', 3620, 3622],
    ]);
    const idle = r.criticalPath.find((l) => l.kind === 'idle')!;
    expect([(idle.startMs - ms(0)) / 1000, (idle.endMs - ms(0)) / 1000]).toEqual([9, 3600]);
    expect(r.criticalPath.filter((l) => l.kind === 'node').map((l) => l.node)).toEqual(['blue-1', 'blue-1', 'blue-2']);
  });

  it('reads a log whose last line was cut by a kill, and one with a garbled line in the middle', () => {
    const text = logText(resumedEvents());
    const cut = parseRunLog(text.slice(0, text.length - 40));
    expect(cut.events).toHaveLength(resumedEvents().length - 1);
    expect(cut.problems).toEqual([expect.stringContaining('last line of the run log is incomplete')]);
    const lines = text.split('\n');
    const garbled = parseRunLog(
      [...lines.slice(0, 7), lines[7]!.slice(0, 30) + lines[8], ...lines.slice(9)].join('\n'),
    );
    expect(garbled.problems).toEqual(['1 line is not run events and is left out']);
    // The resumed run-started was lost with the garbled line: the second attempt's events still land on the nodes.
    const r2 = build(resumedState(), garbled.events, garbled.problems);
    expect(nodeOf(r2, BLUE, 'blue-1').status).toBe('done');
    expect(nodeOf(r2, BLUE, 'blue-1').segments).toHaveLength(2);
    expect(r2.log.problems).toEqual(garbled.problems);
  });
});

describe('report model: without a usable log', () => {
  it('draws the nodes from the run state’s times when the log is empty', () => {
    const r = build(doneState(), [], ['there is no run log']);
    expect(r.attempts).toEqual([
      { index: 1, kind: 'apply', resumed: false, startMs: ms(0), endMs: ms(43.2), outcome: 'done' },
    ]);
    const blue2 = nodeOf(r, BLUE, 'blue-2');
    expect(blue2.steps).toEqual([]);
    expect(blue2.segments).toEqual([{ startMs: ms(19), endMs: ms(40), attempt: 0 }]);
    expect(r.criticalPath.filter((l) => l.kind === 'node').map((l) => l.node)).toEqual(['cp-1', 'blue-2']);
    expect(r.log.problems).toEqual(['there is no run log']);
  });

  it('loads from files: a missing log is a note, a missing state or plan is a ReportInputError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-report-model-'));
    try {
      const planPath = join(dir, 'plan.yaml');
      expect(() => loadRunReport(planPath)).toThrow(ReportInputError);
      writeFileSync(planPath, serializePlan(plan()));
      expect(() => loadRunReport(planPath)).toThrow(/no run of .*plan\.yaml is recorded/);
      await writeStateFile(join(dir, 'plan.state.json'), doneState());
      const r = loadRunReport(planPath);
      expect(r.log.problems).toEqual([expect.stringMatching(/^there is no run log \(.*plan\.log\)/)]);
      writeFileSync(join(dir, 'plan.log'), logText(doneEvents()).slice(0, -25));
      const r2 = loadRunReport(planPath);
      expect(r2.log.problems).toEqual([expect.stringContaining('incomplete')]);
      expect(nodeOf(r2, BLUE, 'blue-2').steps).toHaveLength(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('report model: a paused run and a rollback', () => {
  it('marks the failed step, keeps the error and the stop, leaves pending nodes without times', () => {
    const r = buildRunReport({ plan: plan(), planPath: PLAN_PATH, state: pausedState(), events: pausedRun() });
    expect(r.outcome).toBe('paused');
    const blue2 = r.phases.find((p) => p.id === 'workers/v1.32.0/pool=blue')!.nodes.find((n) => n.node === 'blue-2')!;
    expect(blue2).toMatchObject({
      status: 'failed',
      failedStep: 'health-gate',
      error: 'health gate failed after 300s: workloads-available',
    });
    expect(blue2.steps.at(-1)).toMatchObject({ step: 'health-gate', failed: true, interrupted: false });
    expect(blue2.pdbWaits).toEqual([expect.objectContaining({ pod: 'shop/web-1', pdb: 'shop/web-pdb', refusals: 1 })]);
    const green = r.phases.find((p) => p.id === 'workers/v1.32.0/pool=green')!.nodes[0]!;
    expect(green).toMatchObject({ status: 'pending', segments: [], steps: [] });
    expect(green.startMs).toBeUndefined();
    expect(r.stop).toMatchObject({ outcome: 'paused', node: 'blue-2' });
    // The state's content hash is not this plan's: said, not refused.
    expect(r.log.problems).toEqual([expect.stringContaining('another version of this plan')]);
  });

  it('adds the rollback as its own attempt and phases, its driver step a downgrade', () => {
    const state = doneState();
    state.rollback = {
      status: 'done',
      startedAt: new Date(ms(100)).toISOString(),
      updatedAt: new Date(ms(120)).toISOString(),
      finishedAt: new Date(ms(120)).toISOString(),
      attempts: [{ startedAt: new Date(ms(100)).toISOString(), holder: 'ci/43' }],
      phases: [
        {
          id: 'rollback/workers/pool=blue',
          kind: 'workers',
          title: 'roll back pool=blue',
          action: 'downgrade',
          status: 'done',
          nodes: [nodeState('blue-2', 'worker', 'done', { to: 'v1.31.4', durationMs: 15_000 })],
        },
      ],
    };
    const phases = [
      { id: 'rollback/workers/pool=blue', kind: 'workers' as const, title: 'roll back pool=blue', nodes: ['blue-2'] },
    ];
    const P = 'rollback/workers/pool=blue';
    const events = [
      ...doneEvents(),
      ev(100, {
        type: 'run-started',
        runId: RUN_ID,
        plan: 'p',
        from: 'v1.32.0',
        to: 'v1.31.4',
        resumed: false,
        phases,
      }),
      ev(101, { type: 'phase-started', phase: P, kind: 'workers', title: 'roll back pool=blue' }),
      ev(102, { type: 'node-started', phase: P, node: 'blue-2', role: 'worker', version: 'v1.31.4' }),
      ev(102, { type: 'node-step', phase: P, node: 'blue-2', step: 'cordon' }),
      ev(103, { type: 'node-step', phase: P, node: 'blue-2', step: 'drain' }),
      ev(105, { type: 'node-step', phase: P, node: 'blue-2', step: 'downgrade' }),
      ev(112, { type: 'node-step', phase: P, node: 'blue-2', step: 'wait-ready' }),
      ev(117, {
        type: 'node-finished',
        phase: P,
        node: 'blue-2',
        status: 'done',
        durationMs: 15_000,
        evictions: 0,
        blockedMs: 0,
      }),
      ev(118, { type: 'phase-finished', phase: P, status: 'done' }),
      ev(120, {
        type: 'run-finished',
        summary: {
          runId: RUN_ID,
          plan: 'p',
          outcome: 'done',
          durationMs: 20_000,
          nodes: [],
          evictions: 0,
          blockedMs: 0,
        },
      }),
    ];
    const r = build(state, events);
    expect(r.attempts.map((a) => a.kind)).toEqual(['apply', 'rollback']);
    const rb = r.phases.at(-1)!;
    expect(rb).toMatchObject({ id: P, rollback: true });
    expect(rb.nodes[0]!.steps.map((s) => [s.step, s.category])).toEqual([
      ['cordon', 'cordon'],
      ['drain', 'drain'],
      ['downgrade', 'driver'],
      ['wait-ready', 'wait-ready'],
    ]);
    expect(r.rollbackStatus).toBe('done');
    expect(r.endMs).toBe(ms(120));
    expect(r.criticalPath.slice(-3)).toEqual([
      { kind: 'node', phase: P, node: 'blue-2', startMs: ms(102), endMs: ms(117) },
      { kind: 'between-nodes', phase: P, startMs: ms(117), endMs: ms(118) },
      { kind: 'between-nodes', startMs: ms(118), endMs: ms(120) },
    ]);
    expect(r.criticalPath.filter((l) => l.kind === 'idle')).toHaveLength(1);
  });
});
