/** The scheduler honours cordons, taints, nodeSelector and capacity, and reports why a pod cannot be placed. */
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxCluster } from '../../../../src/sandbox/cluster.js';
import type { KObject } from '../../../../src/sandbox/store/types.js';
import { barePod } from '../../../../src/sandbox/workloads/objects.js';
import { nodeObject } from '../../../../src/sandbox/workloads/nodes.js';
import { cordon, ready, startCluster, type TestCluster, waitFor } from './helpers.js';

let t: TestCluster | undefined;
afterEach(() => {
  expect(t?.errors ?? []).toEqual([]);
  t?.stop();
});

function createPod(c: SandboxCluster, name: string, cpu = '100m', extra: Record<string, unknown> = {}): KObject {
  const p = barePod('default', name, { image: 'busybox:1.36', cpu, memory: '64Mi' });
  Object.assign(p.spec, extra);
  return c.store.create('pods', p);
}
const get = (c: SandboxCluster, name: string) => c.store.get('pods', 'default', name);
const scheduledMessage = (p: KObject | undefined) =>
  p?.status?.conditions?.find(
    (x: { type: string; status: string }) => x.type === 'PodScheduled' && x.status === 'False',
  )?.message as string | undefined;
const CP_TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

describe('scheduler', () => {
  it('binds to a Ready worker and the kubelet starts the pod', async () => {
    t = startCluster();
    const c = t.cluster;
    createPod(c, 'web');
    const p = await waitFor(
      () => {
        const x = get(c, 'web');
        return x && ready(x) && x;
      },
      10_000,
      'pod Ready',
    );
    expect(p.spec.nodeName).toMatch(/^w-\d$/);
    expect(p.status.phase).toBe('Running');
    expect(p.status.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(p.status.hostIP).toBe(c.machines.get(p.spec.nodeName)!.address);
    expect(p.status.qosClass).toBe('Burstable');
    expect(p.status.containerStatuses[0]).toMatchObject({ image: 'busybox:1.36', ready: true, state: { running: {} } });
    expect(p.status.conditions.map((x: { type: string }) => x.type)).toEqual(
      expect.arrayContaining(['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']),
    );
  });

  it('skips cordoned nodes and keeps a pod Pending with the reasons when every worker is cordoned', async () => {
    t = startCluster();
    const c = t.cluster;
    cordon(c, 'w-1');
    cordon(c, 'w-2');
    createPod(c, 'a');
    expect((await waitFor(() => get(c, 'a')?.spec.nodeName, 5_000, 'bound')) as string).toBe('w-3');
    cordon(c, 'w-3');
    createPod(c, 'b');
    const msg = await waitFor(() => scheduledMessage(get(c, 'b')), 5_000, 'Unschedulable condition');
    expect(msg).toBe(`0/4 nodes are available: ${CP_TAINT}, 3 node(s) were unschedulable.`);
    expect(get(c, 'b')!.status.phase).toBe('Pending');
    expect(get(c, 'b')!.status.conditions.find((x: { type: string }) => x.type === 'PodScheduled').reason).toBe(
      'Unschedulable',
    );
    cordon(c, 'w-2', false); // uncordon: the pending pod is retried
    expect(await waitFor(() => get(c, 'b')?.spec.nodeName, 5_000, 'bound after uncordon')).toBe('w-2');
  });

  it('keeps the unschedulable taint in step with spec.unschedulable', async () => {
    t = startCluster();
    const c = t.cluster;
    const taints = () => (c.node('w-1')!.spec.taints ?? []).map((x: { key: string }) => x.key);
    cordon(c, 'w-1');
    await waitFor(() => taints().includes('node.kubernetes.io/unschedulable'), 5_000, 'taint added');
    cordon(c, 'w-1', false);
    await waitFor(() => !taints().includes('node.kubernetes.io/unschedulable'), 5_000, 'taint removed');
  });

  it('honours NoSchedule taints and tolerations', async () => {
    t = startCluster({ pools: [{ name: 'w', count: 1 }] });
    const c = t.cluster;
    c.store.mutate('nodes', undefined, 'w-1', (d) => {
      d.spec.taints = [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }];
    });
    createPod(c, 'plain');
    expect(await waitFor(() => scheduledMessage(get(c, 'plain')), 5_000, 'unschedulable')).toBe(
      `0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, ${CP_TAINT}.`,
    );
    createPod(c, 'tolerant', '100m', {
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    });
    expect(await waitFor(() => get(c, 'tolerant')?.spec.nodeName, 5_000, 'bound')).toBe('w-1');
    createPod(c, 'on-cp', '100m', {
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(await waitFor(() => get(c, 'on-cp')?.spec.nodeName, 5_000, 'bound')).toBe('cp-1');
  });

  it('honours nodeSelector', async () => {
    t = startCluster({
      pools: [
        { name: 'a', count: 2 },
        { name: 'b', count: 2 },
      ],
    });
    const c = t.cluster;
    createPod(c, 'in-b', '100m', { nodeSelector: { pool: 'b' } });
    expect(await waitFor(() => get(c, 'in-b')?.spec.nodeName, 5_000, 'bound')).toMatch(/^b-/);
    createPod(c, 'nowhere', '100m', { nodeSelector: { pool: 'c' } });
    expect(await waitFor(() => scheduledMessage(get(c, 'nowhere')), 5_000, 'unschedulable')).toBe(
      `0/5 nodes are available: ${CP_TAINT}, 4 node(s) didn't match Pod's node affinity/selector.`,
    );
  });

  it('re-checks nodes whose labels or taints change for pods like ones it already placed', async () => {
    t = startCluster({ pools: [{ name: 'w', count: 2 }] });
    const c = t.cluster;
    const ssd = { nodeSelector: { disk: 'ssd' } };
    createPod(c, 'p1', '100m', ssd);
    expect(await waitFor(() => scheduledMessage(get(c, 'p1')), 5_000, 'unschedulable')).toBe(
      `0/3 nodes are available: ${CP_TAINT}, 2 node(s) didn't match Pod's node affinity/selector.`,
    );
    c.store.mutate('nodes', undefined, 'w-2', (d) => {
      d.metadata.labels = { ...d.metadata.labels, disk: 'ssd' };
    });
    expect(await waitFor(() => get(c, 'p1')?.spec.nodeName, 5_000, 'p1 bound after the label')).toBe('w-2');
    c.store.mutate('nodes', undefined, 'w-2', (d) => {
      d.spec.taints = [...(d.spec.taints ?? []), { key: 'dedicated', value: 'x', effect: 'NoSchedule' }];
    });
    createPod(c, 'p2', '100m', ssd);
    expect(await waitFor(() => scheduledMessage(get(c, 'p2')), 5_000, 'unschedulable')).toBe(
      `0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: x}, ${CP_TAINT}.`,
    );
    c.store.mutate('nodes', undefined, 'w-2', (d) => {
      d.spec.taints = d.spec.taints.filter((x: { key: string }) => x.key !== 'dedicated');
    });
    expect(await waitFor(() => get(c, 'p2')?.spec.nodeName, 5_000, 'p2 bound after the taint went')).toBe('w-2');
  });

  it('fits requests into allocatable, prefers the least allocated node, and retries when capacity frees', async () => {
    t = startCluster();
    const c = t.cluster;
    for (const n of ['x', 'y', 'z']) createPod(c, n, '3');
    const nodes = await waitFor(
      () => {
        const ns = ['x', 'y', 'z'].map((n) => get(c, n)?.spec.nodeName);
        return ns.every(Boolean) && ns;
      },
      5_000,
      'three big pods bound',
    );
    expect(new Set(nodes).size).toBe(3); // one per worker: least allocated first
    createPod(c, 'big', '2');
    expect(await waitFor(() => scheduledMessage(get(c, 'big')), 5_000, 'unschedulable')).toBe(
      `0/4 nodes are available: ${CP_TAINT}, 3 Insufficient cpu.`,
    );
    createPod(c, 'huge', '1', {
      containers: [{ name: 'm', image: 'busybox', resources: { requests: { cpu: '10m', memory: '64Gi' } } }],
    });
    expect(await waitFor(() => scheduledMessage(get(c, 'huge')), 5_000, 'unschedulable')).toBe(
      `0/4 nodes are available: ${CP_TAINT}, 3 Insufficient memory.`,
    );
    c.store.remove('pods', 'default', 'y');
    expect(await waitFor(() => get(c, 'big')?.spec.nodeName, 5_000, 'bound after capacity freed')).toBe(nodes[1]);
    // A new node with room is used as soon as it appears.
    c.store.create(
      'nodes',
      nodeObject({ name: 'w-9', role: 'worker', pool: 'w', zone: 'zone-a' }, 50, 'v1.31.4', Math.random),
    );
    c.store.mutate('nodes', undefined, 'w-9', (d) => {
      d.status.allocatable.memory = '128Gi';
    });
    expect(await waitFor(() => get(c, 'huge')?.spec.nodeName, 5_000, 'bound on the new node')).toBe('w-9');
  });
});
