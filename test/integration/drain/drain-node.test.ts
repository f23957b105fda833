/**
 * drainNode against the sandbox: Deployment pods are evicted and come back elsewhere, DaemonSet and mirror
 * pods stay, a StatefulSet pod recreated under the same name counts as gone by UID, and the drain costs one
 * list page, one watch and the eviction requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uncordonNode, cordonNode } from '../../../src/drain/index.js';
import {
  deploymentOn,
  drain,
  namespace,
  pdb,
  podsOn,
  resetStats,
  settled,
  startDrainEnv,
  stats,
  waitFor,
  type Env,
} from './helpers.js';

/** The worker running the most `web` pods. */
async function busiestWorker(env: Env): Promise<string> {
  const counts = await Promise.all(
    ['blue-1', 'blue-2', 'blue-3'].map(
      async (n) => [n, (await podsOn(env, n)).filter((p) => p.namespace === 'web').length] as const,
    ),
  );
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

describe('drainNode', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startDrainEnv();
    await namespace(env, 'web');
    await deploymentOn(env, 'web', 'front', 4);
    await deploymentOn(env, 'web', 'api', 2);
    await pdb(env, 'web', 'front', 'front', { maxUnavailable: 1 });
    await env.apps.createNamespacedStatefulSet({
      namespace: 'web',
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 1,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: { containers: [{ name: 'db', image: 'registry.example.com/db:1.0' }] },
          },
        },
      },
    });
    await settled(env);
  });
  afterAll(() => env?.t.stop());

  it('evicts the Deployment pods, leaves the DaemonSet pod, and stays within the request budget', async () => {
    const node = await busiestWorker(env);
    const before = await podsOn(env, node);
    const app = before
      .filter((p) => p.namespace === 'web')
      .map((p) => `${p.namespace}/${p.name}`)
      .sort();
    const daemon = before.filter((p) => p.controller?.kind === 'DaemonSet').map((p) => `${p.namespace}/${p.name}`);
    expect(app.length).toBeGreaterThan(0);
    expect(daemon.length).toBeGreaterThan(0);

    await resetStats(env);
    const { result, error, events } = await drain(env, node);
    expect(error).toBeUndefined();
    expect([...result!.evicted].sort()).toEqual(expect.arrayContaining(app));
    expect(result!.deleted).toEqual([]);
    expect(result!.ignored).toEqual(expect.arrayContaining(daemon));
    expect(result!.evictionRequests).toBeGreaterThanOrEqual(result!.evicted.length);
    expect(result!.touched?.filter((o) => o.kind === 'ReplicaSet').map((o) => o.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^front-/)]),
    );
    const gone = events.filter((e) => e.type === 'pod-gone').map((e) => (e as { pod: string }).pod);
    expect(gone.sort()).toEqual([...result!.evicted].sort());
    expect(events).toContainEqual({ type: 'pods-ignored', reason: 'daemonset', pods: daemon });

    // One list page, one watch, the eviction requests, one GET per DaemonSet: nothing else (the cordon is 1 GET + 1 PATCH of the node).
    const s = await waitFor(async () => {
      const m = await stats(env);
      return (m.get('watch pods') ?? 0) >= 1 ? m : undefined;
    }, 'the watch to be counted');
    expect(s.get('list pods')).toBe(1);
    expect(s.get('watch pods')).toBe(1);
    expect(s.get('create pods/eviction')).toBe(result!.evictionRequests);
    expect(s.get('get daemonsets')).toBe(1);
    const podRequests = [...s]
      .filter(([k]) => k.endsWith(' pods') || k.endsWith(' pods/eviction'))
      .reduce((n, [, c]) => n + c, 0);
    expect(podRequests).toBe(2 + result!.evictionRequests);
    await settled(env, 'evicted pods recreated on other nodes');
    const after = await podsOn(env, node);
    expect(after.filter((p) => p.namespace === 'web')).toEqual([]);
    expect(after.map((p) => `${p.namespace}/${p.name}`)).toEqual(expect.arrayContaining(daemon));
    await uncordonNode(env.client, node);
  });

  it('counts a StatefulSet pod recreated under the same name as gone (by UID)', async () => {
    const old = await waitFor(
      async () => (await env.client.listPods({ namespace: 'web', labelSelector: 'app=db' })).find((p) => p.ready),
      'db-0 Ready',
    );
    const node = old.nodeName!;
    const { result, error, events } = await drain(env, node);
    expect(error).toBeUndefined();
    expect(result!.evicted).toContain('web/db-0');
    expect(events).toContainEqual({ type: 'pod-gone', pod: 'web/db-0' });
    const now = await waitFor(async () => (await env.client.getPod('web', 'db-0')) ?? undefined, 'db-0 recreated');
    expect(now.uid).not.toBe(old.uid);
    expect(now.nodeName).not.toBe(node);
    await uncordonNode(env.client, node);
  });

  it('leaves mirror pods on a control-plane node', async () => {
    const { result, error, events } = await drain(env, 'cp-1');
    expect(error).toBeUndefined();
    const mirror = events.find((e) => e.type === 'pods-ignored' && e.reason === 'mirror');
    expect(mirror && 'pods' in mirror && mirror.pods.some((p) => p.startsWith('kube-system/kube-apiserver'))).toBe(
      true,
    );
    expect(result!.ignored.some((p) => p.startsWith('kube-system/kube-apiserver'))).toBe(true);
    expect((await podsOn(env, 'cp-1')).some((p) => p.mirror)).toBe(true);
    await uncordonNode(env.client, 'cp-1');
  });

  it('cordons and uncordons idempotently', async () => {
    expect(await cordonNode(env.client, 'blue-3')).toEqual({ changed: true });
    expect(await cordonNode(env.client, 'blue-3')).toEqual({ changed: false });
    expect((await env.client.getNode('blue-3'))?.unschedulable).toBe(true);
    expect(await uncordonNode(env.client, 'blue-3')).toEqual({ changed: true });
    expect(await uncordonNode(env.client, 'blue-3')).toEqual({ changed: false });
  });

  it('skips the read when the caller knows the state, and a stale belief costs only a patch that changes nothing', async () => {
    expect(await cordonNode(env.client, 'blue-3', { current: false })).toEqual({ changed: true });
    expect((await env.client.getNode('blue-3'))?.unschedulable).toBe(true);
    // Stale: the caller still believes it schedulable; the patch is sent and the node stays cordoned.
    expect(await cordonNode(env.client, 'blue-3', { current: false })).toEqual({ changed: true });
    expect((await env.client.getNode('blue-3'))?.unschedulable).toBe(true);
    expect(await uncordonNode(env.client, 'blue-3', { current: true })).toEqual({ changed: true });
    expect((await env.client.getNode('blue-3'))?.unschedulable).toBe(false);
    expect(await uncordonNode(env.client, 'blue-3', { current: false })).toEqual({ changed: false });
  });
});
