/**
 * `sandbox up --etcd`: every object is kept in a real etcd under /registry (as kube-apiserver lays it out),
 * and the node side's restore-etcd brings the cluster back to a snapshot taken with `etcdctl snapshot save`:
 * later objects vanish, deleted ones return, watches end and old resourceVersions get 410, controllers resync.
 * Skipped (with a message) when etcd is not installed, unless CI=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, AppsV1Api, CoreV1Api, Watch, type V1Pod } from '@kubernetes/client-node';
import { SandboxAdminClient, AdminError } from '../../../src/sandbox/index.js';
import { raw, startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { kubectlAvailable, kubectlRunner } from '../../helpers/kubectl.js';
import { etcdInstalled, etcdctl } from './etcd-helpers.js';

const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

async function refusal(p: Promise<unknown>): Promise<AdminError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AdminError) return e;
    throw e;
  }
  throw new Error('expected the admin API to refuse');
}

async function notFound(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    if (e instanceof ApiException && e.code === 404) return true;
    throw e;
  }
}

describe.skipIf(!etcdInstalled)('sandbox --etcd', () => {
  let t: TestSandbox;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let admin: SandboxAdminClient;
  let endpoint: string;

  beforeAll(async () => {
    t = await startTestSandbox({ etcd: true });
    core = t.kc.makeApiClient(CoreV1Api);
    apps = t.kc.makeApiClient(AppsV1Api);
    admin = SandboxAdminClient.fromKubeconfig(t.kubeconfigPath);
    endpoint = t.sandbox.etcd!.endpoints[0];
    await waitFor(async () => {
      const pods = (await core.listPodForAllNamespaces()).items;
      return pods.length > 20 && pods.every(ready);
    }, 'demo pods Ready');
  }, 60_000);
  afterAll(() => t?.stop());

  it('keeps every object in etcd under /registry, as kube-apiserver does', async () => {
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await admin.etcd()).toMatchObject({
      endpoints: [endpoint],
      member: 'cp-1',
      dataDir: t.sandbox.etcd!.dataDir(),
    });
    await t.sandbox.etcd!.flushed();
    const keys = new Set(
      (await etcdctl(endpoint, 'get', '/registry/', '--prefix', '--keys-only')).split('\n').filter(Boolean),
    );
    const pods = (await core.listPodForAllNamespaces()).items;
    for (const p of pods) expect(keys).toContain(`/registry/pods/${p.metadata!.namespace}/${p.metadata!.name}`);
    for (const n of (await core.listNode()).items) expect(keys).toContain(`/registry/minions/${n.metadata!.name}`);
    for (const d of (await apps.listDeploymentForAllNamespaces()).items)
      expect(keys).toContain(`/registry/deployments/${d.metadata!.namespace}/${d.metadata!.name}`);
    expect(keys).toContain('/registry/namespaces/shop');
    expect(keys).toContain('/registry/poddisruptionbudgets/shop/frontend');
    expect(keys).toContain('/registry/leases/kube-node-lease/blue-1');
    const value = JSON.parse(
      await etcdctl(endpoint, 'get', '/registry/deployments/shop/frontend', '--print-value-only'),
    );
    expect(value).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'frontend', namespace: 'shop' },
      spec: { replicas: 5 },
    });
    expect(value.metadata.resourceVersion).toBeUndefined();
  });

  it.skipIf(!kubectlAvailable())('kubectl sees the demo workload as without etcd', async () => {
    const kubectl = kubectlRunner(t.kubeconfigPath);
    const r = await kubectl('get', 'deployments', '-n', 'shop', '-o', 'name');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').sort()).toEqual([
      'deployment.apps/cart',
      'deployment.apps/catalog',
      'deployment.apps/frontend',
    ]);
    const pods = await kubectl('get', 'pods', '-A', '--no-headers');
    expect(pods.exitCode).toBe(0);
    expect(pods.stdout).toMatch(/shop\s+frontend-\S+\s+1\/1\s+Running/);
  });

  it('follows creates, updates and deletes in order', async () => {
    await core.createNamespace({ body: { metadata: { name: 'etcd-follow', labels: { step: '1' } } } });
    await core.patchNamespace({
      name: 'etcd-follow',
      body: [{ op: 'replace', path: '/metadata/labels/step', value: '2' }],
    });
    await t.sandbox.etcd!.flushed();
    expect(
      JSON.parse(await etcdctl(endpoint, 'get', '/registry/namespaces/etcd-follow', '--print-value-only')).metadata
        .labels,
    ).toEqual({ step: '2' });
    await core.deleteNamespace({ name: 'etcd-follow' });
    await waitFor(() => notFound(core.readNamespace({ name: 'etcd-follow' })), 'namespace gone');
    await t.sandbox.etcd!.flushed();
    expect(await etcdctl(endpoint, 'get', '/registry/namespaces/etcd-follow', '--keys-only')).toBe('');
  });

  it('restore-etcd brings the cluster back to the snapshot; watches end, old resourceVersions get 410, controllers resync', async () => {
    await t.sandbox.etcd!.flushed();
    const snapshot = join(t.dir, 'before.db');
    await etcdctl(endpoint, 'snapshot', 'save', snapshot);

    // After the snapshot: a new namespace and deployment, and a deleted pod (replaced by its ReplicaSet).
    await core.createNamespace({ body: { metadata: { name: 'after-snapshot' } } });
    await apps.createNamespacedDeployment({
      namespace: 'after-snapshot',
      body: {
        metadata: { name: 'late' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'late' } },
          template: { metadata: { labels: { app: 'late' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
        },
      },
    });
    const victim = (await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=cart' })).items[0];
    const victimName = victim.metadata!.name!;
    await core.deleteNamespacedPod({ namespace: 'shop', name: victimName, gracePeriodSeconds: 0 });
    await waitFor(() => notFound(core.readNamespacedPod({ namespace: 'shop', name: victimName })), 'victim pod gone');
    await waitFor(
      async () => (await core.listNamespacedPod({ namespace: 'after-snapshot' })).items.length === 2,
      'late pods',
    );
    const before = await core.listPodForAllNamespaces();
    const oldRv = before.metadata!.resourceVersion!;

    // A watch opened before the restore.
    let watchEnded = false;
    const w = await new Watch(t.kc).watch(
      '/api/v1/pods',
      { resourceVersion: oldRv },
      () => {},
      () => {
        watchEnded = true;
      },
    );

    // The API is down while the apiserver is stopped; the admin API keeps answering.
    const restoring = admin.restoreEtcd('cp-1', snapshot);
    let saw503 = false;
    let done = false;
    restoring.finally(() => (done = true)).catch(() => {});
    while (!done) {
      const r = await raw(t, '/api/v1/namespaces');
      if (r.status === 503) saw503 = true;
      await new Promise((r) => setTimeout(r, 5));
    }
    const result = await restoring;
    expect(result).toMatchObject({ node: 'cp-1', member: 'cp-1', restored: true, snapshot });
    expect(result.dataDir).not.toBe(join(t.dir, 'data'));
    expect(saw503).toBe(true);
    expect(await admin.etcd()).toMatchObject({ endpoints: [endpoint], dataDir: result.dataDir, restores: 1 });

    // Later objects are gone; the deleted pod is back, as in the snapshot.
    expect(await notFound(core.readNamespace({ name: 'after-snapshot' }))).toBe(true);
    expect(await notFound(apps.readNamespacedDeployment({ namespace: 'after-snapshot', name: 'late' }))).toBe(true);
    expect((await core.readNamespacedPod({ namespace: 'shop', name: victimName })).metadata!.uid).toBe(
      victim.metadata!.uid,
    );

    // Watches ended; a re-watch from the old resourceVersion gets 410 Expired; a fresh list works, at a higher RV.
    await waitFor(() => watchEnded, 'the watch opened before the restore to end');
    w.abort();
    const rewatch = await raw(t, `/api/v1/pods?watch=1&resourceVersion=${oldRv}`);
    expect(JSON.parse(rewatch.text.trim().split('\n')[0])).toMatchObject({
      type: 'ERROR',
      object: { code: 410, reason: 'Expired' },
    });
    const after = await core.listPodForAllNamespaces();
    expect(Number(after.metadata!.resourceVersion)).toBeGreaterThan(Number(oldRv));
    expect(after.items.some((p) => p.metadata!.name === victimName)).toBe(true);

    // Controllers keep working: a deployment scaled after the restore gets its pods, Ready.
    await apps.patchNamespacedDeployment({
      namespace: 'payments',
      name: 'api',
      body: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
    });
    await waitFor(
      async () =>
        (await core.listNamespacedPod({ namespace: 'payments', labelSelector: 'app=api' })).items.filter(ready)
          .length === 5,
      'payments/api at 5 Ready pods',
    );
    // … and what they write reaches the restored etcd.
    await t.sandbox.etcd!.flushed();
    expect(
      JSON.parse(await etcdctl(endpoint, 'get', '/registry/deployments/payments/api', '--print-value-only')).spec
        .replicas,
    ).toBe(5);
    expect(await etcdctl(endpoint, 'get', '/registry/namespaces/after-snapshot', '--keys-only')).toBe('');
  }, 60_000);

  it('further control-plane nodes of the same restore session do not restore again; refusals are clear', async () => {
    const snapshot = join(t.dir, 'before.db');
    const second = await admin.restoreEtcd('cp-2', snapshot);
    expect(second).toMatchObject({ node: 'cp-2', restored: false });
    expect(second.message).toMatch(/single etcd member \(cp-1\).*already restored.*cp-1/);
    expect((await admin.etcd()).restores).toBe(1);

    const worker = await refusal(admin.restoreEtcd('blue-1', snapshot));
    expect(worker.status).toBe(422);
    expect(worker.message).toMatch(/blue-1 is a worker/);
    const missing = await refusal(admin.restoreEtcd('cp-1', join(t.dir, 'nope.db')));
    expect(missing.status).toBe(422);
    expect(missing.message).toMatch(/cannot be read/);
    const garbage = join(t.dir, 'garbage.db');
    writeFileSync(garbage, 'not a snapshot');
    const invalid = await refusal(admin.restoreEtcd('cp-1', garbage));
    expect(invalid.status).toBe(422);
    expect(invalid.message).toMatch(/not a usable etcd snapshot/);
    expect((await refusal(admin.restoreEtcd('nope', snapshot))).status).toBe(404);
    // Nothing was touched by the refusals: the API serves, etcd was restored once.
    expect((await admin.etcd()).restores).toBe(1);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(3);
  });

  it('does not rewind the machines: after an upgrade, the restored API shows what they really run; a downgrade then brings them back', async () => {
    await t.sandbox.etcd!.flushed();
    const snapshot = join(t.dir, 'before-upgrade.db');
    await etcdctl(endpoint, 'snapshot', 'save', snapshot);
    await admin.upgrade('cp-1', 'v1.32.0');
    const nodeVersion = async (name: string) => (await core.readNode({ name })).status?.nodeInfo?.kubeletVersion;
    await waitFor(async () => (await nodeVersion('cp-1')) === 'v1.32.0', 'cp-1 kubelet at v1.32.0');

    const r = await admin.restoreEtcd('cp-3', snapshot);
    expect(r).toMatchObject({ node: 'cp-3', restored: true });
    expect((await admin.etcd()).restores).toBe(2);
    // The snapshot's Node object said v1.31.4, but the kubelet on cp-1 runs v1.32.0 and re-posts it.
    expect(await nodeVersion('cp-1')).toBe('v1.32.0');
    expect((await admin.machines()).machines.find((m) => m.name === 'cp-1')).toMatchObject({
      kubeletVersion: 'v1.32.0',
      controlPlaneVersion: 'v1.32.0',
    });
    await waitFor(
      async () =>
        (await core.readNamespacedPod({ namespace: 'kube-system', name: 'kube-apiserver-cp-1' })).spec!.containers[0]
          .image === 'registry.k8s.io/kube-apiserver:v1.32.0',
      'the kube-apiserver mirror pod of cp-1 to show the manifest on disk',
    );

    await admin.downgrade('cp-1', 'v1.31.4');
    await waitFor(async () => (await nodeVersion('cp-1')) === 'v1.31.4', 'cp-1 kubelet back at v1.31.4');
    expect((await admin.machines()).machines.find((m) => m.name === 'cp-1')).toMatchObject({
      controlPlaneVersion: 'v1.31.4',
      upgrades: 1,
      downgrades: 1,
    });
    // The same snapshot for cp-1 afterwards: cp-1 is not yet in this session (cp-3 started it), so no second restore.
    expect(await admin.restoreEtcd('cp-1', snapshot)).toMatchObject({ restored: false });
    expect((await admin.etcd()).restores).toBe(2);
  }, 60_000);

  it('concurrent calls for every control-plane node with one snapshot restore the member once', async () => {
    await t.sandbox.etcd!.flushed();
    const snapshot = join(t.dir, 'concurrent.db');
    await etcdctl(endpoint, 'snapshot', 'save', snapshot);
    const results = await Promise.all(['cp-1', 'cp-2', 'cp-3'].map((n) => admin.restoreEtcd(n, snapshot)));
    expect(results.filter((r) => r.restored)).toHaveLength(1);
    expect(results.map((r) => r.node)).toEqual(['cp-1', 'cp-2', 'cp-3']);
    expect((await admin.etcd()).restores).toBe(3);
    expect((await core.listNamespace()).items.map((n) => n.metadata!.name)).toContain('shop');
  }, 30_000);
});
