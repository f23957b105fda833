/** kubectl's drain filters, table-driven: which pods are evicted, deleted, ignored or refused, and in what order the filters apply. */
import { describe, expect, it } from 'vitest';
import type { PodInfo } from '../../../src/cluster/index.js';
import { classifyPod, daemonSetsToCheck, selectPods, UNSAFE_REASONS, type FilterOptions } from '../../../src/drain/index.js';
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
const ds = { kind: 'DaemonSet', name: 'proxy', uid: 'ds-uid', apiVersion: 'apps/v1' };
const none: FilterOptions = { deleteEmptyDirData: false, forceUnmanaged: false };
const all: FilterOptions = { deleteEmptyDirData: true, forceUnmanaged: true };
const exists = () => true;
const gone = () => false;

describe('classifyPod', () => {
  it.each([
    ['a replicated pod is evicted', pod('a'), none, exists, { action: 'evict' }],
    ['a DaemonSet pod is ignored', pod('d', { controller: ds }), none, exists, { action: 'ignore', reason: 'daemonset' }],
    ['a DaemonSet pod with emptyDir is still ignored (DaemonSet filter first)', pod('d', { controller: ds, emptyDirVolumes: ['x'] }), none, exists, { action: 'ignore', reason: 'daemonset' }],
    ['a DaemonSet pod of a gone DaemonSet is unsafe', pod('d', { controller: ds }), none, gone, { action: 'unsafe', kind: 'daemonset-gone' }],
    ['… and deleted with forceUnmanaged', pod('d', { controller: ds }), all, gone, { action: 'delete', why: 'daemonset-gone' }],
    ['a DaemonSet of another group is not a DaemonSet pod', pod('x', { controller: { ...ds, apiVersion: 'example.com/v1' } }), none, exists, { action: 'evict' }],
    ['a terminal DaemonSet pod is evicted (deleted by the API)', pod('d', { controller: ds, phase: 'Succeeded' }), none, gone, { action: 'evict' }],
    ['a mirror pod is ignored', pod('m', { controller: undefined, mirror: true }), none, exists, { action: 'ignore', reason: 'mirror' }],
    ['emptyDir needs deleteEmptyDirData', pod('e', { emptyDirVolumes: ['scratch'] }), none, exists, { action: 'unsafe', kind: 'local-storage' }],
    ['emptyDir with the option is evicted', pod('e', { emptyDirVolumes: ['scratch'] }), { ...none, deleteEmptyDirData: true }, exists, { action: 'evict' }],
    ['an unmanaged pod needs forceUnmanaged', pod('u', { controller: undefined }), none, exists, { action: 'unsafe', kind: 'unmanaged' }],
    ['an unmanaged pod with the option is deleted, not evicted', pod('u', { controller: undefined }), all, exists, { action: 'delete', why: 'unmanaged' }],
    ['unmanaged + emptyDir stops at local storage first', pod('u', { controller: undefined, emptyDirVolumes: ['x'] }), none, exists, { action: 'unsafe', kind: 'local-storage' }],
    ['unmanaged + emptyDir with only deleteEmptyDirData is still unsafe', pod('u', { controller: undefined, emptyDirVolumes: ['x'] }), { ...none, deleteEmptyDirData: true }, exists, { action: 'unsafe', kind: 'unmanaged' }],
    ['a terminal unmanaged pod passes the filters', pod('t', { controller: undefined, phase: 'Failed', emptyDirVolumes: ['x'] }), none, exists, { action: 'evict' }],
  ] as const)('%s', (_what, p, opts, lookup, want) => {
    expect(classifyPod(p, opts, lookup)).toEqual(want);
  });
});

describe('selectPods', () => {
  it('groups and sorts every pod of the node', () => {
    const pods = [pod('z'), pod('u', { controller: undefined }), pod('d', { controller: ds }), pod('m', { controller: undefined, mirror: true }), pod('e', { emptyDirVolumes: ['x'] }), pod('a')];
    const s = selectPods(pods, none, exists);
    expect(s.evict.map((p) => p.name)).toEqual(['a', 'z']);
    expect(s.delete).toEqual([]);
    expect(s.ignored.daemonset.map((p) => p.name)).toEqual(['d']);
    expect(s.ignored.mirror.map((p) => p.name)).toEqual(['m']);
    expect(s.unsafe.map((u) => [u.pod.name, u.kind])).toEqual([
      ['e', 'local-storage'],
      ['u', 'unmanaged'],
    ]);
  });

  it('names the option that allows each unsafe kind', () => {
    expect(UNSAFE_REASONS['local-storage']).toContain('deleteEmptyDirData');
    expect(UNSAFE_REASONS.unmanaged).toContain('forceUnmanaged');
    expect(UNSAFE_REASONS.unmanaged).toMatch(/deleted, not evicted/);
    expect(UNSAFE_REASONS['daemonset-gone']).toContain('forceUnmanaged');
  });

  it('asks about each running DaemonSet pod’s DaemonSet once', () => {
    const pods = [pod('d1', { controller: ds }), pod('d2', { controller: ds }), pod('d3', { controller: ds, phase: 'Succeeded' }), pod('a')];
    expect(daemonSetsToCheck(pods)).toEqual([{ namespace: 'ns', name: 'proxy' }]);
  });
});

describe('helpers', () => {
  it('jitters ±20 %', () => {
    expect(jitter(1000, () => 0)).toBe(800);
    expect(jitter(1000, () => 0.999999)).toBe(1200);
  });

  it('finds the budgets selecting a pod (null selects nothing, {} everything in the namespace)', () => {
    const b = (name: string, selector: object | undefined, namespace = 'ns') => ({ namespace, name, selector, disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, current: true });
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
