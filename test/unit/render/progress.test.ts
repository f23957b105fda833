/**
 * The progress output of `apply`: plain lines (golden file), JSON lines (parse back to the events), the
 * choice of mode, and the listr2 tree, which must run any event sequence to completion — a full run, a paused
 * one, one that stops midway without `run-finished` — on a non-TTY stream without hanging.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createPlainFormatter, createProgressRenderer, progressMode } from '../../../src/cli/render/index.js';
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

  it('prefix every line with HH:MM:SS and name the phase and node of pod and driver events', () => {
    const format = createPlainFormatter({ color: false });
    const lines = pausedRun()
      .map(format)
      .filter((l): l is string => l !== undefined);
    expect(lines.every((l) => /^\d\d:\d\d:\d\d /.test(l))).toBe(true);
    expect(lines).toContain(
      '19:40:25 [workers/v1.32.0/pool=blue] blue-2 drain: eviction of shop/web-1 refused by PDB shop/web-pdb: needs 2 healthy, has 2 — retrying in 5s',
    );
    expect(lines).toContain('19:40:30 [workers/v1.32.0/pool=blue] blue-2 err| kubelet: restarting');
  });

  it('have no ANSI escapes unless colour is on', async () => {
    expect(await feed('plain', pausedRun())).not.toContain('\u001b[');
    expect(await feed('plain', pausedRun(), true)).toContain('\u001b[');
  });
});

describe('JSON lines', () => {
  it('are exactly the events, one per line', async () => {
    const events = pausedRun();
    const lines = (await feed('json', events)).trimEnd().split('\n');
    expect(lines).toHaveLength(events.length);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(events);
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
