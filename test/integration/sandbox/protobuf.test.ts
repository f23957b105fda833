/**
 * Pods in Kubernetes' protobuf wire format over real HTTPS, as a client with the sandbox kubeconfig asks
 * for them (`Accept: application/vnd.kubernetes.protobuf, application/json`): the `k8s\0` magic and the
 * runtime.Unknown envelope, PodList items equal to the JSON items, pagination with the continue token in
 * ListMeta, single gets, what stays JSON (other resources, Tables, JSON-first Accept headers), the JSON
 * fallback (and 406 without one) for a pod the encoder cannot represent, and the demo workload's round trip.
 */
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { encodePod } from '../../../src/sandbox/http/protobuf/pod-codec.js';
import { Pod, PodList } from '../../../src/sandbox/http/protobuf/pod-schema.js';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { decodeEnvelope, decodeMessage, withoutEmptyCollections } from '../../helpers/protobuf-decoder.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const PROTOBUF_OR_JSON = `${PROTOBUF}, application/json`;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

type Json = Record<string, unknown>;

/** A request with the kubeconfig's CA and token, the response body kept as bytes. */
function call(t: TestSandbox, method: string, path: string, accept: string, body?: unknown): Promise<RawResponse> {
  const cluster = t.kc.getCurrentCluster()!;
  const user = t.kc.getCurrentUser()!;
  const url = new URL(cluster.server);
  const data = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string | number> = { Authorization: `Bearer ${user.token}`, Accept: accept };
  if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: url.hostname, port: url.port, path, method, ca: Buffer.from(cluster.caData!, 'base64'), headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const get = (t: TestSandbox, path: string, accept: string) => call(t, 'GET', path, accept);

/** Decodes a protobuf PodList response; items get the TypeMeta a client takes from the list. */
function podList(r: RawResponse): { metadata: Json; items: Json[] } {
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe(PROTOBUF);
  expect(Number(r.headers['content-length'])).toBe(r.body.length);
  expect(r.body.subarray(0, 4).toString('latin1')).toBe('k8s\0');
  const env = decodeEnvelope(r.body);
  expect(env).toMatchObject({ apiVersion: 'v1', kind: 'PodList', contentEncoding: '', contentType: '' });
  const list = decodeMessage(env.raw, PodList) as { metadata?: Json; items?: Json[] };
  return {
    metadata: list.metadata ?? {},
    items: (list.items ?? []).map((p) => ({ apiVersion: 'v1', kind: 'Pod', ...p })),
  };
}

const byName = (items: Json[]) =>
  new Map(items.map((p) => [`${(p.metadata as Json).namespace}/${(p.metadata as Json).name}`, p]));
const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('pods in protobuf', () => {
  let t: TestSandbox;
  let core: CoreV1Api;

  beforeAll(async () => {
    t = await startTestSandbox();
    core = t.kc.makeApiClient(CoreV1Api);
    await waitFor(
      async () =>
        (await core.listPodForAllNamespaces()).items
          .filter((p) => p.metadata?.ownerReferences?.[0]?.kind !== 'Node')
          .every(ready),
      'demo pods Ready',
    );
  });
  afterAll(() => t?.stop());

  it('round-trips every pod of the demo workload', () => {
    const pods = t.sandbox.cluster.store.list('pods');
    expect(pods.length).toBeGreaterThan(20);
    for (const p of pods)
      expect({ apiVersion: 'v1', kind: 'Pod', ...decodeMessage(encodePod(p), Pod) }, p.metadata.name).toStrictEqual(
        withoutEmptyCollections(p, Pod),
      );
  });

  it('lists pods in the envelope, the items equal to the JSON list', async () => {
    const pb = podList(await get(t, '/api/v1/pods', PROTOBUF_OR_JSON));
    const json = JSON.parse((await get(t, '/api/v1/pods', 'application/json')).body.toString('utf8')) as {
      metadata: Json;
      items: Json[];
    };
    expect(pb.items.length).toBe(json.items.length);
    expect(pb.metadata.resourceVersion).toMatch(/^\d+$/);
    const jsonByName = byName(json.items);
    let same = 0;
    for (const [key, item] of byName(pb.items)) {
      const j = jsonByName.get(key);
      expect(j, key).toBeDefined();
      // A controller may have written the pod between the two requests; compare the ones that did not change.
      if ((j!.metadata as Json).resourceVersion !== (item.metadata as Json).resourceVersion) continue;
      expect(item).toStrictEqual(withoutEmptyCollections(j, Pod));
      same++;
    }
    expect(same).toBeGreaterThan(pb.items.length / 2);
    expect(t.sandbox.server.metrics.protobuf.responses).toBeGreaterThan(0);
  });

  it('paginates with limit and the continue token carried in ListMeta', async () => {
    const all = podList(await get(t, '/api/v1/pods', PROTOBUF_OR_JSON)).items;
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = podList(
        await get(t, `/api/v1/pods?limit=7${token ? `&continue=${encodeURIComponent(token)}` : ''}`, PROTOBUF_OR_JSON),
      );
      expect(page.items.length).toBeLessThanOrEqual(7);
      token = page.metadata.continue as string | undefined;
      if (token) expect(page.metadata.remainingItemCount).toBe(all.length - seen.length - page.items.length);
      seen.push(...page.items.map((p) => `${(p.metadata as Json).namespace}/${(p.metadata as Json).name}`));
      pages++;
    } while (token && pages < 100);
    expect(pages).toBe(Math.ceil(all.length / 7));
    expect(seen).toEqual([...byName(all).keys()]);
  });

  it('serves a namespaced list and a single pod', async () => {
    const ns = t.sandbox.cluster.store.list('pods').find((p) => p.metadata.namespace !== 'kube-system')!.metadata
      .namespace!;
    const list = podList(await get(t, `/api/v1/namespaces/${ns}/pods`, PROTOBUF_OR_JSON));
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((p) => (p.metadata as Json).namespace === ns)).toBe(true);
    const name = (list.items[0].metadata as Json).name as string;
    const r = await get(t, `/api/v1/namespaces/${ns}/pods/${name}`, PROTOBUF);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(PROTOBUF);
    const env = decodeEnvelope(r.body);
    expect(env).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    const stored = t.sandbox.cluster.store.get('pods', ns, name)!;
    expect({ apiVersion: 'v1', kind: 'Pod', ...decodeMessage(env.raw, Pod) }).toStrictEqual(
      withoutEmptyCollections(stored, Pod),
    );
  });

  it('shows a pod change at once (the cached bytes are replaced)', async () => {
    const p = t.sandbox.cluster.store.list('pods').find((x) => x.metadata.namespace !== 'kube-system')!;
    const path = `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`;
    await core.patchNamespacedPod({
      name: p.metadata.name,
      namespace: p.metadata.namespace!,
      body: [{ op: 'add', path: '/metadata/labels/protobuf-test', value: 'çа-marche' }],
    });
    const env = decodeEnvelope((await get(t, path, PROTOBUF)).body);
    expect(((decodeMessage(env.raw, Pod).metadata as Json).labels as Json)['protobuf-test']).toBe('çа-marche');
  });

  it('keeps JSON for JSON-first Accept headers, Tables, watches and other resources', async () => {
    const jsonFirst = await get(t, '/api/v1/pods', `application/json, ${PROTOBUF}`);
    expect(jsonFirst.headers['content-type']).toBe('application/json');
    const table = await get(t, '/api/v1/pods', `application/json;as=Table;v=v1;g=meta.k8s.io, ${PROTOBUF_OR_JSON}`);
    expect(JSON.parse(table.body.toString('utf8')).kind).toBe('Table');
    const nodes = await get(t, '/api/v1/nodes', PROTOBUF_OR_JSON);
    expect(nodes.headers['content-type']).toBe('application/json');
    expect(JSON.parse(nodes.body.toString('utf8')).kind).toBe('NodeList');
    const watch = await get(t, '/api/v1/pods?watch=true&timeoutSeconds=1', PROTOBUF_OR_JSON);
    expect(watch.headers['content-type']).toMatch(/^application\/json/);
  });

  describe('a pod the encoder cannot represent', () => {
    const ns = 'protobuf-odd';
    const odd = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'odd', namespace: ns },
      spec: {
        containers: [{ name: 'c', image: 'nginx:1.27' }],
        tolerations: [{ operator: 'Exists' }],
        bogusField: { from: 'a newer client' },
      },
    };

    beforeAll(async () => {
      await core.createNamespace({ body: { metadata: { name: ns } } });
      // Raw JSON: client-node would drop the field it does not know before sending.
      const created = await call(t, 'POST', `/api/v1/namespaces/${ns}/pods`, 'application/json', odd);
      expect(created.status).toBe(201);
    });
    afterAll(async () => {
      await core.deleteNamespacedPod({ name: 'odd', namespace: ns, gracePeriodSeconds: 0 });
    });

    it('makes a list that contains it fall back to JSON, and is counted', async () => {
      const stats = t.sandbox.server.metrics.protobuf;
      const before = stats.fallbacks;
      const r = await get(t, `/api/v1/namespaces/${ns}/pods`, PROTOBUF_OR_JSON);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/json');
      const list = JSON.parse(r.body.toString('utf8'));
      expect(list.kind).toBe('PodList');
      expect(list.items[0].spec.bogusField).toEqual({ from: 'a newer client' });
      expect(stats.fallbacks).toBe(before + 1);
      expect(stats.lastFailure).toContain('spec.bogusField');
      const all = await get(t, '/api/v1/pods', PROTOBUF_OR_JSON);
      expect(all.headers['content-type']).toBe('application/json');
      expect(stats.fallbacks).toBe(before + 2);
      const metrics = await get(t, '/metrics', 'text/plain');
      expect(metrics.body.toString('utf8')).toContain(
        `sandbox_protobuf_responses_total{answer="json-fallback"} ${before + 2}`,
      );
    });

    it('falls back to JSON for a get too', async () => {
      const r = await get(t, `/api/v1/namespaces/${ns}/pods/odd`, PROTOBUF_OR_JSON);
      expect(r.headers['content-type']).toBe('application/json');
      expect(JSON.parse(r.body.toString('utf8')).metadata.name).toBe('odd');
    });

    it('answers 406 with a Status when the client accepts only protobuf', async () => {
      for (const path of [`/api/v1/namespaces/${ns}/pods`, `/api/v1/namespaces/${ns}/pods/odd`]) {
        const r = await get(t, path, PROTOBUF);
        expect(r.status).toBe(406);
        const status = JSON.parse(r.body.toString('utf8'));
        expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotAcceptable', code: 406 });
        expect(status.message).toContain('spec.bogusField');
      }
      expect(t.sandbox.server.metrics.protobuf.refusals).toBeGreaterThanOrEqual(2);
    });

    it('leaves other namespaces in protobuf', async () => {
      const r = await get(t, '/api/v1/namespaces/kube-system/pods', PROTOBUF_OR_JSON);
      expect(podList(r).items.length).toBeGreaterThan(0);
    });
  });
});
