/**
 * Control-plane mirror pods (shape, recreation after an API delete), kubeadm's static-pod replacement, and
 * the addon phase rolling kube-proxy one node at a time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerOf } from '../../../../src/sandbox/store/types.js';
import { deletePodGracefully, owned, ready, startCluster, type TestCluster, waitFor } from './helpers.js';

let t: TestCluster | undefined;
afterEach(() => {
  expect(t?.errors ?? []).toEqual([]);
  t?.stop();
});

describe('mirror pods', () => {
  it('exist on every control-plane node with the static-pod markers', () => {
    t = startCluster({ controlPlanes: 2 });
    const c = t.cluster;
    for (const node of ['cp-1', 'cp-2']) {
      for (const comp of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']) {
        const p = c.store.get('pods', 'kube-system', `${comp}-${node}`)!;
        expect(p.metadata.annotations).toMatchObject({ 'kubernetes.io/config.source': 'file' });
        expect(p.metadata.annotations!['kubernetes.io/config.mirror']).toMatch(/^[0-9a-f]{32}$/);
        expect(p.metadata.labels).toEqual({ component: comp, tier: 'control-plane' });
        expect(controllerOf(p)).toMatchObject({
          apiVersion: 'v1',
          kind: 'Node',
          name: node,
          uid: c.node(node)!.metadata.uid,
          controller: true,
        });
        expect(p.spec.nodeName).toBe(node);
        expect(p.spec.containers[0].image).toBe(
          comp === 'etcd' ? 'registry.k8s.io/etcd:3.5.15-0' : `registry.k8s.io/${comp}:v1.31.4`,
        );
        expect(ready(p)).toBe(true);
      }
    }
  });

  it('are recreated by the kubelet after a delete through the API', async () => {
    t = startCluster();
    const c = t.cluster;
    const old = c.store.get('pods', 'kube-system', 'kube-scheduler-cp-1')!;
    deletePodGracefully(c, old);
    const fresh = await waitFor(
      () => {
        const p = c.store.get('pods', 'kube-system', 'kube-scheduler-cp-1');
        return p && p.metadata.uid !== old.metadata.uid && p;
      },
      5_000,
      'mirror pod recreated',
    );
    expect(ready(fresh)).toBe(true);
  });

  it('restartStaticPod sets the new image, goes NotReady, and resolves when Ready again', async () => {
    t = startCluster();
    const c = t.cluster;
    const states: boolean[] = [];
    const off = c.store.subscribe((ev) => {
      if (ev.resource === 'pods' && ev.object.metadata.name === 'kube-apiserver-cp-1') states.push(ready(ev.object));
    });
    await t.controllers.restartStaticPod('cp-1', 'kube-apiserver', 'v1.32.0');
    off();
    expect(states).toEqual([false, true]);
    const p = c.store.get('pods', 'kube-system', 'kube-apiserver-cp-1')!;
    expect(p.spec.containers[0].image).toBe('registry.k8s.io/kube-apiserver:v1.32.0');
    expect(p.status.containerStatuses[0]).toMatchObject({
      image: 'registry.k8s.io/kube-apiserver:v1.32.0',
      ready: true,
      restartCount: 1,
    });
    await t.controllers.restartStaticPod('cp-1', 'etcd', 'v1.34.0');
    expect(c.store.get('pods', 'kube-system', 'etcd-cp-1')!.spec.containers[0].image).toBe(
      'registry.k8s.io/etcd:3.5.15-0',
    );
  });
});

describe('upgradeAddons', () => {
  it('rolls kube-proxy to the new image one node at a time and updates CoreDNS', async () => {
    t = startCluster({ controlPlanes: 1, pools: [{ name: 'w', count: 4 }], workload: { kind: 'demo' } });
    const c = t.cluster;
    const ds = () => c.store.get('apps/daemonsets', 'kube-system', 'kube-proxy')!;
    await waitFor(() => ds().status?.numberReady === 5, 10_000, 'kube-proxy ready');
    let maxUnavailable = 0;
    const off = c.store.subscribe((ev) => {
      if (ev.resource !== 'pods' || ev.object.metadata.labels?.['k8s-app'] !== 'kube-proxy') return;
      const byNode = new Map<string, boolean>();
      for (const p of owned(c, ds().metadata.uid))
        if (!p.metadata.deletionTimestamp)
          byNode.set(p.spec.nodeName, ready(p) || byNode.get(p.spec.nodeName) === true);
      const up = [...byNode.values()].filter(Boolean).length;
      maxUnavailable = Math.max(maxUnavailable, 5 - up);
    });
    t.controllers.upgradeAddons('v1.32.0');
    await waitFor(
      () => {
        const s = ds().status;
        return (
          s?.observedGeneration === 2 &&
          s.updatedNumberScheduled === 5 &&
          s.numberReady === 5 &&
          owned(c, ds().metadata.uid).length === 5
        );
      },
      20_000,
      'kube-proxy rolled',
    );
    off();
    for (const p of owned(c, ds().metadata.uid))
      expect(p.spec.containers[0].image).toBe('registry.k8s.io/kube-proxy:v1.32.0');
    expect(maxUnavailable).toBe(1);
    const dns = () => c.store.get('apps/deployments', 'kube-system', 'coredns')!;
    expect(dns().spec.template.spec.containers[0].image).toBe('registry.k8s.io/coredns/coredns:v1.11.3');
    expect(c.store.get('configmaps', 'kube-system', 'kubeadm-config')!.data).toMatchObject({
      ClusterConfiguration: expect.stringContaining('kubernetesVersion: v1.32.0'),
    });
  });
});
