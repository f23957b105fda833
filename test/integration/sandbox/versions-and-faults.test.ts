/**
 * The sandbox's version-dependent API surface (discovery and removed group-versions, the deprecated-API
 * metric), watch expiry, the node side (kubeadm rules, upgrade counts) and each injectable fault.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiException, CoreV1Api, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { SandboxAdminClient } from '../../../src/sandbox/index.js';
import { raw, startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';

const pdbV1beta1 = {
  apiVersion: 'policy/v1beta1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'legacy' },
  spec: { minAvailable: 1, selector: { matchLabels: { app: 'x' } } },
};

describe('sandbox versions, node side and faults', () => {
  let t: TestSandbox | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('serves policy/v1beta1 at v1.24, records its use in /metrics, and stops serving it at v1.25', async () => {
    t = await startTestSandbox({
      version: 'v1.24.17',
      workload: { kind: 'none' },
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 1 }],
    });
    const apis = JSON.parse((await raw(t, '/apis')).text);
    const policy = apis.groups.find((g: { name: string }) => g.name === 'policy');
    expect(policy.versions.map((v: { version: string }) => v.version)).toEqual(['v1', 'v1beta1']);
    const created = await raw(t, '/apis/policy/v1beta1/namespaces/default/poddisruptionbudgets', {
      method: 'POST',
      body: pdbV1beta1,
    });
    expect(created.status).toBe(201);
    expect(created.headers.warning).toContain(
      'policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+',
    );
    const stored = JSON.parse((await raw(t, '/apis/policy/v1/namespaces/default/poddisruptionbudgets/legacy')).text);
    expect(stored.apiVersion).toBe('policy/v1');
    expect(stored.metadata.managedFields[0].apiVersion).toBe('policy/v1beta1');
    const metrics = (await raw(t, '/metrics')).text;
    expect(metrics).toContain(
      'apiserver_requested_deprecated_apis{group="policy",removed_release="1.25",resource="poddisruptionbudgets",subresource="",version="v1beta1"} 1',
    );
    await t.stop();

    t = await startTestSandbox({
      version: 'v1.25.16',
      workload: { kind: 'none' },
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 1 }],
    });
    const apis25 = JSON.parse((await raw(t, '/apis')).text);
    expect(
      apis25.groups
        .find((g: { name: string }) => g.name === 'policy')
        .versions.map((v: { version: string }) => v.version),
    ).toEqual(['v1']);
    expect((await raw(t, '/apis/policy/v1beta1')).status).toBe(404);
    expect(
      (
        await raw(t, '/apis/policy/v1beta1/namespaces/default/poddisruptionbudgets', {
          method: 'POST',
          body: pdbV1beta1,
        })
      ).status,
    ).toBe(404);
  });

  it('answers aggregated discovery in the flavour asked for', async () => {
    t = await startTestSandbox({ workload: { kind: 'none' }, controlPlanes: 1, pools: [] });
    const v2 = await raw(t, '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    expect(v2.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const beta = await raw(t, '/api', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
    });
    const doc = JSON.parse(beta.text);
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    const pods = doc.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
    expect(pods.subresources).toContainEqual({
      subresource: 'eviction',
      responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
      verbs: ['create'],
    });
    const legacy = JSON.parse((await raw(t, '/api/v1')).text);
    expect(legacy.resources).toContainEqual({
      name: 'pods/eviction',
      singularName: '',
      namespaced: true,
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create'],
    });
  });

  it('ends a watch from a resourceVersion older than its history with 410 Expired', async () => {
    t = await startTestSandbox({
      workload: { kind: 'none' },
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 1 }],
      historySize: 20,
    });
    const core = t.kc.makeApiClient(CoreV1Api);
    const rv = (await core.listNode()).metadata!.resourceVersion!;
    for (let i = 0; i < 30; i++)
      await core.patchNode(
        { name: 'blue-1', body: { metadata: { labels: { n: String(i) } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const events: { type: string; code?: number; reason?: string }[] = [];
    await new Promise<void>((resolve) => {
      void new Watch(t!.kc).watch(
        '/api/v1/nodes',
        { resourceVersion: rv },
        (type, obj) => events.push({ type, code: obj.code, reason: obj.reason }),
        () => resolve(),
      );
    });
    expect(events).toEqual([{ type: 'ERROR', code: 410, reason: 'Expired' }]);
  });

  it('upgrades machines like kubeadm, counts upgrades, and refuses what kubeadm refuses', async () => {
    t = await startTestSandbox({
      version: 'v1.30.6',
      workload: { kind: 'none' },
      controlPlanes: 2,
      pools: [{ name: 'blue', count: 1 }],
    });
    const admin = SandboxAdminClient.fromKubeconfig(t.kubeconfigPath);
    const core = t.kc.makeApiClient(CoreV1Api);
    await expect(admin.upgrade('cp-1', 'v1.32.0')).rejects.toThrow(
      /too high; kubeadm can upgrade only 1 minor version at a time/,
    );
    await expect(admin.upgrade('blue-1', 'v1.31.2')).rejects.toThrow(/newer than the API server/);
    await expect(admin.upgrade('blue-1', 'v1.29.0')).rejects.toThrow(/downgrade/);
    await expect(admin.upgrade('nope', 'v1.31.2')).rejects.toThrow(/no such node/);

    const r = await admin.upgrade('cp-1', 'v1.31.2');
    expect(r.message).toContain('upgraded cp-1 from v1.30.6 to v1.31.2');
    const apiserver = await core.readNamespacedPod({ name: 'kube-apiserver-cp-1', namespace: 'kube-system' });
    expect(apiserver.spec?.containers[0].image).toBe('registry.k8s.io/kube-apiserver:v1.31.2');
    await waitFor(
      async () => (await core.readNode({ name: 'cp-1' })).status?.nodeInfo?.kubeletVersion === 'v1.31.2',
      'cp-1 kubelet at v1.31.2',
    );
    // The cluster reports its oldest apiserver until every control-plane node is upgraded.
    expect((await admin.machines()).version).toBe('v1.30.6');
    await admin.upgrade('cp-2', 'v1.31.2');
    expect((await admin.machines()).version).toBe('v1.31.2');
    await admin.upgrade('blue-1', 'v1.31.2');
    await waitFor(async () => {
      const n = await core.readNode({ name: 'blue-1' });
      return (
        n.status?.nodeInfo?.kubeletVersion === 'v1.31.2' &&
        n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
      );
    }, 'blue-1 Ready at v1.31.2');
    const again = await admin.upgrade('blue-1', 'v1.31.2');
    expect(again.message).toContain('already runs v1.31.2');
    const machines = Object.fromEntries((await admin.machines()).machines.map((m) => [m.name, m]));
    expect(machines['cp-1'].upgrades).toBe(1);
    expect(machines['blue-1'].upgrades).toBe(1);
    expect(machines['blue-1'].upgradeCommands).toBe(2);
  });

  it('injects node-never-ready and upgrade-fails', async () => {
    t = await startTestSandbox({ workload: { kind: 'none' }, controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
    const admin = SandboxAdminClient.fromKubeconfig(t.kubeconfigPath);
    const core = t.kc.makeApiClient(CoreV1Api);
    await admin.addFault({ type: 'upgrade-fails', node: 'blue-2', times: 1 });
    await expect(admin.upgrade('blue-2', 'v1.31.4')).rejects.toThrow(/injected fault/);
    await admin.addFault({ type: 'node-never-ready', node: 'blue-1' });
    await admin.upgrade('cp-1', 'v1.31.5').catch(() => undefined);
    await admin.upgrade('cp-1', 'v1.31.5').catch(() => undefined);
    await admin.upgrade('blue-1', 'v1.31.5');
    await waitFor(
      async () =>
        (await core.readNode({ name: 'blue-1' })).status?.conditions?.find((c) => c.type === 'Ready')?.status ===
        'False',
      'blue-1 NotReady',
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect((await core.readNode({ name: 'blue-1' })).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe(
      'False',
    );
    await admin.clearFaults();
    await waitFor(
      async () =>
        (await core.readNode({ name: 'blue-1' })).status?.conditions?.find((c) => c.type === 'Ready')?.status ===
        'True',
      'blue-1 Ready after the fault is cleared',
    );
  });

  it('injects API errors, stalled requests and dropped watches', async () => {
    t = await startTestSandbox({ workload: { kind: 'none' }, controlPlanes: 1, pools: [{ name: 'blue', count: 1 }] });
    const admin = SandboxAdminClient.fromKubeconfig(t.kubeconfigPath);
    const core = t.kc.makeApiClient(CoreV1Api);
    await admin.addFault({ type: 'api-errors', rate: 1, code: 503, pathPrefix: '/api/v1/nodes' });
    const e = await core.listNode().catch((x) => x);
    expect(e).toBeInstanceOf(ApiException);
    expect((e as ApiException<string>).code).toBe(503);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    await admin.clearFaults();

    await admin.addFault({ type: 'stall-requests', pathPrefix: '/api/v1/namespaces', count: 1 });
    let done = false;
    const stalled = core.listNamespace().then(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    await admin.clearFaults();
    await stalled;
    expect(done).toBe(true);

    let ended = false;
    await new Watch(t.kc).watch(
      '/api/v1/nodes',
      {},
      () => {},
      () => (ended = true),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(ended).toBe(false);
    await admin.addFault({ type: 'drop-watches' });
    await waitFor(() => ended, 'watch ended by the fault');
  });
});
