/** A fleet counts a cluster whose run paused on a transient API failure as Paused (resumable), not Failed. */
import { describe, expect, it } from 'vitest';
import { clusterStateFor } from '../../../src/fleet/apply/fleet-apply.js';

describe('clusterStateFor', () => {
  it.each([
    ['done', false, false, 'Done'],
    ['paused', false, true, 'Paused'],
    ['paused', true, false, 'Paused'],
    ['paused', false, false, 'Failed'],
    ['failed', false, true, 'Failed'],
    ['locked', false, false, 'Paused'],
  ] as const)('%s (interrupted %s, transient %s) → %s', (outcome, interrupted, transient, want) => {
    expect(clusterStateFor(outcome, interrupted, transient)).toBe(want);
  });
});
