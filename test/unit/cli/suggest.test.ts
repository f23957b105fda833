/** "Did you mean": edit distance with transpositions, prefixes, and nothing suggested when nothing is close. */
import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../../src/cli/suggest.js';

describe('suggestions', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions once each', () => {
    expect(editDistance('plan', 'plan')).toBe(0);
    expect(editDistance('pln', 'plan')).toBe(1);
    expect(editDistance('aplpy', 'apply')).toBe(1);
    expect(editDistance('kubconfig', 'kubeconfig')).toBe(1);
    expect(editDistance('status', 'rollback')).toBeGreaterThan(4);
  });

  it('suggests the nearest names, best first, and none when nothing is close', () => {
    const commands = ['plan', 'apply', 'status', 'rollback', 'report', 'rbac', 'fleet apply', 'fleet plan'];
    expect(closest('pln', commands)).toEqual(['plan']);
    expect(closest('fleet aply', commands)[0]).toBe('fleet apply');
    expect(closest('rep', commands)).toEqual(['report']);
    expect(closest('zzzzzz', commands)).toEqual([]);
  });
});
