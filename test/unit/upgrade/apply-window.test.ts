/** runRolling and runBatches: how many nodes are in flight, when the next starts, how a window opens, and stopping. */
import { describe, expect, it } from 'vitest';
import { openingPace, runBatches, runRolling } from '../../../src/upgrade/run/window.js';

/** Work items that finish only when the test says so, recording starts and the concurrency. */
function controlled() {
  const pending = new Map<string, () => void>();
  const started: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const work = (item: string) =>
    new Promise<void>((resolve) => {
      started.push(item);
      inFlight++;
      peak = Math.max(peak, inFlight);
      pending.set(item, () => {
        inFlight--;
        pending.delete(item);
        resolve();
      });
    });
  const finish = async (item: string) => {
    const f = pending.get(item);
    if (!f) throw new Error(`${item} is not running (running: ${[...pending.keys()].join(', ')})`);
    f();
    await flush();
  };
  return { work, finish, started, running: () => [...pending.keys()], peak: () => peak };
}
const flush = () => new Promise((r) => setImmediate(r));

/** An opening whose drains end when the test says so. */
function drains() {
  const ends = new Map<string, () => void>();
  return {
    opening: (atOnce: number) => ({ atOnce, drained: (item: string) => new Promise<void>((r) => ends.set(item, r)) }),
    end: async (item: string) => {
      ends.get(item)!();
      await flush();
    },
  };
}

describe('openingPace', () => {
  it('starts the lanes the makespan needs at once, and at least an eighth of the window', () => {
    expect(openingPace(497, 49)).toBe(7); // 11 rounds; only 7 lanes run 11 nodes
    expect(openingPace(1000, 49)).toBe(20); // 21 rounds; 20 lanes run 21 nodes
    expect(openingPace(451, 50)).toBe(7); // remainder 1, an eighth of the window is 7
    expect(openingPace(95, 10)).toBe(5);
  });

  it('opens at once when every lane is needed, the window is one node, or it holds every item', () => {
    expect(openingPace(490, 49)).toBe(49);
    expect(openingPace(100, 1)).toBe(1);
    expect(openingPace(10, 49)).toBe(10);
    expect(openingPace(0, 5)).toBe(1);
  });
});

describe('runRolling', () => {
  it('opens the window at the pace of the first drains, then replaces finishing nodes at once', async () => {
    const c = controlled();
    const d = drains();
    const done = runRolling(['a', 'b', 'c', 'd', 'e', 'f'], 4, c.work, () => false, undefined, d.opening(2));
    await flush();
    expect(c.running()).toEqual(['a', 'b']);
    await d.end('b'); // one of the first drains is over: the third lane opens
    expect(c.running()).toEqual(['a', 'b', 'c']);
    await c.finish('a'); // a node that ends (its drain too) frees its lane and a permit
    expect(c.running()).toEqual(['b', 'c', 'd', 'e']);
    await c.finish('b'); // the window is open: the next starts at once, no drain to wait for
    expect(c.running()).toEqual(['c', 'd', 'e', 'f']);
    for (const x of ['c', 'd', 'e', 'f']) await c.finish(x);
    await done;
    expect(c.peak()).toBe(4);
  });

  it('does not leave a paced lane waiting when the run stops', async () => {
    const c = controlled();
    const d = drains();
    let stop = false;
    const done = runRolling(['a', 'b', 'c', 'd'], 3, c.work, () => stop, undefined, d.opening(1));
    await flush();
    expect(c.running()).toEqual(['a']);
    stop = true;
    await c.finish('a');
    await done;
    expect(c.started).toEqual(['a']);
  });

  it('keeps at most N in flight and starts the next as soon as one finishes, in order', async () => {
    const c = controlled();
    const done = runRolling(['a', 'b', 'c', 'd', 'e'], 2, c.work, () => false);
    await flush();
    expect(c.running()).toEqual(['a', 'b']);
    await c.finish('b'); // the second finishes first: the next starts without waiting for the first
    expect(c.running()).toEqual(['a', 'c']);
    await c.finish('c');
    expect(c.running()).toEqual(['a', 'd']);
    await c.finish('a');
    expect(c.running()).toEqual(['d', 'e']);
    await c.finish('d');
    await c.finish('e');
    await done;
    expect(c.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(c.peak()).toBe(2);
  });

  it('runs one at a time with a window of 1 (or less), and everything at once when the window is larger than the list', async () => {
    const one = controlled();
    const p1 = runRolling(['a', 'b'], 0, one.work, () => false);
    await flush();
    expect(one.running()).toEqual(['a']);
    await one.finish('a');
    await one.finish('b');
    await p1;
    expect(one.peak()).toBe(1);
    const all = controlled();
    const p2 = runRolling(['a', 'b'], 5, all.work, () => false);
    await flush();
    expect(all.running()).toEqual(['a', 'b']);
    await all.finish('a');
    await all.finish('b');
    await p2;
    await runRolling([], 3, all.work, () => false);
  });

  it('starts nothing new once shouldStop says so and lets the ones in flight finish', async () => {
    const c = controlled();
    let stop = false;
    let finished = false;
    const done = runRolling(['a', 'b', 'c', 'd'], 2, c.work, () => stop).then(() => (finished = true));
    await flush();
    stop = true;
    await c.finish('a');
    expect(c.running()).toEqual(['b']);
    expect(finished).toBe(false);
    await c.finish('b');
    await done;
    expect(c.started).toEqual(['a', 'b']);
  });
});

describe('runBatches', () => {
  it('runs each batch completely before the next starts', async () => {
    const c = controlled();
    const done = runBatches([['a', 'b'], ['c'], ['d', 'e']], c.work, () => false);
    await flush();
    expect(c.running()).toEqual(['a', 'b']);
    await c.finish('a');
    expect(c.running()).toEqual(['b']); // c waits for the whole batch
    await c.finish('b');
    expect(c.running()).toEqual(['c']);
    await c.finish('c');
    expect(c.running()).toEqual(['d', 'e']);
    await c.finish('e');
    await c.finish('d');
    await done;
    expect(c.started).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('starts no further batch once shouldStop says so', async () => {
    const c = controlled();
    let stop = false;
    const done = runBatches([['a', 'b'], ['c']], c.work, () => stop);
    await flush();
    stop = true;
    await c.finish('a');
    await c.finish('b');
    await done;
    expect(c.started).toEqual(['a', 'b']);
  });
});
