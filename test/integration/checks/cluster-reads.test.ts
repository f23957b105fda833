/**
 * The adapter reads preflight added to KubeClusterClient, against the sandbox: pods read in protobuf (the
 * same views as from JSON) with every filter, errors as ClusterApiError, metadata lists of a
 * collection (404 → undefined), secrets by label a page at a time, and access reviews.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterApiError, type KubeClusterClient } from '../../../src/cluster/index.js';
import { rawPaginate, type RawResponse } from '../../../src/cluster/transport/raw-list.js';
import { toPodInfo } from '../../../src/cluster/adapter/views.js';
import { SandboxAdminClient } from '../../../src/sandbox/index.js';
import { startEnv, type Env } from './helpers.js';

describe('KubeClusterClient preflight reads', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv({ controlPlanes: 1 });
  });
  afterAll(() => env?.t.stop());

  it('lists pods like the typed client, with every filter', async () => {
    const typed = (await env.core.listPodForAllNamespaces()).items;
    const all = await env.client.listPods();
    expect(all.map((p) => `${p.namespace}/${p.name}`).sort()).toEqual(
      typed.map((p) => `${p.metadata!.namespace}/${p.metadata!.name}`).sort(),
    );
    const mirror = all.find((p) => p.name === 'kube-apiserver-cp-1');
    expect(mirror).toMatchObject({
      mirror: true,
      nodeName: 'cp-1',
      ready: true,
      labels: { component: 'kube-apiserver' },
    });
    expect(mirror?.requests.cpuMilli).toBe(250);
    expect((await env.client.listPods({ namespace: 'payments' })).every((p) => p.namespace === 'payments')).toBe(true);
    expect((await env.client.listPods({ nodeName: 'blue-1' })).every((p) => p.nodeName === 'blue-1')).toBe(true);
    expect((await env.client.listPods({ labelSelector: 'app=ledger' })).map((p) => p.labels.app)).toEqual([
      'ledger',
      'ledger',
    ]);
  });

  it('reads pods in protobuf, into the same views as the JSON list gives', async () => {
    const ns = 'default';
    const pod = (name: string, spec: object, metadata: object = {}) =>
      env.core.createNamespacedPod({
        namespace: ns,
        body: { metadata: { name, ...metadata }, spec: { containers: [{ name: 'c', image: 'img:1' }], ...spec } },
      });
    await pod('pb-volumes', {
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'x' } },
      ],
      nodeSelector: { pool: 'blue' },
      tolerations: [
        { operator: 'Exists' },
        { key: 'gpu', operator: 'Equal', value: 'yes', effect: 'NoSchedule', tolerationSeconds: 60 },
      ],
    });
    await pod('pb-init', {
      initContainers: [{ name: 'i', image: 'busybox', resources: { requests: { cpu: '2', memory: '1Gi' } } }],
      containers: [
        { name: 'a', image: 'a', resources: { requests: { cpu: '100m', memory: '3Gi' } } },
        { name: 'b', image: 'b' },
      ],
    });
    await pod('pb-unicode', {}, { labels: { team: 'équipe', emoji: '🚀' }, annotations: { note: 'ünïcödé' } });
    const answers: RawResponse[] = [];
    const client: KubeClusterClient = env.client;
    const rawGet = client.rawGet.bind(client);
    // The two lists are taken one after the other while the sandbox's scheduler and kubelets act on the new
    // pods, so they are compared once two consecutive reads agree (a wrong decoding never agrees).
    let viaProtobuf: Awaited<ReturnType<KubeClusterClient['listPods']>> = [];
    let viaJson: typeof viaProtobuf = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      client.rawGet = async (path, accept, onHead) => {
        const r = await rawGet(path, accept, onHead);
        answers.push(r);
        return r;
      };
      try {
        viaProtobuf = await client.listPods();
      } finally {
        delete (client as Partial<KubeClusterClient>).rawGet; // back to the prototype's
      }
      viaJson = (await rawPaginate(rawGet, 'list pods', '/api/v1/pods', {}, 500, toPodInfo)) ?? [];
      if (JSON.stringify(viaProtobuf) === JSON.stringify(viaJson)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((r) => r.bytes !== undefined)).toBe(true);
    expect(viaProtobuf).toEqual(viaJson);
    expect(viaProtobuf.find((p) => p.name === 'pb-volumes')).toMatchObject({
      emptyDirVolumes: ['scratch'],
      nodeSelector: { pool: 'blue' },
    });
    expect(viaProtobuf.find((p) => p.name === 'pb-init')?.requests).toEqual({
      cpuMilli: 2000,
      memoryBytes: 3 * 2 ** 30,
      pods: 1,
    });
    expect(viaProtobuf.find((p) => p.name === 'pb-unicode')?.labels).toEqual({ team: 'équipe', emoji: '🚀' });
    for (const name of ['pb-volumes', 'pb-init', 'pb-unicode'])
      await env.core.deleteNamespacedPod({ namespace: ns, name, gracePeriodSeconds: 0 });
  });

  it('turns API failures into ClusterApiError', async () => {
    const admin = SandboxAdminClient.fromKubeconfig(env.t.kubeconfigPath);
    await admin.addFault({ type: 'api-errors', rate: 1, code: 503, pathPrefix: '/api/v1/pods' });
    try {
      await expect(env.client.listPods()).rejects.toSatisfy(
        (e) =>
          e instanceof ClusterApiError &&
          e.status === 503 &&
          e.message.startsWith('list pods: sandbox: injected fault'),
      );
    } finally {
      await admin.clearFaults();
    }
  });

  it('lists metadata of a collection, and undefined for one the server does not serve', async () => {
    const pdbs = await env.client.listObjectMeta('/apis/policy/v1/poddisruptionbudgets');
    expect(pdbs?.map((p) => `${p.namespace}/${p.name}`)).toContain('payments/ledger');
    expect(await env.client.listObjectMeta('/apis/policy/v1beta1/podsecuritypolicies')).toBeUndefined();
  });

  it('reads secrets by label, page by page', async () => {
    for (let i = 0; i < 60; i++) {
      await env.core.createNamespacedSecret({
        namespace: 'default',
        body: {
          metadata: { name: `s-${i}`, labels: { owner: i % 2 ? 'helm' : 'me' } },
          data: { k: Buffer.from(String(i)).toString('base64') },
        },
      });
    }
    const seen: string[] = [];
    await env.client.forEachSecret('owner=helm', (s) =>
      seen.push(`${s.name}=${Buffer.from(s.data.k ?? '', 'base64').toString()}`),
    );
    expect(seen).toHaveLength(30);
    expect(seen).toContain('s-59=59');
  });

  it('answers access reviews', async () => {
    expect(
      await env.client.canI({ verb: 'create', group: '', resource: 'pods', subresource: 'eviction' }),
    ).toMatchObject({ allowed: true });
  });
});
