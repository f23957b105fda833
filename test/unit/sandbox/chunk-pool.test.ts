/** The sandbox's pool of list chunks: big enough buffers, reused once given back, and a bounded pool. */
import { describe, expect, it } from 'vitest';
import { ChunkPool } from '../../../src/sandbox/http/chunk-pool.js';

describe('ChunkPool', () => {
  it('hands out a buffer of at least the size asked, and the same one again once it is given back', () => {
    const pool = new ChunkPool();
    const a = pool.take(300_000);
    expect(a.length).toBeGreaterThanOrEqual(300_000);
    pool.give(a);
    expect(pool.take(1000)).toBe(a);
    expect(pool.take(1000)).not.toBe(a); // taken: a fresh one
  });

  it('does not hand out a pooled buffer that is too small', () => {
    const pool = new ChunkPool();
    const small = pool.take(10);
    pool.give(small);
    const big = pool.take(small.length + 1);
    expect(big).not.toBe(small);
    expect(big.length).toBeGreaterThan(small.length);
    expect(pool.take(10)).toBe(small);
  });

  it('keeps at most 32 buffers', () => {
    const pool = new ChunkPool();
    const bufs = Array.from({ length: 40 }, () => pool.take(10));
    for (const b of bufs) pool.give(b);
    const again = new Set(Array.from({ length: 40 }, () => pool.take(10)));
    expect(bufs.filter((b) => again.has(b))).toHaveLength(32);
  });
});
