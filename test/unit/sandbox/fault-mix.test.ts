/**
 * The sandbox's fault registry for the combined API faults: a rate of errors spread over several codes,
 * a rate of requests stalled for a while (until cleared), and watches dropped again and again until cleared.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FaultRegistry, validateFault } from '../../../src/sandbox/faults.js';

/** A deterministic random source cycling through `values`. */
const cycle = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('combined API faults', () => {
  it('answers a fraction of requests with one of several codes', () => {
    // rate check, code pick, rate check (miss), rate check, code pick
    const f = new FaultRegistry(cycle(0.01, 0.1, 0.9, 0.02, 0.8));
    f.add({ type: 'api-errors', rate: 0.05, codes: [500, 503] });
    expect([f.apiError('/api/v1/pods'), f.apiError('/api/v1/pods'), f.apiError('/api/v1/pods')]).toEqual([
      500,
      undefined,
      503,
    ]);
    expect(f.list()[0]!.hits).toBe(2);
  });

  it('stalls a fraction of requests for stallMs and keeps doing so until cleared', async () => {
    vi.useFakeTimers();
    const f = new FaultRegistry(cycle(0.01, 0.5));
    f.add({ type: 'stall-requests', rate: 0.1, stallMs: 2_000 });
    const stalls = [0, 1, 2, 3].map(() => f.stall('/api/v1/nodes'));
    expect(stalls.map((s) => s !== undefined)).toEqual([true, false, true, false]);
    let done = false;
    void stalls[0]!.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(f.list()).toHaveLength(1);
    f.clear();
    expect(f.stall('/api/v1/nodes')).toBeUndefined();
  });

  it('drops every watch now and again every everyMs until cleared', async () => {
    vi.useFakeTimers();
    const f = new FaultRegistry(Math.random);
    let drops = 0;
    f.onDropWatches = () => drops++;
    const fault = f.add({ type: 'drop-watches', everyMs: 1_000 });
    expect(drops).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(drops).toBe(4);
    f.clear(fault.id);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(drops).toBe(4);
  });

  it('refuses options that do not fit', () => {
    expect(() => validateFault({ type: 'api-errors', rate: 0.1, codes: [500, 404] })).toThrow(/code must be/);
    expect(() => validateFault({ type: 'stall-requests', rate: 0.1 })).toThrow(/stallMs/);
    expect(() => validateFault({ type: 'api-errors', rate: 0.1, everyMs: 100 })).toThrow(/everyMs/);
  });
});
