/**
 * Worker grouping and batching: first-match groups, the implicit leftover group, strict mode, maxUnavailable
 * (count and percent, per group), the canary batch, zone spreading, and determinism under shuffled input.
 */
import { describe, expect, it } from 'vitest';
import {
  MaxUnavailableError,
  PlanInputError,
  UnmatchedNodesError,
  parseMaxUnavailable,
  planWorkerBatches,
  resolveMaxUnavailable,
  type BatchNode,
} from '../../../src/plan/index.js';

const worker = (name: string, labels: Record<string, string> = {}, zone?: string): BatchNode => ({
  name,
  labels,
  controlPlane: false,
  ...(zone === undefined ? {} : { zone }),
});
const controlPlane = (name: string): BatchNode => ({
  name,
  labels: { 'node-role.kubernetes.io/control-plane': '' },
  controlPlane: true,
});
const pool = (prefix: string, count: number, labels: Record<string, string>): BatchNode[] =>
  Array.from({ length: count }, (_, i) => worker(`${prefix}-${i + 1}`, labels));

describe('parseMaxUnavailable / resolveMaxUnavailable', () => {
  it.each([
    { name: 'a count', input: 2, size: 10, want: 2 },
    { name: 'a count as text', input: ' 3 ', size: 10, want: 3 },
    { name: 'a percentage rounds down', input: '25%', size: 10, want: 2 },
    { name: 'a small percentage is at least one node', input: '10%', size: 5, want: 1 },
    { name: 'the whole group', input: '100%', size: 7, want: 7 },
  ])('$name', ({ input, size, want }) => {
    expect(resolveMaxUnavailable(parseMaxUnavailable(input), size)).toBe(want);
  });

  it.each([
    { name: 'zero nodes', input: '0' },
    { name: 'a negative count', input: -1 },
    { name: 'zero percent', input: '0%' },
    { name: 'more than 100%', input: '150%' },
    { name: 'a fraction', input: '1.5' },
    { name: 'words', input: 'half' },
  ])('rejects $name', ({ input }) => {
    expect(() => parseMaxUnavailable(input)).toThrow(MaxUnavailableError);
    expect(() => parseMaxUnavailable(input)).toThrow(expect.objectContaining({ code: 'INVALID_MAX_UNAVAILABLE' }));
  });
});

describe('planWorkerBatches', () => {
  const cluster = [
    controlPlane('cp-1'),
    ...pool('blue', 4, { pool: 'blue' }),
    ...pool('green', 2, { pool: 'green' }),
    worker('gpu-1', { pool: 'blue', gpu: 'true' }),
    worker('odd-1', { pool: 'legacy' }),
  ];

  it.each([
    {
      name: 'each worker goes to the first matching group; the rest form a last implicit group',
      groups: ['gpu', 'pool=blue', 'pool=green'],
      want: [
        { selector: 'gpu', implicit: false, nodes: ['gpu-1'] },
        { selector: 'pool=blue', implicit: false, nodes: ['blue-1', 'blue-2', 'blue-3', 'blue-4'] },
        { selector: 'pool=green', implicit: false, nodes: ['green-1', 'green-2'] },
        { selector: '', implicit: true, nodes: ['odd-1'] },
      ],
    },
    {
      name: 'order matters: an earlier broad selector takes the node first',
      groups: ['pool=blue', 'gpu'],
      want: [
        { selector: 'pool=blue', implicit: false, nodes: ['blue-1', 'blue-2', 'blue-3', 'blue-4', 'gpu-1'] },
        { selector: 'gpu', implicit: false, nodes: [] },
        { selector: '', implicit: true, nodes: ['green-1', 'green-2', 'odd-1'] },
      ],
    },
    {
      name: 'no selectors: every worker in one implicit group, control plane excluded',
      groups: [],
      want: [
        {
          selector: '',
          implicit: true,
          nodes: ['blue-1', 'blue-2', 'blue-3', 'blue-4', 'gpu-1', 'green-1', 'green-2', 'odd-1'],
        },
      ],
    },
  ])('$name', ({ groups, want }) => {
    const result = planWorkerBatches(cluster, { groups });
    expect(result.groups.map(({ selector, implicit, nodes }) => ({ selector, implicit, nodes }))).toEqual(want);
    expect(result.controlPlaneNodes).toEqual(['cp-1']);
  });

  it('refuses unmatched workers in strict mode, naming them', () => {
    const run = (): unknown => planWorkerBatches(cluster, { groups: ['pool=green'], strict: true });
    expect(run).toThrow(UnmatchedNodesError);
    expect(run).toThrow(/: blue-1, blue-2, blue-3, blue-4, gpu-1, odd-1\./);
  });

  it('passes selector errors through', () => {
    expect(() => planWorkerBatches(cluster, { groups: ['pool in blue'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_SELECTOR' }),
    );
  });

  it.each([
    { name: 'default of one node at a time', options: {}, want: [['blue-1'], ['blue-2'], ['blue-3'], ['blue-4']] },
    { name: 'a count', options: { maxUnavailable: 3 }, want: [['blue-1', 'blue-2', 'blue-3'], ['blue-4']] },
    {
      name: 'a percentage of the group',
      options: { maxUnavailable: '50%' },
      want: [
        ['blue-1', 'blue-2'],
        ['blue-3', 'blue-4'],
      ],
    },
    {
      name: 'a canary first',
      options: { maxUnavailable: 2, canary: 1 },
      want: [['blue-1'], ['blue-2', 'blue-3'], ['blue-4']],
    },
    {
      name: 'a canary larger than maxUnavailable is still exact',
      options: { maxUnavailable: 1, canary: 3 },
      want: [['blue-1', 'blue-2', 'blue-3'], ['blue-4']],
    },
  ])('batches by $name', ({ options, want }) => {
    const [group] = planWorkerBatches(pool('blue', 4, { pool: 'blue' }), { groups: ['pool=blue'], ...options }).groups;
    expect(group?.batches).toEqual(want);
  });

  it('overrides maxUnavailable per group and puts the canary in the first non-empty group only', () => {
    const nodes = [...pool('blue', 4, { pool: 'blue' }), ...pool('green', 4, { pool: 'green' })];
    const result = planWorkerBatches(nodes, {
      groups: ['pool=none', { selector: 'pool=blue', maxUnavailable: '50%' }, 'pool=green'],
      maxUnavailable: 3,
      canary: 1,
    });
    expect(result.groups.map((g) => ({ max: g.maxUnavailable, batches: g.batches }))).toEqual([
      { max: 3, batches: [] },
      { max: 2, batches: [['blue-1'], ['blue-2', 'blue-3'], ['blue-4']] },
      { max: 3, batches: [['green-1', 'green-2', 'green-3'], ['green-4']] },
    ]);
  });

  it.each([
    { name: 'larger than the first group', canary: 5, message: /larger than the first worker group/ },
    { name: 'zero', canary: 0, message: /whole number/ },
  ])('refuses a canary $name', ({ canary, message }) => {
    const run = (): unknown => planWorkerBatches(pool('blue', 4, { pool: 'blue' }), { groups: ['pool=blue'], canary });
    expect(run).toThrow(PlanInputError);
    expect(run).toThrow(message);
  });

  it.each([
    {
      name: 'round-robin across zones',
      nodes: [
        worker('a1', {}, 'z-a'),
        worker('a2', {}, 'z-a'),
        worker('b1', {}, 'z-b'),
        worker('b2', {}, 'z-b'),
        worker('c1', {}, 'z-c'),
        worker('c2', {}, 'z-c'),
      ],
      maxUnavailable: 3,
      want: [
        ['a1', 'b1', 'c1'],
        ['a2', 'b2', 'c2'],
      ],
    },
    {
      name: 'zone from the topology label',
      nodes: [
        worker('n1', { 'topology.kubernetes.io/zone': 'z-a' }),
        worker('n2', { 'topology.kubernetes.io/zone': 'z-a' }),
        worker('n3', { 'failure-domain.beta.kubernetes.io/zone': 'z-b' }),
        worker('n4', { 'failure-domain.beta.kubernetes.io/zone': 'z-b' }),
      ],
      maxUnavailable: 2,
      want: [
        ['n1', 'n3'],
        ['n2', 'n4'],
      ],
    },
    {
      name: 'a batch never takes a whole zone when a smaller batch avoids it',
      nodes: [
        worker('a1', {}, 'z-a'),
        worker('a2', {}, 'z-a'),
        worker('a3', {}, 'z-a'),
        worker('b1', {}, 'z-b'),
        worker('b2', {}, 'z-b'),
      ],
      maxUnavailable: 4,
      want: [
        ['a1', 'b1', 'a2'],
        ['b2', 'a3'],
      ],
    },
    {
      name: 'a single-node zone is unavoidable',
      nodes: [worker('a1', {}, 'z-a'), worker('b1', {}, 'z-b'), worker('b2', {}, 'z-b'), worker('b3', {}, 'z-b')],
      maxUnavailable: 2,
      want: [
        ['a1', 'b1'],
        ['b2', 'b3'],
      ],
    },
    {
      name: 'a group in one zone is limited by maxUnavailable only',
      nodes: [worker('a1', {}, 'z-a'), worker('a2', {}, 'z-a'), worker('a3', {}, 'z-a')],
      maxUnavailable: '100%',
      want: [['a1', 'a2', 'a3']],
    },
  ])('spreads zones: $name', ({ nodes, maxUnavailable, want }) => {
    const [group] = planWorkerBatches(nodes, { groups: [], maxUnavailable }).groups;
    expect(group?.batches).toEqual(want);
  });

  it('gives the same result whatever the input order', () => {
    const nodes = [
      controlPlane('cp-2'),
      controlPlane('cp-1'),
      ...['a', 'b', 'c'].flatMap((z) =>
        [1, 2, 3, 4].map((i) => worker(`${z}${i}`, { pool: i % 2 ? 'blue' : 'green' }, `zone-${z}`)),
      ),
    ];
    const options = { groups: ['pool=blue'], maxUnavailable: '50%', canary: 1 };
    const expected = planWorkerBatches(nodes, options);
    for (let seed = 1; seed <= 20; seed += 1)
      expect(planWorkerBatches(shuffle(nodes, seed), options)).toEqual(expected);
    expect(expected.controlPlaneNodes).toEqual(['cp-1', 'cp-2']);
  });

  it('refuses a node listed twice', () => {
    expect(() => planWorkerBatches([worker('n1'), worker('n1')], { groups: [] })).toThrow(/listed twice/);
  });
});

/** Deterministic Fisher–Yates shuffle (a small LCG), so a failing seed can be replayed. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
