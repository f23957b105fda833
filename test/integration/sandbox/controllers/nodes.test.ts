/**
 * The simulated kubelets: restart after an upgrade (NotReady → Ready at the new version), the
 * node-never-ready fault, Lease heartbeats, the not-ready taint, and pod terminations that wait for a kubelet
 * that is down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxCluster } from '../../../../src/sandbox/cluster.js';
import { barePod } from '../../../../src/sandbox/workloads/objects.js';
import { deletePodGracefully, ready, startCluster, type TestCluster, waitFor } from './helpers.js';

let t: TestCluster | undefined;
afterEach(() => {
  expect(t?.errors ?? []).toEqual([]);
  t?.stop();
});

const readyCond = (c: SandboxCluster, node: string) =>
  c.node(node)!.status.conditions.find((x: { type: string }) => x.type === 'Ready');
const taintKeys = (c: SandboxCluster, node: string) =>
  (c.node(node)!.spec.taints ?? []).map((x: { key: string }) => x.key);

describe('kubelet restart', () => {
  it('goes NotReady, then Ready at the new version', async () => {
    t = startCluster();
    const c = t.cluster;
    const seen: string[] = [];
    const off = c.store.subscribe((ev) => {
      if (ev.resource === 'nodes' && ev.object.metadata.name === 'w-1') {
        const r = ev.object.status.conditions.find((x: { type: string }) => x.type === 'Ready');
        if (seen[seen.length - 1] !== r.status) seen.push(r.status);
      }
    });
    t.controllers.restartKubelet('w-1', 'v1.32.1');
    expect(readyCond(c, 'w-1')).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(c.machines.get('w-1')!.kubelet).toBe('restarting');
    await waitFor(() => taintKeys(c, 'w-1').includes('node.kubernetes.io/not-ready'), 5_000, 'not-ready taint');
    await waitFor(() => readyCond(c, 'w-1').status === 'True', 10_000, 'Ready again');
    off();
    expect(seen).toEqual(['False', 'True']);
    const n = c.node('w-1')!;
    expect(n.status.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.1', kubeProxyVersion: 'v1.32.1' });
    expect(c.machines.get('w-1')).toMatchObject({ kubelet: 'running', kubeletVersion: 'v1.32.1' });
    await waitFor(
      () => !taintKeys(c, 'w-1').includes('node.kubernetes.io/not-ready'),
      5_000,
      'not-ready taint removed',
    );
  });

  it('leaves kubeProxyVersion empty from 1.33 on', async () => {
    t = startCluster({ version: 'v1.32.5' });
    const c = t.cluster;
    t.controllers.restartKubelet('w-2', 'v1.33.2');
    await waitFor(() => c.node('w-2')!.status.nodeInfo.kubeletVersion === 'v1.33.2', 10_000, 'new version');
    expect(c.node('w-2')!.status.nodeInfo.kubeProxyVersion).toBe('');
  });

  it('stays NotReady under node-never-ready until the fault is cleared', async () => {
    t = startCluster();
    const c = t.cluster;
    const fault = c.faults.add({ type: 'node-never-ready', node: 'w-3' });
    t.controllers.restartKubelet('w-3', 'v1.32.1');
    // Well past kubeletRestartMs (120 ms) and several heartbeats (200 ms each).
    await new Promise((r) => setTimeout(r, 800));
    expect(readyCond(c, 'w-3').status).toBe('False');
    expect(c.node('w-3')!.status.nodeInfo.kubeletVersion).toBe('v1.31.4');
    c.faults.clear(fault.id);
    await waitFor(() => readyCond(c, 'w-3').status === 'True', 10_000, 'Ready after the fault is cleared');
    expect(c.node('w-3')!.status.nodeInfo.kubeletVersion).toBe('v1.32.1');
  });

  it('renews node Leases while the kubelet runs, and not while it restarts', async () => {
    t = startCluster();
    const c = t.cluster;
    const renew = (n: string) =>
      c.store.get('coordination.k8s.io/leases', 'kube-node-lease', n)!.spec.renewTime as string;
    const lease = c.store.get('coordination.k8s.io/leases', 'kube-node-lease', 'w-1')!;
    expect(lease.spec).toMatchObject({ holderIdentity: 'w-1', leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences![0]).toMatchObject({ kind: 'Node', name: 'w-1' });
    const first = renew('w-1');
    await waitFor(() => renew('w-1') !== first, 5_000, 'lease renewed');
    c.faults.add({ type: 'node-never-ready', node: 'w-1' });
    t.controllers.restartKubelet('w-1', 'v1.32.1');
    await new Promise((r) => setTimeout(r, 100));
    const frozen = renew('w-1');
    await new Promise((r) => setTimeout(r, 600));
    expect(renew('w-1')).toBe(frozen);
  });

  it('finishes pod terminations only when the kubelet is back', async () => {
    t = startCluster({ pools: [{ name: 'w', count: 1 }] });
    const c = t.cluster;
    c.store.create('pods', barePod('default', 'p', { image: 'busybox', cpu: '10m', memory: '8Mi' }));
    await waitFor(
      () => {
        const p = c.store.get('pods', 'default', 'p');
        return p && ready(p);
      },
      5_000,
      'pod Ready',
    );
    const fault = c.faults.add({ type: 'node-never-ready', node: 'w-1' });
    t.controllers.restartKubelet('w-1', 'v1.32.1');
    deletePodGracefully(c, c.store.get('pods', 'default', 'p')!);
    await new Promise((r) => setTimeout(r, 500));
    expect(c.store.get('pods', 'default', 'p')?.metadata.deletionTimestamp).toBeDefined();
    c.faults.clear(fault.id);
    await waitFor(() => !c.store.get('pods', 'default', 'p'), 10_000, 'pod removed after the kubelet returned');
  });

  it('applies the slow-eviction delay to terminations', async () => {
    t = startCluster({ pools: [{ name: 'w', count: 1 }] });
    const c = t.cluster;
    c.store.create('pods', barePod('default', 'p', { image: 'busybox', cpu: '10m', memory: '8Mi' }));
    await waitFor(
      () => {
        const p = c.store.get('pods', 'default', 'p');
        return p && ready(p);
      },
      5_000,
      'pod Ready',
    );
    c.faults.add({ type: 'slow-eviction', delayMs: 30_000 }); // 600 ms real
    deletePodGracefully(c, c.store.get('pods', 'default', 'p')!);
    await new Promise((r) => setTimeout(r, 200));
    expect(c.store.get('pods', 'default', 'p')).toBeDefined();
    await waitFor(() => !c.store.get('pods', 'default', 'p'), 10_000, 'pod removed');
  });
});
