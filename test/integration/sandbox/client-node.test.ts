/**
 * Conformance of the sandbox with @kubernetes/client-node 1.4 over HTTPS: list (pagination, selectors), get,
 * patch (three types), optimistic concurrency, watch and informer, eviction (201, 429, 500), discovery by
 * version, deprecated-API metrics, and the read-only identity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  PolicyV1Api,
  VersionApi,
  Watch,
  makeInformer,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { raw, startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';

function statusOf(e: unknown): {
  code: number;
  reason?: string;
  message?: string;
  details?: { causes?: { reason: string; message: string }[] };
} {
  if (!(e instanceof ApiException)) throw e;
  return { ...JSON.parse(e.body as string), code: e.code };
}

async function expectApiError(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return statusOf(e);
  }
  throw new Error('expected an ApiException');
}

const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('sandbox ↔ client-node', () => {
  let t: TestSandbox;
  let core: CoreV1Api;
  let policy: PolicyV1Api;

  beforeAll(async () => {
    t = await startTestSandbox({ version: 'v1.31.4' });
    core = t.kc.makeApiClient(CoreV1Api);
    policy = t.kc.makeApiClient(PolicyV1Api);
    await waitFor(
      async () =>
        (await core.listPodForAllNamespaces()).items
          .filter((p) => p.metadata?.ownerReferences?.[0]?.kind !== 'Node')
          .every(ready),
      'demo pods Ready',
    );
  });
  afterAll(() => t?.stop());

  it('reports the control plane version', async () => {
    const v = await t.kc.makeApiClient(VersionApi).getCode();
    expect(v.gitVersion).toBe('v1.31.4');
    expect(v.minor).toBe('31');
  });

  it('lists nodes with roles, pools, zones, kubelet versions and allocatable', async () => {
    const nodes = (await core.listNode()).items;
    expect(nodes).toHaveLength(9);
    const cps = nodes.filter((n) => n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined);
    expect(cps.map((n) => n.metadata!.name)).toEqual(['cp-1', 'cp-2', 'cp-3']);
    const blue = nodes.filter((n) => n.metadata?.labels?.pool === 'blue');
    expect(blue).toHaveLength(3);
    expect(new Set(blue.map((n) => n.metadata?.labels?.['topology.kubernetes.io/zone'])).size).toBe(3);
    for (const n of nodes) {
      expect(n.status?.nodeInfo?.kubeletVersion).toBe('v1.31.4');
      expect(n.status?.allocatable?.cpu).toBeTruthy();
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('paginates with limit/continue and keeps the first page resourceVersion', async () => {
    const all = (await core.listPodForAllNamespaces()).items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`);
    const seen: string[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 7, _continue: cont });
      rv ??= page.metadata?.resourceVersion;
      expect(page.metadata?.resourceVersion).toBe(rv);
      seen.push(...page.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`));
      cont = page.metadata?._continue;
      pages++;
    } while (cont);
    expect(pages).toBe(Math.ceil(all.length / 7));
    expect(seen).toEqual(all);
    const bad = await expectApiError(core.listPodForAllNamespaces({ limit: 5, _continue: 'garbage' }));
    expect(bad.code).toBe(400);
  });

  it('filters by label and field selectors', async () => {
    const onBlue1 = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=blue-1' });
    expect(onBlue1.items.length).toBeGreaterThan(0);
    expect(onBlue1.items.every((p) => p.spec?.nodeName === 'blue-1')).toBe(true);
    const notBlue = await core.listNode({ labelSelector: 'pool!=blue,!node-role.kubernetes.io/control-plane' });
    expect(notBlue.items.map((n) => n.metadata!.name).sort()).toEqual(['green-1', 'green-2', 'green-3']);
    const inSet = await core.listNode({ labelSelector: 'pool in (blue, green)' });
    expect(inSet.items).toHaveLength(6);
    const bad = await expectApiError(core.listNode({ labelSelector: 'pool in blue' }));
    expect(bad.code).toBe(400);
  });

  it('answers a missing object with a NotFound Status', async () => {
    const st = await expectApiError(core.readNode({ name: 'nope' }));
    expect(st).toMatchObject({ code: 404, reason: 'NotFound', message: 'nodes "nope" not found' });
    const dep = await expectApiError(
      t.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'nope', namespace: 'default' }),
    );
    expect(dep.message).toBe('deployments.apps "nope" not found');
  });

  it('patches with merge, strategic-merge (null deletes) and JSON patch', async () => {
    await core.patchNode(
      { name: 'green-3', body: { spec: { unschedulable: true } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect((await core.readNode({ name: 'green-3' })).spec?.unschedulable).toBe(true);
    await waitFor(
      async () =>
        (await core.readNode({ name: 'green-3' })).spec?.taints?.some(
          (x) => x.key === 'node.kubernetes.io/unschedulable',
        ),
      'unschedulable taint',
    );
    await core.patchNode(
      { name: 'green-3', body: { spec: { unschedulable: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect((await core.readNode({ name: 'green-3' })).spec?.unschedulable).toBeUndefined();
    await core.patchNode(
      { name: 'green-3', body: [{ op: 'add', path: '/metadata/labels/team', value: 'a' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect((await core.readNode({ name: 'green-3' })).metadata?.labels?.team).toBe('a');
    const st = await expectApiError(
      core.patchNode(
        { name: 'green-3', body: [{ op: 'replace', path: '/metadata/nothing/here', value: 1 }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(st.code).toBe(422);
  });

  it('refuses an update with a stale resourceVersion (409 Conflict)', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'occ' }, data: { a: '1' } },
    });
    await core.replaceNamespacedConfigMap({ name: 'occ', namespace: 'default', body: { ...cm, data: { a: '2' } } });
    const st = await expectApiError(
      core.replaceNamespacedConfigMap({ name: 'occ', namespace: 'default', body: { ...cm, data: { a: '3' } } }),
    );
    expect(st.code).toBe(409);
    expect(st.reason).toBe('Conflict');
    const dup = await expectApiError(
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'occ' } } }),
    );
    expect(dup).toMatchObject({ code: 409, reason: 'AlreadyExists' });
  });

  it('streams watch events with bookmarks, and informers see add/update/delete', async () => {
    const events: string[] = [];
    const ac = await new Watch(t.kc).watch(
      '/api/v1/nodes',
      { allowWatchBookmarks: true },
      (type, obj) => events.push(`${type} ${obj.metadata?.name ?? ''}`),
      () => {},
    );
    await waitFor(() => events.filter((e) => e.startsWith('ADDED')).length === 9, '9 ADDED');
    await core.patchNode(
      { name: 'blue-3', body: { metadata: { labels: { watched: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(() => events.includes('MODIFIED blue-3'), 'MODIFIED blue-3');
    ac.abort();
    // Counted per kind in /metrics, as kube-apiserver's apiserver_watch_events_total / _sizes.
    const metrics = (await raw(t, '/metrics')).text;
    const sent = Number(
      /^apiserver_watch_events_total\{group="",kind="Node",version="v1"\} (\d+)$/m.exec(metrics)?.[1],
    );
    expect(sent).toBeGreaterThanOrEqual(10);
    expect(
      Number(/^apiserver_watch_events_sizes_sum\{group="",kind="Node",version="v1"\} (\d+)$/m.exec(metrics)?.[1]),
    ).toBeGreaterThan(sent * 100);

    const inf = makeInformer(t.kc, '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const seen: string[] = [];
    inf.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    inf.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
    inf.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    inf.on('error', () => {});
    await inf.start();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf' } } });
    await core.patchNamespacedConfigMap(
      { name: 'inf', namespace: 'default', body: { data: { x: 'y' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'default' });
    await waitFor(() => seen.includes('delete inf'), 'informer delete');
    expect(seen.filter((s) => s.endsWith(' inf'))).toEqual(['add inf', 'update inf', 'delete inf']);
    await inf.stop();
  });

  it('evicts: 201 when allowed, the pod comes back elsewhere; 429 with the DisruptionBudget cause when the PDB forbids it', async () => {
    const pdbs = (await policy.listPodDisruptionBudgetForAllNamespaces()).items;
    const open = pdbs.find((p) => (p.status?.disruptionsAllowed ?? 0) > 0 && p.metadata?.namespace !== 'kube-system')!;
    const never = pdbs.find(
      (p) =>
        p.status?.disruptionsAllowed === 0 &&
        (p.status?.expectedPods ?? 0) > 0 &&
        p.status?.currentHealthy === p.status?.desiredHealthy,
    )!;
    expect(open).toBeTruthy();
    expect(never).toBeTruthy();
    const sel = (p: typeof open) =>
      Object.entries(p.spec!.selector!.matchLabels!)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
    const victim = (
      await core.listNamespacedPod({ namespace: open.metadata!.namespace!, labelSelector: sel(open) })
    ).items.find(ready)!;
    await core.createNamespacedPodEviction({
      name: victim.metadata!.name!,
      namespace: victim.metadata!.namespace!,
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: victim.metadata!.name!, namespace: victim.metadata!.namespace! },
      },
    });
    const after = await core
      .readNamespacedPod({ name: victim.metadata!.name!, namespace: victim.metadata!.namespace! })
      .catch(() => undefined);
    if (after) expect(after.metadata?.deletionTimestamp).toBeTruthy();
    await waitFor(
      async () =>
        await core.readNamespacedPod({ name: victim.metadata!.name!, namespace: victim.metadata!.namespace! }).then(
          (p) => p.metadata?.uid !== victim.metadata?.uid,
          () => true,
        ),
      'evicted pod gone',
    );

    const guarded = (await core.listNamespacedPod({ namespace: never.metadata!.namespace!, labelSelector: sel(never) }))
      .items[0];
    const st = await expectApiError(
      core.createNamespacedPodEviction({
        name: guarded.metadata!.name!,
        namespace: guarded.metadata!.namespace!,
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: guarded.metadata!.name!, namespace: guarded.metadata!.namespace! },
        },
      }),
    );
    expect(st.code).toBe(429);
    expect(st.reason).toBe('TooManyRequests');
    expect(st.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(st.details?.causes?.[0]).toMatchObject({ reason: 'DisruptionBudget' });
    expect(st.details?.causes?.[0].message).toMatch(
      new RegExp(`^The disruption budget ${never.metadata!.name} needs \\d+ healthy pods and has \\d+ currently$`),
    );
  });

  it('answers 500 when more than one PDB matches the pod', async () => {
    const pdb = (await policy.listPodDisruptionBudgetForAllNamespaces()).items.find(
      (p) => (p.status?.disruptionsAllowed ?? 0) > 0 && p.metadata?.namespace !== 'kube-system',
    )!;
    const ns = pdb.metadata!.namespace!;
    await policy.createNamespacedPodDisruptionBudget({
      namespace: ns,
      body: { metadata: { name: 'overlap' }, spec: { maxUnavailable: 1, selector: pdb.spec!.selector } },
    });
    const sel = Object.entries(pdb.spec!.selector!.matchLabels!)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pod = (await core.listNamespacedPod({ namespace: ns, labelSelector: sel })).items.find(ready)!;
    const st = await expectApiError(
      core.createNamespacedPodEviction({
        name: pod.metadata!.name!,
        namespace: ns,
        body: { metadata: { name: pod.metadata!.name!, namespace: ns } },
      }),
    );
    expect(st.code).toBe(500);
    expect(st.message).toBe(
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
    await policy.deleteNamespacedPodDisruptionBudget({ name: 'overlap', namespace: ns });
  });

  it('gives the read-only identity 403 on writes and answers SelfSubjectAccessReviews', async () => {
    const ro = new KubeConfig();
    ro.loadFromFile(t.kubeconfigPath);
    ro.setCurrentContext('sandbox-readonly');
    const roCore = ro.makeApiClient(CoreV1Api);
    expect((await roCore.listNode()).items.length).toBe(9);
    const st = await expectApiError(
      roCore.patchNode(
        { name: 'blue-1', body: { spec: { unschedulable: true } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(st.code).toBe(403);
    expect(st.message).toContain('cannot patch resource "nodes"');
    const review = (api: AuthorizationV1Api, verb: string) =>
      api.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb, resource: 'pods', subresource: 'eviction', group: '' } } },
      });
    expect((await review(t.kc.makeApiClient(AuthorizationV1Api), 'create')).status?.allowed).toBe(true);
    expect((await review(ro.makeApiClient(AuthorizationV1Api), 'create')).status?.allowed).toBe(false);
    expect((await review(ro.makeApiClient(AuthorizationV1Api), 'list')).status?.allowed).toBe(true);
  });

  it('rejects bad tokens with 401 and a Status body', async () => {
    const r = await raw(t, '/api/v1/nodes', { token: 'wrong' });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text)).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
  });
});
