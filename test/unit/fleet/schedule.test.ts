/** The pure fleet schedule: N/N% resolution, Go durations, maintenance windows across time zones and DST, and the stage scheduler simulated with a fake clock. */
import { describe, expect, it } from 'vitest';
import {
  decideStage,
  currentWindow,
  isInWindow,
  nextWindowOpening,
  parseDuration,
  resolveConcurrency,
  resolveFailureBudget,
  type ClusterState,
  type ScheduledCluster,
  type StagePolicy,
} from '../../../src/fleet/schedule/index.js';
import type { MaintenanceWindow } from '../../../src/fleet/file/fleet-file-types.js';

describe('counts and percentages', () => {
  it.each([
    [1, 10, 1],
    [3, 2, 2],
    [0, 5, 1],
    ['10%', 5, 1],
    ['50%', 5, 3],
    ['100%', 7, 7],
    ['0%', 4, 1],
    ['25%', 0, 1],
  ] as const)('concurrency %s of %i → %i (ceil, at least 1)', (v, total, want) => {
    expect(resolveConcurrency(v, total)).toBe(want);
  });
  it.each([
    [undefined, 10, 0],
    [0, 10, 0],
    [1, 10, 1],
    [5, 3, 3],
    ['10%', 5, 0],
    ['10%', 10, 1],
    ['50%', 5, 2],
    ['100%', 4, 4],
  ] as const)('failure budget %s of %i → %i (floor)', (v, total, want) => {
    expect(resolveFailureBudget(v, total)).toBe(want);
  });
  it('refuses what is not a count', () => {
    expect(() => resolveConcurrency('150%', 3)).toThrow(/percentage/);
    expect(() => resolveFailureBudget(-1, 3)).toThrow(/count/);
    expect(() => resolveConcurrency('x' as never, 3)).toThrow();
  });
});

describe('Go durations', () => {
  it.each([
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['0', 0],
  ])('%s = %i ms', (s, ms) => expect(parseDuration(s)).toBe(ms));
  it.each(['', '10', '5d', '1h 30m', 'm'])('refuses %j', (s) => expect(() => parseDuration(s)).toThrow(/duration/));
});

describe('maintenance windows', () => {
  const tokyo: MaintenanceWindow = { days: ['Tue'], start: '02:00', duration: '4h', timeZone: 'Asia/Tokyo' };
  it('is inside a window at its local time in the zone', () => {
    // Tue 2026-12-08 02:00 JST = Mon 2026-12-07 17:00 UTC
    expect(isInWindow(tokyo, new Date('2026-12-07T16:59:00Z'))).toBe(false);
    expect(isInWindow(tokyo, new Date('2026-12-07T17:00:00Z'))).toBe(true);
    expect(isInWindow(tokyo, new Date('2026-12-07T20:59:59Z'))).toBe(true);
    expect(isInWindow(tokyo, new Date('2026-12-07T21:00:00Z'))).toBe(false);
    expect(currentWindow(tokyo, new Date('2026-12-07T18:00:00Z'))).toEqual({
      opens: new Date('2026-12-07T17:00:00Z'),
      closes: new Date('2026-12-07T21:00:00Z'),
    });
  });
  it('says when the next window opens', () => {
    expect(nextWindowOpening(tokyo, new Date('2026-12-07T10:00:00Z'))).toEqual(new Date('2026-12-07T17:00:00Z'));
    expect(nextWindowOpening(tokyo, new Date('2026-12-07T18:00:00Z'))).toEqual(new Date('2026-12-14T17:00:00Z'));
  });
  it('keeps the local opening time across DST changes (Europe/Berlin, America/New_York)', () => {
    const berlin: MaintenanceWindow = { days: ['Sun'], start: '03:30', duration: '1h', timeZone: 'Europe/Berlin' };
    // CET (UTC+1) before 2026-03-29, CEST (UTC+2) from that day's 02:00
    expect(nextWindowOpening(berlin, new Date('2026-03-21T00:00:00Z'))).toEqual(new Date('2026-03-22T02:30:00Z'));
    expect(nextWindowOpening(berlin, new Date('2026-03-28T00:00:00Z'))).toEqual(new Date('2026-03-29T01:30:00Z'));
    const ny: MaintenanceWindow = { days: ['Sun'], start: '01:30', duration: '30m', timeZone: 'America/New_York' };
    // 2026-11-01 01:30 EDT (UTC-4) is the first of the repeated hour
    expect(nextWindowOpening(ny, new Date('2026-10-31T00:00:00Z'))).toEqual(new Date('2026-11-01T05:30:00Z'));
    expect(nextWindowOpening(ny, new Date('2026-11-02T00:00:00Z'))).toEqual(new Date('2026-11-08T06:30:00Z'));
  });
  it('a window across midnight is open after midnight (the opening was the day before)', () => {
    const w: MaintenanceWindow = { days: ['Mon'], start: '22:00', duration: '4h', timeZone: 'UTC' };
    expect(isInWindow(w, new Date('2026-12-08T01:00:00Z'))).toBe(true); // Tue 01:00
    expect(isInWindow(w, new Date('2026-12-08T02:00:00Z'))).toBe(false);
  });
});

/** Simulates a stage on a fake clock: each started cluster finishes after `takes` ticks with its scripted result. */
function simulate(
  names: string[],
  policy: StagePolicy,
  result: (name: string) => 'Done' | 'Failed',
  opts: { windows?: Record<string, MaintenanceWindow>; start?: Date; tickMs?: number; takes?: number } = {},
) {
  const state = new Map<string, ClusterState>(names.map((n) => [n, 'NotStarted']));
  const finishAt = new Map<string, number>();
  let now = (opts.start ?? new Date('2026-12-07T00:00:00Z')).getTime();
  const tick = opts.tickMs ?? 60_000;
  let maxInFlight = 0;
  const started: { name: string; at: number }[] = [];
  for (let i = 0; i < 10_000; i++) {
    for (const [n, t] of finishAt)
      if (t <= now) {
        state.set(n, result(n));
        finishAt.delete(n);
      }
    const clusters: ScheduledCluster[] = names.map((n) => ({
      name: n,
      state: state.get(n)!,
      ...(opts.windows?.[n] ? { maintenanceWindow: opts.windows[n] } : {}),
    }));
    const d = decideStage(clusters, policy, new Date(now));
    for (const n of d.start) {
      state.set(n, 'Running');
      finishAt.set(n, now + tick * (opts.takes ?? 3));
      started.push({ name: n, at: now });
    }
    maxInFlight = Math.max(maxInFlight, [...state.values()].filter((s) => s === 'Running').length);
    if (!['run', 'draining', 'wait-window'].includes(d.verdict))
      return { verdict: d.verdict, state, maxInFlight, started };
    now += tick;
  }
  throw new Error('did not settle');
}

describe('the stage scheduler', () => {
  const ten = Array.from({ length: 10 }, (_, i) => `c${i}`);
  it.each([1, 2, 3, 10])('never runs more than maxConcurrency=%i clusters at once, and runs them all', (cap) => {
    const r = simulate(ten, { maxConcurrency: cap, failureBudget: 0, onFailure: 'stop' }, () => 'Done');
    expect(r.verdict).toBe('done');
    expect(r.maxInFlight).toBe(cap);
    expect([...r.state.values()].every((s) => s === 'Done')).toBe(true);
  });
  it('budget 0: the first failure starts nothing more, the running ones finish, then onFailure', () => {
    const r = simulate(ten, { maxConcurrency: 2, failureBudget: 0, onFailure: 'stop' }, (n) =>
      n === 'c0' ? 'Failed' : 'Done',
    );
    expect(r.verdict).toBe('stop');
    expect(r.state.get('c1')).toBe('Done'); // ran alongside, finished
    expect(r.started.map((s) => s.name)).toEqual(['c0', 'c1']);
    expect([...r.state.values()].filter((s) => s === 'NotStarted')).toHaveLength(8);
  });
  it('budget 1 tolerates one failure and the stage is done', () => {
    const r = simulate(ten, { maxConcurrency: 3, failureBudget: 1, onFailure: 'stop' }, (n) =>
      n === 'c4' ? 'Failed' : 'Done',
    );
    expect(r.verdict).toBe('done');
    expect([...r.state.values()].filter((s) => s === 'Failed')).toHaveLength(1);
  });
  it.each(['pause', 'continue'] as const)(
    'a budget of 20%% (2 of 10) spent by a third failure gives onFailure %s',
    (onFailure) => {
      const bad = new Set(['c0', 'c1', 'c2']);
      const r = simulate(ten, { maxConcurrency: 1, failureBudget: resolveFailureBudget('20%', 10), onFailure }, (n) =>
        bad.has(n) ? 'Failed' : 'Done',
      );
      expect(r.verdict).toBe(onFailure);
      expect(r.started.map((s) => s.name)).toEqual(['c0', 'c1', 'c2']);
    },
  );
  it('a cluster outside its window waits and starts when it opens; the others do not wait for it', () => {
    const w: MaintenanceWindow = { days: ['Mon'], start: '06:00', duration: '1h', timeZone: 'UTC' };
    const r = simulate(['a', 'b'], { maxConcurrency: 2, failureBudget: 0, onFailure: 'stop' }, () => 'Done', {
      windows: { b: w },
      start: new Date('2026-12-07T00:00:00Z'), // a Monday
    });
    expect(r.verdict).toBe('done');
    expect(r.started).toEqual([
      { name: 'a', at: Date.parse('2026-12-07T00:00:00Z') },
      { name: 'b', at: Date.parse('2026-12-07T06:00:00Z') },
    ]);
  });
  it('only window-bound clusters left: wait-window with the earliest opening', () => {
    const w: MaintenanceWindow = { days: ['Wed'], start: '06:00', duration: '1h', timeZone: 'UTC' };
    const d = decideStage(
      [{ name: 'a', state: 'NotStarted', maintenanceWindow: w }],
      { maxConcurrency: 1, failureBudget: 0, onFailure: 'stop' },
      new Date('2026-12-07T00:00:00Z'),
    );
    expect(d).toMatchObject({ verdict: 'wait-window', start: [], opensAt: new Date('2026-12-09T06:00:00Z') });
  });
  it('a paused cluster leaves the stage paused; settled clusters are not restarted', () => {
    const p = { maxConcurrency: 2, failureBudget: 0, onFailure: 'stop' } as const;
    expect(
      decideStage(
        [
          { name: 'a', state: 'Paused' },
          { name: 'b', state: 'Done' },
        ],
        p,
        new Date(),
      ).verdict,
    ).toBe('paused');
    expect(
      decideStage(
        [
          { name: 'a', state: 'Skipped' },
          { name: 'b', state: 'Done' },
        ],
        p,
        new Date(),
      ),
    ).toMatchObject({ verdict: 'done', start: [] });
  });
});
