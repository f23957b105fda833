import { describe, expect, it } from 'vitest';
import { fleetShape, fleetTarget } from '../../../src/sandbox/index.js';

describe('sandbox fleet shape', () => {
  it('draws sizes that sum to the total, at least 3 nodes each, and names c001…', () => {
    const s = fleetShape({ clusters: 570, nodes: 8700, seed: 1, version: 'v1.31.4' });
    expect(s).toHaveLength(570);
    expect(s.reduce((n, c) => n + c.nodes, 0)).toBe(8700);
    expect(Math.min(...s.map((c) => c.nodes))).toBeGreaterThanOrEqual(3);
    expect(s[0].name).toBe('c001');
    expect(s[569].name).toBe('c570');
    for (const c of s) {
      expect(c.controlPlanes + c.pools.reduce((n, p) => n + p.count, 0)).toBe(c.nodes);
      expect(c.pools.every((p) => p.count >= 1)).toBe(true);
    }
    // Skewed, not uniform: the biggest cluster is several times the median.
    const sorted = s.map((c) => c.nodes).sort((a, b) => a - b);
    expect(sorted[569]).toBeGreaterThan(3 * sorted[285]);
    expect(new Set(s.map((c) => c.seed)).size).toBe(570);
  });

  it('keeps every version a patch of the given minor, so the next minor is one hop for all', () => {
    const s = fleetShape({ clusters: 200, nodes: 2000, seed: 7, version: 'v1.31.4' });
    const versions = new Set(s.map((c) => c.version));
    expect([...versions].every((v) => /^v1\.31\.[0-4]$/.test(v))).toBe(true);
    expect(versions.size).toBeGreaterThan(1);
    expect(fleetTarget('v1.31.4')).toBe('v1.32.0');
  });

  it('is deterministic per seed, and different seeds give different fleets', () => {
    const a = fleetShape({ clusters: 50, nodes: 600, seed: 3, version: 'v1.30.2' });
    expect(fleetShape({ clusters: 50, nodes: 600, seed: 3, version: 'v1.30.2' })).toEqual(a);
    expect(fleetShape({ clusters: 50, nodes: 600, seed: 4, version: 'v1.30.2' })).not.toEqual(a);
  });

  it('puts 2 canaries, then 10% early, then the rest in rings', () => {
    const rings = fleetShape({ clusters: 50, nodes: 500, seed: 1, version: 'v1.31.4' }).map((c) => c.labels.ring);
    expect(rings.slice(0, 2)).toEqual(['canary', 'canary']);
    expect(rings.filter((r) => r === 'early')).toHaveLength(5);
    expect(rings.filter((r) => r === 'main')).toHaveLength(43);
  });

  it('refuses a total below 3 nodes per cluster', () => {
    expect(() => fleetShape({ clusters: 10, nodes: 29, seed: 1, version: 'v1.31.4' })).toThrow(/at least 3/);
  });
});
