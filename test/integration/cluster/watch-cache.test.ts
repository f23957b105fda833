/**
 * The watch caches against a sandbox over real HTTP: they follow adds, updates and deletes, `waitFor`
 * resolves on the event that satisfies it (and times out naming what and the last state), they survive
 * dropped watches and 410 Expired, and the number of API requests stays one list page per collection plus
 * one watch per (re)start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api, PatchStrategy, PolicyV1Api, setHeaderOptions } from '@kubernetes/client-node';
import {
  CacheWaitTimeoutError,
  KubeClusterClient,
  startClusterCache,
  type ClusterCache,
  type WorkloadView,
} from '../../../src/cluster/index.js';
import { raw, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import type { StartOptions } from '../../../src/sandbox/index.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Env {
  t: TestSandbox;
  client: KubeClusterClient;
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
  cache?: ClusterCache;
}

async function startEnv(opts: StartOptions = {}): Promise<Env> {
  const t = await startTestSandbox({
    workload: { kind: 'none' },
    controlPlanes: 1,
    pools: [{ name: 'blue', count: 2 }],
    ...opts,
  });
  return {
    t,
    client: new KubeClusterClient(t.kc, t.sandbox.url),
    core: t.kc.makeApiClient(CoreV1Api),
    apps: t.kc.makeApiClient(AppsV1Api),
    policy: t.kc.makeApiClient(PolicyV1Api),
  };
}

/** Requests the sandbox counted, by `verb resource` (watches are counted when their stream ends). */
async function stats(env: Env): Promise<Record<string, number>> {
  const body = JSON.parse((await raw(env.t, '/sandbox/v1/stats')).text) as {
    requests: { verb: string; resource: string; count: number }[];
  };
  return Object.fromEntries(body.requests.map((r) => [`${r.verb} ${r.resource}`, r.count]));
}
const total = (s: Record<string, number>, verb: string) =>
  Object.entries(s)
    .filter(([k]) => k.startsWith(`${verb} `))
    .reduce((n, [, c]) => n + c, 0);

const label = (env: Env, node: string, value: string) =>
  env.core.patchNode({ name: node, body: { metadata: { labels: { mark: value } } } }, merge);

describe('watch caches', () => {
  let env: Env | undefined;
  afterEach(async () => {
    env?.cache?.stop();
    await env?.t.stop();
    env = undefined;
  });

  it('lists everything once, then follows adds, updates and deletes', async () => {
    env = await startEnv();
    const cache = (env.cache = await startClusterCache(env.client));
    expect(
      cache.nodes
        .all()
        .map((n) => n.name)
        .sort(),
    ).toEqual(['blue-1', 'blue-2', 'cp-1']);
    expect(cache.systemPods.get('kube-system/kube-apiserver-cp-1')).toMatchObject({ mirror: true, nodeName: 'cp-1' });
    expect([...cache.staticPodComponents].sort()).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
    ]);

    const changes: string[] = [];
    cache.pdbs.onChange((c) => c.key === 'default/web' && changes.push(`${c.type} ${c.key}`));

    // A node update.
    await label(env, 'blue-1', 'one');
    await cache.waitForNode('blue-1', (n) => n.labels.mark === 'one', { timeoutMs: 10_000 });

    // A Deployment, its ReplicaSet (owned by it) and a PDB: added, updated, deleted.
    await env.apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } },
        },
      },
    });
    const rs = await cache.waitFor(() => cache.workloads.ReplicaSet.all().find((w) => w.owner?.name === 'web'), {
      timeoutMs: 10_000,
      what: 'the ReplicaSet of web',
    });
    const dep = cache.workloadByUid(rs.owner!.uid) as WorkloadView;
    expect(dep).toMatchObject({
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
      replicas: 2,
      podLabels: { app: 'web' },
    });
    await cache.waitFor(() => cache.workload('Deployment', 'default', 'web')?.availableReplicas === 2, {
      timeoutMs: 15_000,
      what: 'web available',
    });

    await env.policy.createNamespacedPodDisruptionBudget({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } },
    });
    await cache.pdbs.waitFor(
      () => cache.pdbs.get('default/web')?.current && cache.pdbs.get('default/web')!.currentHealthy === 2,
      { timeoutMs: 10_000, what: 'pdb web healthy' },
    );
    await env.policy.deleteNamespacedPodDisruptionBudget({ namespace: 'default', name: 'web' });
    await cache.pdbs.waitFor(() => !cache.pdbs.get('default/web'), { timeoutMs: 10_000, what: 'pdb web gone' });
    expect(changes[0]).toBe('ADDED default/web');
    expect(changes.at(-1)).toBe('DELETED default/web');
    expect(changes.filter((c) => c.startsWith('MODIFIED')).length).toBeGreaterThan(0);
  });

  it('resolves a wait on the event that satisfies it, and times out naming what and the last state', async () => {
    env = await startEnv();
    const cache = (env.cache = await startClusterCache(env.client));
    let evaluations = 0;
    const wait = cache.waitForNode(
      'blue-2',
      (n) => {
        evaluations++;
        return n.labels.mark === 'go';
      },
      { timeoutMs: 10_000 },
    );
    await new Promise((r) => setTimeout(r, 300));
    const idle = evaluations; // no change, no evaluation: nothing polls
    await label(env, 'blue-2', 'go');
    await expect(wait).resolves.toMatchObject({ name: 'blue-2', labels: { mark: 'go' } });
    expect(idle).toBe(1);

    const err = await cache
      .waitForNode('blue-2', (n) => n.kubeletVersion === 'v9.9.9', {
        timeoutMs: 200,
        what: 'node blue-2 Ready at v9.9.9',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheWaitTimeoutError);
    expect((err as Error).message).toMatch(
      /waiting for node blue-2 Ready at v9\.9\.9; last state: node blue-2: Ready, kubelet v1\.31\.4/,
    );

    const ac = new AbortController();
    const aborted = cache.waitFor(() => false, { timeoutMs: 10_000, what: 'never', signal: ac.signal });
    ac.abort();
    await expect(aborted).rejects.toThrow(/stopped waiting for never: aborted/);
    const stopped = cache.waitFor(() => false, { timeoutMs: 10_000, what: 'never' });
    cache.stop();
    await expect(stopped).rejects.toThrow(/the cluster cache was stopped/);
  });

  it('makes one list per collection and one watch per (re)start, survives dropped watches, and re-lists on 410', async () => {
    env = await startEnv({ historySize: 50 });
    await raw(env.t, '/sandbox/v1/stats', { method: 'DELETE' });
    const cache = (env.cache = await startClusterCache(env.client));
    const afterStart = await stats(env);
    expect(total(afterStart, 'list')).toBe(7); // nodes, pdbs, 4 workload kinds, kube-system pods: one page each
    expect(total(afterStart, 'get')).toBe(0);

    // Twenty changes reach the cache through the open watches: no request at all.
    for (let i = 0; i < 20; i++) await label(env, 'blue-1', `v${i}`);
    await cache.waitForNode('blue-1', (n) => n.labels.mark === 'v19', { timeoutMs: 10_000 });
    const afterChanges = await stats(env);
    expect(total(afterChanges, 'list')).toBe(7);
    expect(total(afterChanges, 'get')).toBe(0);

    // drop-watches: every stream ends; each cache re-watches from its last resourceVersion (no re-list).
    await raw(env.t, '/sandbox/v1/faults', { method: 'POST', body: { type: 'drop-watches' } });
    await label(env, 'blue-2', 'after-drop');
    await cache.waitForNode('blue-2', (n) => n.labels.mark === 'after-drop', { timeoutMs: 10_000 });
    const afterDrop = await stats(env);
    expect(total(afterDrop, 'list')).toBe(7);
    expect(total(afterDrop, 'watch')).toBe(7); // the seven dropped streams (open ones are counted when they end)

    // 410: drop the watches, then change more than the history holds before the caches re-watch.
    await raw(env.t, '/sandbox/v1/faults', { method: 'POST', body: { type: 'drop-watches' } });
    const store = env.t.sandbox.cluster.store;
    for (let i = 0; i < 80; i++)
      store.mutate(
        'nodes',
        undefined,
        'cp-1',
        (d) => void (d.metadata.labels = { ...d.metadata.labels, mark: `s${i}` }),
      );
    store.remove('nodes', undefined, 'blue-2');
    await cache.waitFor(() => cache.nodes.get('cp-1')?.labels.mark === 's79' && !cache.nodes.get('blue-2'), {
      timeoutMs: 10_000,
      what: 'the cache caught up after 410',
    });
    const afterExpiry = await stats(env);
    // The sandbox's history is shared by every resource, so any cache whose last resourceVersion fell out of
    // it re-lists: at least the nodes cache, at most one re-list per collection.
    expect(total(afterExpiry, 'list')).toBeGreaterThan(7);
    expect(total(afterExpiry, 'list')).toBeLessThanOrEqual(7 + 7);
    expect(total(afterExpiry, 'get')).toBe(0);
  });

  it('says it is behind while its watch cannot be re-opened, and catches up once the API answers again', async () => {
    env = await startEnv();
    const cache = (env.cache = await startClusterCache(env.client, { maxBackoffMs: 400 }));
    expect(cache.staleness()).toEqual([]);
    env.t.sandbox.cluster.faults.add({ type: 'api-errors', rate: 1, code: 503, pathPrefix: '/api/v1/nodes' });
    await raw(env.t, '/sandbox/v1/faults', { method: 'POST', body: { type: 'drop-watches' } });
    await cache.waitFor(() => cache.staleness().length > 0, { timeoutMs: 10_000, what: 'the nodes cache to notice' });
    expect(cache.staleness()).toEqual(['nodes: watch failed: HTTP 503']);
    env.t.sandbox.cluster.faults.clear();
    await label(env, 'blue-1', 'back');
    await cache.waitForNode('blue-1', (n) => n.labels.mark === 'back', { timeoutMs: 10_000 });
    expect(cache.staleness()).toEqual([]);
  });
});
