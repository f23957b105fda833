/**
 * ReplicaSet, Deployment, StatefulSet and DaemonSet controllers: naming, replacement of deleted pods on
 * schedulable nodes, DaemonSet pods on cordoned nodes, rolling updates within maxSurge/maxUnavailable, and
 * garbage collection of dependents.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxCluster } from '../../../../src/sandbox/cluster.js';
import type { KObject } from '../../../../src/sandbox/store/types.js';
import { controllerOf } from '../../../../src/sandbox/store/types.js';
import { daemonSet, deployment, statefulSet } from '../../../../src/sandbox/workloads/objects.js';
import { cordon, deletePodGracefully, owned, ready, startCluster, type TestCluster, waitFor } from './helpers.js';

let t: TestCluster | undefined;
afterEach(() => {
  expect(t?.errors ?? []).toEqual([]);
  t?.stop();
});

const app = { image: 'registry.example.com/web:1', cpu: '100m', memory: '64Mi' };
const deploy = (c: SandboxCluster, name = 'web') => c.store.get('apps/deployments', 'default', name)!;
const rsOf = (c: SandboxCluster, d: KObject) => c.store.byIndex('apps/replicasets', 'owner', d.metadata.uid);
const podsOfDeploy = (c: SandboxCluster, d: KObject) => rsOf(c, d).flatMap((rs) => owned(c, rs.metadata.uid));
const live = (ps: KObject[]) => ps.filter((p) => !p.metadata.deletionTimestamp);

describe('ReplicaSet and Deployment', () => {
  it('names the ReplicaSet and pods like the real controllers and fills in status', async () => {
    t = startCluster();
    const c = t.cluster;
    c.store.create('apps/deployments', deployment('default', 'web', 3, app));
    await waitFor(() => deploy(c).status?.availableReplicas === 3, 10_000, 'deployment available');
    const d = deploy(c);
    const [rs] = rsOf(c, d);
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(controllerOf(rs)).toMatchObject({ kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true });
    expect(rs.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    for (const p of owned(c, rs.metadata.uid)) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p.metadata.labels).toMatchObject({ app: 'web', 'pod-template-hash': hash });
      expect(controllerOf(p)).toMatchObject({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        uid: rs.metadata.uid,
        controller: true,
      });
    }
    expect(d.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    expect(d.status.conditions.find((x: { type: string }) => x.type === 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    expect(d.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
  });

  it('replaces a deleted pod at once, on another schedulable node when its node is cordoned', async () => {
    t = startCluster();
    const c = t.cluster;
    c.store.create('apps/deployments', deployment('default', 'web', 2, app));
    await waitFor(() => deploy(c).status?.readyReplicas === 2, 10_000, 'ready');
    const victim = podsOfDeploy(c, deploy(c))[0];
    const node = victim.spec.nodeName;
    cordon(c, node);
    deletePodGracefully(c, victim);
    // The replacement exists while the victim still terminates.
    await waitFor(
      () => live(podsOfDeploy(c, deploy(c))).length === 2 && c.store.get('pods', 'default', victim.metadata.name),
      5_000,
      'replacement created during termination',
    );
    await waitFor(() => !c.store.get('pods', 'default', victim.metadata.name), 5_000, 'victim removed by the kubelet');
    await waitFor(() => deploy(c).status?.readyReplicas === 2, 10_000, 'ready again');
    for (const p of podsOfDeploy(c, deploy(c))) expect(p.spec.nodeName).not.toBe(node);
  });

  it('rolls a template change out within maxSurge and maxUnavailable', async () => {
    t = startCluster({ pools: [{ name: 'w', count: 4 }] });
    const c = t.cluster;
    c.store.create('apps/deployments', deployment('default', 'web', 4, app, { maxSurge: 1, maxUnavailable: 1 }));
    await waitFor(() => deploy(c).status?.availableReplicas === 4, 10_000, 'available');
    const d0 = deploy(c);
    let maxPods = 0;
    let minReady = 4;
    const off = c.store.subscribe((ev) => {
      if (ev.resource !== 'pods' || ev.object.metadata.labels?.app !== 'web') return;
      const ps = live(podsOfDeploy(c, d0));
      maxPods = Math.max(maxPods, ps.length);
      minReady = Math.min(minReady, ps.filter(ready).length);
    });
    c.store.mutate('apps/deployments', 'default', 'web', (d) => {
      d.spec.template.spec.containers[0].image = 'registry.example.com/web:2';
    });
    await waitFor(
      () => {
        const d = deploy(c);
        return (
          d.status?.updatedReplicas === 4 &&
          d.status?.availableReplicas === 4 &&
          d.status?.replicas === 4 &&
          d.status.observedGeneration === 2
        );
      },
      20_000,
      'rollout complete',
    );
    off();
    const rss = rsOf(c, deploy(c));
    expect(rss).toHaveLength(2);
    const newRS = rss.find((rs) => rs.spec.replicas === 4)!;
    expect(newRS.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(rss.find((rs) => rs !== newRS)!.spec.replicas).toBe(0);
    expect(maxPods).toBeLessThanOrEqual(5);
    expect(minReady).toBeGreaterThanOrEqual(3);
    await waitFor(
      () => podsOfDeploy(c, deploy(c)).every((p) => p.spec.containers[0].image.endsWith(':2')),
      5_000,
      'old pods gone',
    );
  });

  it('deletes dependents when the owner goes (garbage collection)', async () => {
    t = startCluster();
    const c = t.cluster;
    c.store.create('apps/deployments', deployment('default', 'web', 2, app));
    await waitFor(() => deploy(c).status?.readyReplicas === 2, 10_000, 'ready');
    const d = deploy(c);
    const [rs] = rsOf(c, d);
    c.store.remove('apps/deployments', 'default', 'web');
    await waitFor(() => !c.store.get('apps/replicasets', 'default', rs.metadata.name), 5_000, 'rs removed');
    await waitFor(() => owned(c, rs.metadata.uid).length === 0, 5_000, 'pods removed');
  });
});

describe('StatefulSet', () => {
  it('creates pods in order and recreates a deleted pod under the same name on a schedulable node', async () => {
    t = startCluster();
    const c = t.cluster;
    const order: string[] = [];
    const off = c.store.subscribe((ev) => {
      if (ev.type === 'ADDED' && ev.resource === 'pods' && ev.object.metadata.name.startsWith('db-'))
        order.push(ev.object.metadata.name);
    });
    c.store.create('apps/statefulsets', statefulSet('default', 'db', 3, app));
    const sts = () => c.store.get('apps/statefulsets', 'default', 'db')!;
    await waitFor(() => sts().status?.readyReplicas === 3, 10_000, 'sts ready');
    off();
    expect(order).toEqual(['db-0', 'db-1', 'db-2']);
    expect(sts().status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
    });
    const old = c.store.get('pods', 'default', 'db-1')!;
    expect(old.metadata.labels).toMatchObject({
      'statefulset.kubernetes.io/pod-name': 'db-1',
      'apps.kubernetes.io/pod-index': '1',
    });
    cordon(c, old.spec.nodeName);
    deletePodGracefully(c, old);
    const fresh = await waitFor(
      () => {
        const p = c.store.get('pods', 'default', 'db-1');
        return p && p.metadata.uid !== old.metadata.uid && ready(p) && p;
      },
      10_000,
      'db-1 recreated and Ready',
    );
    expect(fresh.spec.nodeName).not.toBe(old.spec.nodeName);
  });
});

describe('DaemonSet', () => {
  it('runs a pod on every node, cordoned ones included, and follows new nodes', async () => {
    t = startCluster();
    const c = t.cluster;
    cordon(c, 'w-2');
    c.store.create('apps/daemonsets', daemonSet('default', 'agent', { ...app, tolerations: [{ operator: 'Exists' }] }));
    const ds = () => c.store.get('apps/daemonsets', 'default', 'agent')!;
    await waitFor(() => ds().status?.numberReady === 4, 10_000, 'ds ready');
    const ps = owned(c, ds().metadata.uid);
    expect(ps.map((p) => p.spec.nodeName).sort()).toEqual(['cp-1', 'w-1', 'w-2', 'w-3']);
    expect(ds().status).toMatchObject({
      desiredNumberScheduled: 4,
      currentNumberScheduled: 4,
      numberReady: 4,
      updatedNumberScheduled: 4,
      numberAvailable: 4,
      numberMisscheduled: 0,
    });
    expect(ps[0].spec.tolerations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }),
      ]),
    );
  });

  it('follows node label and taint changes, and keeps its pods through node status changes', async () => {
    t = startCluster();
    const c = t.cluster;
    const d = daemonSet('default', 'agent', app);
    d.spec.template.spec.nodeSelector = { role: 'edge' };
    c.store.create('apps/daemonsets', d);
    const ds = () => c.store.get('apps/daemonsets', 'default', 'agent')!;
    const podsNow = () => live(owned(c, ds().metadata.uid));
    const setNode = (name: string, fn: (n: KObject) => void) => c.store.mutate('nodes', undefined, name, fn);
    await waitFor(() => ds().status?.observedGeneration === 1, 10_000, 'ds status');
    expect(ds().status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0 });

    setNode('w-1', (n) => {
      n.metadata.labels = { ...n.metadata.labels, role: 'edge' };
    });
    await waitFor(() => ds().status?.numberReady === 1, 10_000, 'a pod on the labelled node');
    const [first] = podsNow();
    expect(first.spec.nodeName).toBe('w-1');

    // A status-only change (a heartbeat) moves nothing.
    setNode('w-1', (n) => {
      n.status.conditions = n.status.conditions.map((x: Record<string, unknown>) => ({
        ...x,
        lastHeartbeatTime: '2030-01-01T00:00:00Z',
      }));
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(podsNow().map((p) => p.metadata.uid)).toEqual([first.metadata.uid]);

    setNode('w-1', (n) => {
      n.spec.taints = [...(n.spec.taints ?? []), { key: 'evict', effect: 'NoExecute' }];
    });
    await waitFor(
      () => podsNow().length === 0 && ds().status?.desiredNumberScheduled === 0,
      10_000,
      'pod gone from the NoExecute-tainted node',
    );

    setNode('w-1', (n) => {
      n.spec.taints = n.spec.taints.filter((x: { key: string }) => x.key !== 'evict');
    });
    await waitFor(() => ds().status?.numberReady === 1, 10_000, 'pod back once the taint is gone');
    expect(podsNow().map((p) => p.spec.nodeName)).toEqual(['w-1']);

    setNode('w-1', (n) => {
      delete n.metadata.labels!.role;
    });
    await waitFor(
      () => podsNow().length === 0 && ds().status?.desiredNumberScheduled === 0,
      10_000,
      'pod gone once the label is',
    );
  });

  it('leaves control planes alone when the DaemonSet does not tolerate their taint', async () => {
    t = startCluster();
    const c = t.cluster;
    c.store.create('apps/daemonsets', daemonSet('default', 'agent', app));
    const ds = () => c.store.get('apps/daemonsets', 'default', 'agent')!;
    await waitFor(() => ds().status?.numberReady === 3, 10_000, 'ds ready');
    expect(
      owned(c, ds().metadata.uid)
        .map((p) => p.spec.nodeName)
        .sort(),
    ).toEqual(['w-1', 'w-2', 'w-3']);
  });
});
