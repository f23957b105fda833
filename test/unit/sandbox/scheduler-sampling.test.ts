/** kube-scheduler's default number of feasible nodes to find before scoring (percentageOfNodesToScore unset). */
import { describe, expect, it } from 'vitest';
import { feasibleNodesToFind } from '../../../src/sandbox/controllers/scheduler.js';

describe('feasibleNodesToFind', () => {
  it.each([
    [0, 0],
    [50, 50], // under 100 nodes: all of them
    [99, 99],
    [100, 100],
    [200, 100], // 49 % of 200 = 98, at least 100
    [500, 230], // 46 %
    [1000, 420], // 42 %
    [5000, 500], // 10 %
    [10000, 500], // 50 − 80 < 5: 5 %
  ])('%i nodes → %i', (n, want) => expect(feasibleNodesToFind(n)).toBe(want));
});
