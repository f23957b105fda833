/**
 * The progress output of `apply`: plain lines (golden file), JSON lines (parse back to the events), the
 * choice of mode, and the listr2 tree, which must run any event sequence to completion — a full run, a paused
 * one, one that stops midway without `run-finished` — on a non-TTY stream without hanging.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createPlainFormatter, createProgressRenderer, progressMode } from '../../../src/cli/render/index.js';
import { phaseProgressText } from '../../../src/cli/render/progress/format.js';
import type { UpgradeEvent } from '../../../src/upgrade/run/events.js';
import { doneRun, pausedRun } from './run-events.js';

const golden = (name: string) => `../../golden/${name}`;
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
/** The last frame of the tree, with lines listr2 wrapped at 80 columns joined back. */
const lastFrame = (s: string) => {
  const t = stripAnsi(s);
  return t.slice(t.lastIndexOf('Lock held by')).replace(/\n +(?![✔✖↓◼❯⚠\u2800-\u28ff])/g, ' ');
};

const collect = () => {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { out, text: () => chunks.join('') };
};

const feed = async (mode: 'tty' | 'plain' | 'json', events: UpgradeEvent[], color = false) => {
  const { out, text } = collect();
  const r = createProgressRenderer({ mode, out, color });
  for (const e of events) r.sink(e);
  await r.close();
  return text();
};

describe('plain lines', () => {
  it('match the golden file for a run with a blocked eviction, a skipped node and a pause', async () => {
    await expect(await feed('plain', pausedRun())).toMatchFileSnapshot(golden('progress-plain-paused.txt'));
  });

  it('stamp every line with ISO-8601 UTC (zone included) and name the phase and node of pod and driver events', () => {
    const format = createPlainFormatter({ color: false });
    const lines = pausedRun()
      .map(format)
      .filter((l): l is string => l !== undefined);
    expect(lines.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /.test(l))).toBe(true);
    expect(lines).toContain(
      '2026-08-21T19:40:25Z [workers/v1.32.0/pool=blue] blue-2 drain: eviction of shop/web-1 refused by PDB shop/web-pdb: needs 2 healthy, has 2 — retrying in 5s',
    );
    expect(lines).toContain('2026-08-21T19:40:30Z [workers/v1.32.0/pool=blue] blue-2 err| kubelet: restarting');
  });

  it('merge repeated refusals of one eviction into one line, then one line with their count', () => {
    const format = createPlainFormatter({ color: false });
    const events = pausedRun();
    const at = events.findIndex((e) => e.type === 'eviction-blocked');
    const blocked = events[at]!;
    const t0 = Date.parse(blocked.at);
    const repeats = Array.from({ length: 11 }, (_, i) => ({
      ...blocked,
      at: new Date(t0 + (i + 1) * 5000).toISOString(),
    }));
    const evicted = { ...events[at + 1]!, at: new Date(t0 + 60_000).toISOString() };
    const lines = [...events.slice(0, at + 1), ...repeats, evicted]
      .map(format)
      .filter((l): l is string => l !== undefined)
      .join('\n')
      .split('\n');
    expect(lines.filter((l) => l.includes('refused by PDB shop/web-pdb: needs'))).toHaveLength(1);
    expect(lines.at(-2)).toBe(
      '2026-08-21T19:41:25Z [workers/v1.32.0/pool=blue] blue-2 drain: eviction of shop/web-1 refused 12 times by PDB shop/web-pdb over 1m00s (last: needs 2 healthy, has 2)',
    );
    expect(lines.at(-1)).toMatch(/blue-2 drain: evicted shop\/web-1 \(2\/3\)$/);
  });

  it('say a silent step is still going after 30 s: elapsed/limit, the refusals so far, the phase done/total', () => {
    const format = createPlainFormatter({ color: false, limits: { 'wait-ready': 600_000 } });
    const events = pausedRun();
    const upTo = events.findIndex((e) => e.type === 'node-step' && e.step === 'wait-ready' && e.node === 'blue-2');
    for (const e of events.slice(0, upTo + 1)) format(e);
    const t = Date.parse(events[upTo]!.at);
    expect(format.heartbeat(t + 29_000)).toEqual([]);
    expect(format.heartbeat(t + 130_000)).toEqual([
      '2026-08-21T19:42:41Z [workers/v1.32.0/pool=blue] blue-2 still waiting for Ready: 2m10s/10m00s, phase 1/3 done',
    ]);
    expect(format.heartbeat(t + 140_000)).toEqual([]); // not again before another 30 s of silence
    expect(format.heartbeat(t + 161_000)).toHaveLength(1);
  });

  it('heartbeat a drain blocked by a PDB with the refusal count, and a phase without nodes by its elapsed time', () => {
    const format = createPlainFormatter({ color: false });
    const events = pausedRun();
    const at = events.findIndex((e) => e.type === 'eviction-blocked');
    for (const e of events.slice(0, at + 1)) format(e);
    const blocked = events[at]!;
    const t0 = Date.parse(blocked.at);
    format({ ...blocked, at: new Date(t0 + 5000).toISOString() });
    expect(format.heartbeat(t0 + 45_000)).toEqual([
      '2026-08-21T19:41:10Z [workers/v1.32.0/pool=blue] blue-2 still draining: 47s, eviction of shop/web-1 refused 2 times by PDB shop/web-pdb over 45s (last: needs 2 healthy, has 2), phase 1/3 done',
    ]);
    const snapshot = createPlainFormatter({ color: false });
    snapshot({
      type: 'phase-started',
      at: '2026-08-21T19:40:03.000Z',
      phase: 'etcd-snapshot',
      kind: 'etcd-snapshot',
      title: 'etcd snapshot',
    });
    expect(snapshot.heartbeat(Date.parse('2026-08-21T19:41:13.000Z'))).toEqual([
      '2026-08-21T19:41:13Z [etcd-snapshot] still running: 1m10s',
    ]);
  });

  it('say an interrupt pauses (and a second cancels), a node paused at its step, and a wait on an earlier driver', () => {
    const format = createPlainFormatter({ color: false });
    const at = '2026-08-21T19:40:30.000Z';
    const phase = 'workers/v1.32.0/pool=blue';
    format({ type: 'node-started', at, phase, node: 'blue-2', role: 'worker', version: 'v1.32.0' });
    expect(format({ type: 'run-interrupted', at, how: 'pause', inFlight: ['blue-2'], inDriver: ['blue-2'] })).toBe(
      '2026-08-21T19:40:30Z interrupted: pausing… no new node starts; nodes in flight (blue-2) finish up to a safe point; drivers running: blue-2. Interrupt again to cancel them.',
    );
    expect(format({ type: 'run-interrupted', at, how: 'abort', inFlight: ['blue-2'], inDriver: ['blue-2'] })).toBe(
      '2026-08-21T19:40:30Z interrupted again: cancelling the steps in flight (blue-2); interrupted in their driver: blue-2',
    );
    expect(format({ type: 'node-paused', at, phase, node: 'blue-2', step: 'health-gate', message: 'paused' })).toBe(
      `2026-08-21T19:40:30Z [${phase}] blue-2 paused at health-gate: paused`,
    );
    expect(
      format({
        type: 'driver-waiting',
        at,
        node: 'blue-2',
        pid: 42,
        until: at,
        message: 'waiting for the node driver',
      }),
    ).toBe(`2026-08-21T19:40:30Z [${phase}] blue-2 waiting for the node driver`);
    // A paused node no longer heartbeats.
    expect(format.heartbeat(Date.parse(at) + 60_000).filter((l) => l.includes('blue-2'))).toEqual([]);
  });

  it('have no ANSI escapes unless colour is on', async () => {
    expect(await feed('plain', pausedRun())).not.toContain('\u001b[');
    expect(await feed('plain', pausedRun(), true)).toContain('\u001b[');
  });
});

describe('JSON lines', () => {
  it('are the events, one per line, each with its run id, cluster and phase', async () => {
    const events = pausedRun();
    const lines = (await feed('json', events)).trimEnd().split('\n');
    expect(lines).toHaveLength(events.length);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    parsed.forEach((p, i) => expect(p).toMatchObject(events[i]!));
    const runId = (events[0] as { runId: string }).runId;
    expect(parsed.every((p) => p.runId === runId)).toBe(true);
    const evicted = parsed.find((p) => p.type === 'pod-evicted' && p.node === 'blue-2');
    expect(evicted).toMatchObject({ phase: 'workers/v1.32.0/pool=blue', node: 'blue-2' });
    expect(Object.keys(parsed[0]!).slice(0, 3)).toEqual(['type', 'at', 'runId']);
  });
});

describe('progressMode', () => {
  it.each([
    { flag: 'auto', tty: true, env: {}, mode: 'tty' },
    { flag: 'auto', tty: false, env: {}, mode: 'plain' },
    { flag: 'auto', tty: true, env: { CI: 'true' }, mode: 'plain' },
    { flag: 'auto', tty: true, env: { CI: '1' }, mode: 'plain' },
    { flag: 'auto', tty: true, env: { CI: 'false' }, mode: 'tty' },
    { flag: 'auto', tty: true, env: { CI: '' }, mode: 'tty' },
    { flag: 'auto', tty: true, env: { TERM: 'dumb' }, mode: 'plain' },
    { flag: 'plain', tty: true, env: {}, mode: 'plain' },
    { flag: 'json', tty: true, env: {}, mode: 'json' },
  ] as const)('$flag, tty=$tty, $env → $mode', ({ flag, tty, env, mode }) => {
    expect(progressMode(flag, tty, env)).toBe(mode);
  });
});

describe('TTY tree (listr2 default renderer on a non-TTY stream)', () => {
  it('runs a full upgrade to completion and shows every node done or skipped', async () => {
    const last = lastFrame(await feed('tty', doneRun()));
    expect(last).toContain('Lock held by alice@laptop/99; preflight: 0 blockers, 0 warnings');
    expect(last).toMatch(/Control plane → v1\.32\.0 +1\/1 nodes/);
    expect(last).toMatch(/Workers pool=blue → v1\.32\.0 +2\/3 nodes/);
    expect(last).toMatch(/Workers pool=green → v1\.32\.0 +1\/1 nodes/);
  });

  it('ends a paused run with the failed node, and the phases not reached as skipped', async () => {
    const text = await feed('tty', pausedRun());
    const last = lastFrame(text);
    expect(last).toContain('blue-2  failed at health-gate: health gate failed after 300s: workloads-available');
    expect(last).toContain('blue-1  skipped: already at v1.32.0');
    expect(last).toContain('↓ blue-3  not reached: phase paused');
    expect(last).toContain('↓ Workers pool=green → v1.32.0  not reached: run paused');
    expect(text).toContain('warning: deployment shop/web has 1 of 3 replicas available');
  });

  it('finishes when the run stops midway without run-finished (close settles every pending task)', async () => {
    const events = pausedRun();
    const cut = events.findIndex((e) => e.type === 'eviction-blocked');
    const last = lastFrame(await feed('tty', events.slice(0, cut + 1)));
    expect(last).toContain('↓ Workers pool=blue → v1.32.0  paused: run stopped');
    expect(last).toContain('✖ blue-2  interrupted at drain: run stopped');
    expect(last).toContain('↓ blue-3  not reached: run stopped');
    expect(last).toContain('↓ Workers pool=green → v1.32.0  not reached: run stopped');
  });

  it('shows a running phase’s done/total, elapsed time and an ETA from the nodes finished so far', async () => {
    const events = doneRun();
    const cut = events.findIndex((e) => e.type === 'node-finished' && e.node === 'blue-3');
    const { out, text } = collect();
    const r = createProgressRenderer({ mode: 'tty', out, color: false });
    for (const e of events.slice(0, cut + 1)) r.sink(e);
    await vi.waitFor(
      () => expect(stripAnsi(text())).toMatch(/Workers pool=blue → v1\.32\.0 +2\/3 nodes · \S+ · ETA \S+/),
      { timeout: 5000 },
    );
    for (const e of events.slice(cut + 1)) r.sink(e);
    await r.close();
    expect(lastFrame(text())).toMatch(/Workers pool=blue → v1\.32\.0 +2\/3 nodes · \S+/);
  });

  it('shows the blocking reason and the current step while a node drains', async () => {
    const events = pausedRun();
    const cut = events.findIndex((e) => e.type === 'eviction-blocked');
    const { out, text } = collect();
    const r = createProgressRenderer({ mode: 'tty', out, color: false });
    for (const e of events.slice(0, cut + 1)) r.sink(e);
    // Frames are drawn on listr2's spinner tick: wait for the one that shows the draining node.
    await vi.waitFor(() => expect(lastFrame(text())).toContain('blue-2  draining · 1/3 pods evicted'), {
      timeout: 10_000,
      interval: 50,
    });
    expect(lastFrame(text())).toContain(
      'eviction of shop/web-1 refused by PDB shop/web-pdb: needs 2 healthy, has 2 — retrying in 5s',
    );
    await r.close();
  });

  it('shows "pausing…" on the nodes in flight after an interrupt, and ends a paused node as paused, not failed', async () => {
    const events = pausedRun();
    const cut = events.findIndex((e) => e.type === 'eviction-blocked');
    const at = events[cut]!.at;
    const { out, text } = collect();
    const r = createProgressRenderer({ mode: 'tty', out, color: false });
    for (const e of events.slice(0, cut + 1)) r.sink(e);
    r.sink({ type: 'run-interrupted', at, how: 'pause', inFlight: ['blue-2'], inDriver: [] });
    await vi.waitFor(() => expect(lastFrame(text())).toContain('blue-2  draining · 1/3 pods evicted · pausing…'), {
      timeout: 10_000,
      interval: 50,
    });
    expect(lastFrame(text())).toContain('pausing… no new node starts');
    r.sink({
      type: 'node-paused',
      at,
      phase: 'workers/v1.32.0/pool=blue',
      node: 'blue-2',
      step: 'drain',
      message: 'the drain of node blue-2 paused between evictions',
    });
    await vi.waitFor(
      () =>
        expect(stripAnsi(text())).toContain(
          'blue-2  paused at drain: the drain of node blue-2 paused between evictions',
        ),
      { timeout: 10_000, interval: 50 },
    );
    await r.close();
    expect(stripAnsi(text())).not.toContain('✖ blue-2');
  });

  it('can be closed twice (the warnings are written once)', async () => {
    const { out, text } = collect();
    const r = createProgressRenderer({ mode: 'tty', out, color: false });
    for (const e of pausedRun()) r.sink(e);
    await Promise.all([r.close(), r.close()]);
    await r.close();
    expect(stripAnsi(text()).match(/warning: deployment shop\/web/g)).toHaveLength(1);
  });

  it('closes cleanly when no run ever started', async () => {
    expect(await feed('tty', [])).toBe('');
  });
});

describe('phaseProgressText', () => {
  it('gives done/total and elapsed, and an ETA only once a node is done, from the phase’s throughput', () => {
    expect(phaseProgressText({ done: 0, skipped: 0, total: 9, elapsedMs: 5_000 })).toBe('0/9 nodes · 5s');
    expect(phaseProgressText({ done: 2, skipped: 1, total: 9, elapsedMs: 120_000 })).toBe(
      '3/9 nodes · 2m00s · ETA 6m00s',
    );
    expect(phaseProgressText({ done: 9, skipped: 0, total: 9, elapsedMs: 540_000 })).toBe('9/9 nodes · 9m00s');
    expect(phaseProgressText({ done: 0, skipped: 0, total: 0, elapsedMs: 1_500 })).toBe('1.5s');
  });
});
