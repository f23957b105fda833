/**
 * The drain's own parts of its filters: the words for each refused kind, the retry jitter, and which budgets
 * select a pod. The rules themselves (which pods are evicted, deleted, left or refused) are in
 * test/unit/kube/drain-rules.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PodInfo } from '../../../src/cluster/index.js';
import { UNSAFE_REASONS } from '../../../src/drain/index.js';
import { jitter } from '../../../src/drain/sleep.js';
import { pdbsSelecting } from '../../../src/drain/pdb-match.js';

const pod = (name: string, o: Partial<PodInfo> = {}): PodInfo => ({
  namespace: 'ns',
  name,
  uid: `uid-${name}`,
  nodeName: 'n1',
  labels: {},
  controller: { kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', apiVersion: 'apps/v1' },
  mirror: false,
  phase: 'Running',
  ready: true,
  terminating: false,
  requests: { cpuMilli: 0, memoryBytes: 0, pods: 1 },
  emptyDirVolumes: [],
  nodeSelector: {},
  tolerations: [],
  images: [],
  ...o,
});

describe('UNSAFE_REASONS', () => {
  it('names the option that allows each unsafe kind', () => {
    expect(UNSAFE_REASONS['local-storage']).toContain('deleteEmptyDirData');
    expect(UNSAFE_REASONS.unmanaged).toContain('forceUnmanaged');
    expect(UNSAFE_REASONS.unmanaged).toMatch(/deleted, not evicted/);
    expect(UNSAFE_REASONS['daemonset-gone']).toContain('forceUnmanaged');
  });
});

describe('helpers', () => {
  it('jitters ±20 %', () => {
    expect(jitter(1000, () => 0)).toBe(800);
    expect(jitter(1000, () => 0.999999)).toBe(1200);
  });

  it('finds the budgets selecting a pod (null selects nothing, {} everything in the namespace)', () => {
    const b = (name: string, selector: object | undefined, namespace = 'ns') => ({
      namespace,
      name,
      selector,
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
      current: true,
    });
    const p = pod('a', { labels: { app: 'web', tier: 'front' } });
    const pdbs = [
      b('by-app', { matchLabels: { app: 'web' } }),
      b('none', undefined),
      b('everything', {}),
      b('other-ns', {}, 'other'),
      b('expr', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }),
      b('miss', { matchLabels: { app: 'db' } }),
    ];
    expect(pdbsSelecting(p, pdbs)).toEqual(['by-app', 'everything', 'expr']);
  });
});
