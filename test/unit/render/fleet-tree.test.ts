/**
 * The live fleet view: the board folds fleet and cluster events into per-stage counts and per-cluster lines
 * (nodes done/total, the node and step in flight, what blocks), lists only active clusters up to a limit, and
 * the listr2 tree runs any event sequence to its end — a finished fleet, one stopped midway — on a non-TTY stream.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { emptyBoard, foldFleetEvent, stageText } from '../../../src/cli/render/fleet-board.js';
import { createFleetTree } from '../../../src/cli/render/fleet-tree.js';
import { makeStyle } from '../../../src/cli/render/style.js';
import type { FleetEvent } from '../../../src/fleet/apply/index.js';

const at = '2026-12-07T10:00:00.000Z';
const st = makeStyle(false);
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

const phase = 'workers/v1.32.0/pool=blue';
const started = (stages: { name: string; clusters: string[] }[]): FleetEvent => ({
  at,
  type: 'fleet-started',
  fleet: 'prod',
  resumed: false,
  stages,
});
const runOf = (cluster: string, nodes: string[]): FleetEvent[] => [
  { at, type: 'fleet-cluster-started', stage: 'canary', cluster, attempt: 1 },
  {
    at,
    type: 'run-started',
    cluster,
    runId: 'r1',
    plan: 'p',
    from: 'v1.31.4',
    to: 'v1.32.0',
    resumed: false,
    phases: [{ id: phase, kind: 'workers', title: 'Workers', nodes }],
  },
];

describe('fleet board', () => {
  it('counts a stage and shows a running cluster with its node, step and what blocks it', () => {
    const b = emptyBoard();
    const events: FleetEvent[] = [
      started([{ name: 'canary', clusters: ['tokyo-1', 'osaka-1'] }]),
      { at, type: 'fleet-stage-started', stage: 'canary' },
      ...runOf('tokyo-1', ['w-1', 'w-2', 'w-3']),
      {
        at,
        type: 'node-finished',
        cluster: 'tokyo-1',
        phase,
        node: 'w-1',
        status: 'done',
        durationMs: 1,
        evictions: 0,
        blockedMs: 0,
      },
      { at, type: 'node-step', cluster: 'tokyo-1', phase, node: 'w-2', step: 'drain' },
      {
        at,
        type: 'eviction-blocked',
        cluster: 'tokyo-1',
        node: 'w-2',
        pod: 'shop/web-1',
        pdb: 'shop/web-pdb',
        message: 'needs 2 healthy, has 2',
        retryInMs: 5000,
      },
      { at, type: 'fleet-cluster-waiting', stage: 'canary', cluster: 'osaka-1', opensAt: '2026-12-08T01:00:00.000Z' },
    ];
    for (const e of events) foldFleetEvent(b, e);
    const text = stageText(b.stages[0]!, st);
    expect(text.split('\n')[0]).toBe('stage canary  0/2 done, 1 running');
    expect(text).toContain(
      'tokyo-1 · Running · 1/3 nodes · w-2 draining · eviction of shop/web-1 refused by PDB shop/web-pdb: needs 2 healthy, has 2 — retrying in 5s',
    );
    expect(text).toContain('osaka-1 · Waiting · window opens 2026-12-08T01:00:00.000Z');
    // The eviction went through: the note is gone.
    foldFleetEvent(b, { at, type: 'pod-evicted', cluster: 'tokyo-1', node: 'w-2', pod: 'shop/web-1' } as FleetEvent);
    expect(stageText(b.stages[0]!, st)).not.toContain('refused');
  });

  it('lists at most `limit` active clusters and counts the rest; done ones only in the counts', () => {
    const b = emptyBoard();
    const names = Array.from({ length: 30 }, (_, i) => `c-${i}`);
    foldFleetEvent(b, started([{ name: 'rest', clusters: names }]));
    names.forEach((cluster, i) => {
      foldFleetEvent(b, { at, type: 'fleet-cluster-started', stage: 'rest', cluster, attempt: 1 });
      if (i < 8)
        foldFleetEvent(b, {
          at,
          type: 'fleet-cluster-finished',
          stage: 'rest',
          cluster,
          outcome: 'done',
          state: 'Done',
        });
    });
    foldFleetEvent(b, {
      at,
      type: 'fleet-cluster-finished',
      stage: 'rest',
      cluster: 'c-8',
      outcome: 'failed',
      state: 'Failed',
      message: 'node w-1 never became Ready',
    });
    const lines = stageText(b.stages[0]!, st, 5).split('\n');
    expect(lines[0]).toBe('stage rest  8/30 done, 1 failed, 21 running');
    expect(lines.slice(1, 6)).toHaveLength(5);
    expect(lines[1]).toBe('  c-8 · Failed · node w-1 never became Ready');
    expect(lines[6]).toBe('  … and 17 more');
    expect(lines.join('\n')).not.toContain('c-0 ');
  });

  it('keeps the stage note of a soak, a gate that has not passed, and a spent budget', () => {
    const b = emptyBoard();
    foldFleetEvent(b, started([{ name: 'canary', clusters: ['a'] }]));
    foldFleetEvent(b, {
      at,
      type: 'fleet-soak-started',
      stage: 'canary',
      until: '2026-12-07T11:00:00.000Z',
      resumed: false,
    });
    expect(stageText(b.stages[0]!, st)).toContain('soak until 2026-12-07T11:00:00.000Z');
    foldFleetEvent(b, {
      at,
      type: 'fleet-gate',
      stage: 'canary',
      when: 'after',
      gate: 'approval',
      passed: false,
      reason: 'waiting for fleet approve',
    });
    expect(stageText(b.stages[0]!, st)).toContain('after-gate approval: waiting for fleet approve');
    foldFleetEvent(b, { at, type: 'fleet-budget-spent', stage: 'canary', failed: 1, budget: 0, onFailure: 'stop' });
    expect(stageText(b.stages[0]!, st)).toContain('1 failed, over its budget of 0: no new cluster starts (stop)');
  });
});

const feedTree = async (events: FleetEvent[]) => {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  const tree = createFleetTree({ out, color: false });
  for (const e of events) tree.sink(e);
  await tree.close();
  return stripAnsi(chunks.join(''));
};

describe('fleet tree', () => {
  it('ends a finished fleet with every stage done and the outcome line', async () => {
    const text = await feedTree([
      started([
        { name: 'canary', clusters: ['a'] },
        { name: 'rest', clusters: ['b'] },
      ]),
      { at, type: 'fleet-stage-started', stage: 'canary' },
      ...runOf('a', ['w-1']),
      { at, type: 'fleet-cluster-finished', stage: 'canary', cluster: 'a', outcome: 'done', state: 'Done' },
      { at, type: 'fleet-stage-finished', stage: 'canary', state: 'Done' },
      { at, type: 'fleet-stage-started', stage: 'rest' },
      { at, type: 'fleet-cluster-finished', stage: 'rest', cluster: 'b', outcome: 'done', state: 'Done' },
      { at, type: 'fleet-stage-finished', stage: 'rest', state: 'Done' },
      { at, type: 'fleet-warning', message: 'stage extra selects no cluster' },
      { at, type: 'fleet-finished', outcome: 'done', message: 'every cluster at v1.32.0', next: [] },
    ]);
    expect(text).toMatch(/✔ stage canary {2}1\/1 done/);
    expect(text).toMatch(/✔ stage rest {2}1\/1 done/);
    expect(text).toContain('warning: stage extra selects no cluster');
    expect(text.trimEnd().endsWith('done: every cluster at v1.32.0')).toBe(true);
  });

  it('finishes when the fleet stops midway without fleet-finished: the running stage paused, the rest not reached', async () => {
    const text = await feedTree([
      started([
        { name: 'canary', clusters: ['a'] },
        { name: 'rest', clusters: ['b'] },
      ]),
      { at, type: 'fleet-stage-started', stage: 'canary' },
      ...runOf('a', ['w-1', 'w-2']),
      { at, type: 'node-step', cluster: 'a', phase, node: 'w-1', step: 'upgrade' } as FleetEvent,
    ]);
    expect(text).toContain('stage canary  0/1 done, 1 running  stopped');
    expect(text).toContain('stage rest  not reached');
  });

  it('a failed stage is shown failed with its message', async () => {
    const text = await feedTree([
      started([{ name: 'canary', clusters: ['a'] }]),
      { at, type: 'fleet-stage-started', stage: 'canary' },
      { at, type: 'fleet-cluster-finished', stage: 'canary', cluster: 'a', outcome: 'failed', state: 'Failed' },
      { at, type: 'fleet-stage-finished', stage: 'canary', state: 'Failed', message: '1 failed, budget 0' },
      {
        at,
        type: 'fleet-finished',
        outcome: 'failed',
        message: 'stopped at stage canary',
        next: ['fleet retry p.yaml'],
      },
    ]);
    expect(text).toMatch(/✖ stage canary {2}0\/1 done, 1 failed {2}failed: 1 failed, budget 0/);
    expect(text).toContain('next: fleet retry p.yaml');
  });
});
