/**
 * What a drain does with each pod (kube/drain-rules.ts), table-driven: which pods are evicted, deleted, left or
 * refused, in kubectl's filter order, including a DaemonSet that is gone, mirror, emptyDir, unmanaged, terminal
 * and terminating pods — and that plan's drain model and apply's filters give the same answer for the same pods.
 */
import { describe, expect, it } from 'vitest';
import type { PodInfo, WorkloadInfo } from '../../../src/cluster/index.js';
import { drainModel } from '../../../src/checks/drain-model.js';
import { checkCapacity } from '../../../src/checks/capacity.js';
import { checkEmptyDir, checkUnmanaged } from '../../../src/checks/pods.js';
import {
  classifyPod,
  daemonSetsToCheck,
  drainEvicts,
  drainTakesReplica,
  evictedByDrain,
  isActive,
  selectPods,
  type DrainRuleOptions,
} from '../../../src/kube/index.js';
import { context, inventory, node, pod as checksPod } from '../checks/fixtures.js';

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
const none: DrainRuleOptions = { deleteEmptyDirData: false, forceUnmanaged: false };
const all: DrainRuleOptions = { deleteEmptyDirData: true, forceUnmanaged: true };
const exists = () => true;
const gone = () => false;

describe('classifyPod', () => {
  it.each([
    ['a replicated pod is evicted', pod('a'), none, exists, { action: 'evict' }],
    [
      'a DaemonSet pod is ignored',
      pod('d', { controller: ds }),
      none,
      exists,
      { action: 'ignore', reason: 'daemonset' },
    ],
    [
      'a DaemonSet pod with emptyDir is still ignored (DaemonSet filter first)',
      pod('d', { controller: ds, emptyDirVolumes: ['x'] }),
      none,
      exists,
      { action: 'ignore', reason: 'daemonset' },
    ],
    [
      'a DaemonSet pod of a gone DaemonSet is unsafe',
      pod('d', { controller: ds }),
      none,
      gone,
      { action: 'unsafe', kind: 'daemonset-gone' },
    ],
    [
      '… and deleted with forceUnmanaged',
      pod('d', { controller: ds }),
      all,
      gone,
      { action: 'delete', why: 'daemonset-gone' },
    ],
    [
      '… but with emptyDir still needs deleteEmptyDirData',
      pod('d', { controller: ds, emptyDirVolumes: ['x'] }),
      { ...none, forceUnmanaged: true },
      gone,
      { action: 'unsafe', kind: 'local-storage' },
    ],
    [
      'a DaemonSet of another group is not a DaemonSet pod',
      pod('x', { controller: { ...ds, apiVersion: 'example.com/v1' } }),
      none,
      exists,
      { action: 'evict' },
    ],
    [
      'a terminal DaemonSet pod is evicted (deleted by the API)',
      pod('d', { controller: ds, phase: 'Succeeded' }),
      none,
      gone,
      { action: 'evict' },
    ],
    [
      'a mirror pod is ignored',
      pod('m', { controller: undefined, mirror: true }),
      none,
      exists,
      { action: 'ignore', reason: 'mirror' },
    ],
    [
      'a terminal mirror pod is still ignored',
      pod('m', { controller: undefined, mirror: true, phase: 'Failed' }),
      none,
      exists,
      { action: 'ignore', reason: 'mirror' },
    ],
    [
      'emptyDir needs deleteEmptyDirData',
      pod('e', { emptyDirVolumes: ['scratch'] }),
      none,
      exists,
      { action: 'unsafe', kind: 'local-storage' },
    ],
    [
      'emptyDir with the option is evicted',
      pod('e', { emptyDirVolumes: ['scratch'] }),
      { ...none, deleteEmptyDirData: true },
      exists,
      { action: 'evict' },
    ],
    [
      'an unmanaged pod needs forceUnmanaged',
      pod('u', { controller: undefined }),
      none,
      exists,
      { action: 'unsafe', kind: 'unmanaged' },
    ],
    [
      'an unmanaged pod with the option is deleted, not evicted',
      pod('u', { controller: undefined }),
      all,
      exists,
      { action: 'delete', why: 'unmanaged' },
    ],
    [
      'unmanaged + emptyDir stops at local storage first',
      pod('u', { controller: undefined, emptyDirVolumes: ['x'] }),
      none,
      exists,
      { action: 'unsafe', kind: 'local-storage' },
    ],
    [
      'unmanaged + emptyDir with only deleteEmptyDirData is still unsafe',
      pod('u', { controller: undefined, emptyDirVolumes: ['x'] }),
      { ...none, deleteEmptyDirData: true },
      exists,
      { action: 'unsafe', kind: 'unmanaged' },
    ],
    [
      'a terminal unmanaged pod passes the filters',
      pod('t', { controller: undefined, phase: 'Failed', emptyDirVolumes: ['x'] }),
      none,
      exists,
      { action: 'evict' },
    ],
    [
      'a terminating unmanaged pod with emptyDir passes the filters',
      pod('t', { controller: undefined, terminating: true, emptyDirVolumes: ['x'] }),
      none,
      exists,
      { action: 'evict' },
    ],
    [
      'a terminating pod of a gone DaemonSet passes the filters',
      pod('t', { controller: ds, terminating: true }),
      none,
      gone,
      { action: 'evict' },
    ],
    [
      'a terminating pod of a live DaemonSet stays',
      pod('t', { controller: ds, terminating: true }),
      none,
      exists,
      { action: 'ignore', reason: 'daemonset' },
    ],
    [
      'a terminating mirror pod stays',
      pod('t', { controller: undefined, mirror: true, terminating: true }),
      none,
      exists,
      { action: 'ignore', reason: 'mirror' },
    ],
  ] as const)('%s', (_what, p, opts, lookup, want) => {
    expect(classifyPod(p, opts, lookup)).toEqual(want);
  });
});

describe('selectPods', () => {
  it('groups and sorts every pod of the node', () => {
    const pods = [
      pod('z'),
      pod('u', { controller: undefined }),
      pod('d', { controller: ds }),
      pod('m', { controller: undefined, mirror: true }),
      pod('e', { emptyDirVolumes: ['x'] }),
      pod('a'),
    ];
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

  it('asks about each running DaemonSet pod’s DaemonSet once', () => {
    const pods = [
      pod('d1', { controller: ds }),
      pod('d2', { controller: ds }),
      pod('d3', { controller: ds, phase: 'Succeeded' }),
      pod('a'),
    ];
    expect(daemonSetsToCheck(pods)).toEqual([{ namespace: 'ns', name: 'proxy' }]);
  });
});

describe('what a drain takes away', () => {
  it.each([
    { name: 'a replicated pod', p: pod('a'), lookup: exists, active: true, takes: true, evicted: true },
    {
      name: 'a pod with emptyDir (evicted once allowed)',
      p: pod('e', { emptyDirVolumes: ['x'] }),
      lookup: exists,
      active: true,
      takes: true,
      evicted: true,
    },
    {
      name: 'an unmanaged pod (deleted, not evicted)',
      p: pod('u', { controller: undefined }),
      lookup: exists,
      active: true,
      takes: true,
      evicted: false,
    },
    {
      name: 'a pod whose DaemonSet is gone',
      p: pod('d', { controller: ds }),
      lookup: gone,
      active: true,
      takes: true,
      evicted: false,
    },
    {
      name: '… with emptyDir too',
      p: pod('d', { controller: ds, emptyDirVolumes: ['x'] }),
      lookup: gone,
      active: true,
      takes: true,
      evicted: false,
    },
    {
      name: 'a pod of a live DaemonSet',
      p: pod('d', { controller: ds }),
      lookup: exists,
      active: true,
      takes: false,
      evicted: false,
    },
    {
      name: 'a mirror pod',
      p: pod('m', { controller: undefined, mirror: true }),
      lookup: exists,
      active: true,
      takes: false,
      evicted: false,
    },
    {
      name: 'a terminal pod',
      p: pod('t', { phase: 'Succeeded' }),
      lookup: exists,
      active: false,
      takes: false,
      evicted: false,
    },
    {
      name: 'a terminating pod',
      p: pod('t', { terminating: true }),
      lookup: exists,
      active: false,
      takes: false,
      evicted: false,
    },
  ])('$name', ({ p, lookup, active, takes, evicted }) => {
    expect(isActive(p)).toBe(active);
    for (const opts of [none, all, { ...none, forceUnmanaged: true }, { ...none, deleteEmptyDirData: true }]) {
      const d = classifyPod(p, opts, lookup);
      expect(drainTakesReplica(p, d)).toBe(takes);
      expect(evictedByDrain(p, d)).toBe(evicted);
    }
    expect(drainEvicts(p, lookup)).toBe(evicted);
  });
});

describe('plan and apply agree', () => {
  // One worker with one pod of each kind; the plan's inventory knows the DaemonSet "proxy" but not "old-agent".
  const owner = (kind: string, name: string) => ({ owner: { kind, name } });
  const pods = [
    checksPod('shop', 'web-1', 'w1', owner('ReplicaSet', 'web-abc')),
    checksPod('shop', 'cache-1', 'w1', { ...owner('ReplicaSet', 'cache-abc'), emptyDirVolumes: ['tmp'] }),
    checksPod('default', 'toolbox', 'w1'),
    checksPod('kube-system', 'proxy-w1', 'w1', owner('DaemonSet', 'proxy')),
    checksPod('kube-system', 'old-agent-w1', 'w1', owner('DaemonSet', 'old-agent')),
    checksPod('kube-system', 'static-w1', 'w1', { mirror: true, ...owner('Node', 'w1') }),
    checksPod('shop', 'job-1', 'w1', { ...owner('Job', 'nightly'), phase: 'Succeeded' }),
    checksPod('shop', 'web-old', 'w1', { ...owner('ReplicaSet', 'web-abc'), terminating: true }),
  ];
  const proxy: WorkloadInfo = {
    kind: 'DaemonSet',
    namespace: 'kube-system',
    name: 'proxy',
    uid: 'ds-proxy',
    replicas: 2,
    readyReplicas: 2,
    availableReplicas: 2,
    images: [],
  };
  const inv = inventory({
    nodes: [node('cp-1', { controlPlane: true }), node('w1'), node('w2', { cpu: 64, memGi: 256 })],
    pods,
    workloads: [proxy],
  });
  /** What apply's drain of w1 asks the cluster: the same DaemonSets exist. */
  const clusterHas = (namespace: string, name: string) =>
    inv.workloads.some((w) => w.kind === 'DaemonSet' && w.namespace === namespace && w.name === name);
  const names = (ps: readonly { namespace: string; name: string }[]) =>
    ps.map((p) => `${p.namespace}/${p.name}`).sort();

  it.each([
    { name: 'without options', options: none },
    { name: 'with --force', options: { ...none, forceUnmanaged: true } },
    { name: 'with --delete-emptydir-data', options: { ...none, deleteEmptyDirData: true } },
    { name: 'with both', options: all },
  ])('on the same pods, $name', ({ options }) => {
    const ctx = context(inv, options);
    const model = drainModel(ctx);
    const batch = model.batches.findIndex((b) => b.nodes.includes('w1'));
    expect(batch).toBeGreaterThanOrEqual(0);
    const planned = model.evicted[batch]!;
    const applied = selectPods(
      pods.filter((p) => p.nodeName === 'w1'),
      options,
      clusterHas,
    );

    // The same disposition for every pod the plan looks at.
    for (const p of planned) expect(model.disposition(p)).toEqual(classifyPod(p, options, clusterHas));
    // What the plan counts as taken away is what apply removes or refuses, less the pods already leaving.
    const removedOrRefused = [...applied.evict, ...applied.delete, ...applied.unsafe.map((u) => u.pod)];
    expect(names(planned)).toEqual(names(removedOrRefused.filter(isActive)));
    expect(names(planned)).toEqual(['default/toolbox', 'kube-system/old-agent-w1', 'shop/cache-1', 'shop/web-1']);
    // Both leave the live DaemonSet's pod and the mirror pod alone.
    expect(names([...applied.ignored.daemonset, ...applied.ignored.mirror])).toEqual([
      'kube-system/proxy-w1',
      'kube-system/static-w1',
    ]);

    // The plan blocks exactly when apply's drain would refuse pods, and names the same ones.
    const blockers = [...checkUnmanaged(ctx), ...checkEmptyDir(ctx)].filter((f) => f.severity === 'blocker');
    const blocked = blockers.flatMap((f) =>
      f.objects.filter((o) => o.kind === 'Pod').map((o) => `${o.namespace}/${o.name}`),
    );
    expect(blockers.length > 0).toBe(applied.unsafe.length > 0);
    for (const u of applied.unsafe) expect(blocked).toContain(`${u.pod.namespace}/${u.pod.name}`);
  });

  it('reports the gone DaemonSet’s pod as one nothing recreates: a blocker, a warning with --force', () => {
    const orphan = checksPod('kube-system', 'old-agent-w1', 'w1', owner('DaemonSet', 'old-agent'));
    const only = inventory({ ...inv, pods: [orphan] });
    const [blocker] = checkUnmanaged(context(only));
    expect(blocker).toMatchObject({ id: 'pod-unmanaged', severity: 'blocker', objects: [{ name: 'old-agent-w1' }] });
    expect(blocker?.message).toContain('or a DaemonSet that no longer exists');
    expect(checkUnmanaged(context(only, { forceUnmanaged: true }))[0]?.severity).toBe('warning');
    // Its DaemonSet back in the inventory: the pod stays on the node, as apply's drain leaves it.
    const ds: WorkloadInfo = { ...proxy, name: 'old-agent', uid: 'ds-old' };
    expect(checkUnmanaged(context(inventory({ ...only, workloads: [proxy, ds] })))).toEqual([]);
  });

  it('asks for room only for the pods a controller recreates (not the gone DaemonSet’s pod)', () => {
    const tight = inventory({
      ...inv,
      nodes: [node('cp-1', { controlPlane: true }), node('w1'), node('w2', { cpu: 1, pods: 4 })],
    });
    const big = { cpu: 3 };
    const orphan = checksPod('kube-system', 'old-agent-w1', 'w1', {
      owner: { kind: 'DaemonSet', name: 'old-agent' },
      ...big,
    });
    expect(checkCapacity(context({ ...tight, pods: [orphan] }, all))).toEqual([]);
    const web = checksPod('shop', 'web-1', 'w1', { owner: { kind: 'ReplicaSet', name: 'web-abc' }, ...big });
    expect(checkCapacity(context({ ...tight, pods: [web] }, all)).map((f) => f.id)).toEqual(['capacity-insufficient']);
  });
});
