/**
 * Generic storage for kinds registered through apiextensions.k8s.io/v1 CustomResourceDefinitions, over the
 * real API with client-node and raw requests: validation of the CRD, NamesAccepted/Established, legacy and
 * aggregated discovery, cluster scope, the status subresource, resourceVersions and watch replay, label
 * selectors, unknown fields against openAPIV3Schema (and x-kubernetes-preserve-unknown-fields), and deletion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiextensionsV1Api, CustomObjectsApi, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { raw, startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';

const crd = (
  plural: string,
  kind: string,
  scope: 'Namespaced' | 'Cluster',
  versions = ['v1'],
): V1CustomResourceDefinition => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.example.com` },
  spec: {
    group: 'example.com',
    scope,
    names: { plural, singular: kind.toLowerCase(), kind, shortNames: [`${plural.slice(0, 2)}x`] },
    versions: versions.map((name, i) => ({
      name,
      served: true,
      storage: i === 0,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              properties: {
                size: { type: 'integer' },
                extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
            status: { type: 'object', properties: { phase: { type: 'string' } } },
          },
        },
      },
    })),
  },
});

describe('custom resources', () => {
  let t: TestSandbox;
  let ext: ApiextensionsV1Api;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    t = await startTestSandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 1 }] });
    ext = t.kc.makeApiClient(ApiextensionsV1Api);
    custom = t.kc.makeApiClient(CustomObjectsApi);
  });
  afterAll(() => t?.stop());

  it('refuses a CRD whose name is not <plural>.<group>', async () => {
    const bad = { ...crd('widgets', 'Widget', 'Namespaced'), metadata: { name: 'widget.example.com' } };
    const r = await raw(t, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: bad });
    expect(r.status).toBe(422);
    expect(JSON.parse(r.text).message).toBe(
      'CustomResourceDefinition "widget.example.com" is invalid: metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group',
    );
  });

  it('establishes a CRD and serves its kind with discovery, in both scopes', async () => {
    await ext.createCustomResourceDefinition({ body: crd('widgets', 'Widget', 'Namespaced', ['v1', 'v1beta1']) });
    await ext.createCustomResourceDefinition({ body: crd('gadgets', 'Gadget', 'Cluster') });
    const est = await waitFor(async () => {
      const c = await ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
      return c.status?.conditions?.find((x) => x.type === 'Established' && x.status === 'True') ? c : undefined;
    }, 'widgets Established');
    expect(est.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'NamesAccepted=True',
      'Established=True',
    ]);
    expect(est.status?.acceptedNames?.kind).toBe('Widget');

    const legacy = JSON.parse((await raw(t, '/apis')).text);
    expect(legacy.groups.find((g: { name: string }) => g.name === 'example.com')).toEqual({
      name: 'example.com',
      versions: [
        { groupVersion: 'example.com/v1', version: 'v1' },
        { groupVersion: 'example.com/v1beta1', version: 'v1beta1' },
      ],
      preferredVersion: { groupVersion: 'example.com/v1', version: 'v1' },
    });
    const v1 = JSON.parse((await raw(t, '/apis/example.com/v1')).text);
    expect(v1.resources.map((r: { name: string; namespaced: boolean }) => `${r.name}:${r.namespaced}`).sort()).toEqual([
      'gadgets/status:false',
      'gadgets:false',
      'widgets/status:true',
      'widgets:true',
    ]);
    const agg = JSON.parse(
      (await raw(t, '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' })).text,
    );
    const group = agg.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'example.com');
    expect(group.versions[0].resources.find((r: { resource: string }) => r.resource === 'gadgets').scope).toBe(
      'Cluster',
    );

    const g = await custom.createClusterCustomObject({
      group: 'example.com',
      version: 'v1',
      plural: 'gadgets',
      body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 1 } },
    });
    expect((g as { metadata: { namespace?: string } }).metadata.namespace).toBeUndefined();
    expect((await raw(t, '/apis/example.com/v1/gadgets/g1')).status).toBe(200);
  });

  it('stores custom resources with resourceVersions, selectors, watch replay, a status subresource and schema checks', async () => {
    const base = '/apis/example.com/v1/namespaces/default/widgets';
    const body = (name: string, labels: Record<string, string>, spec: Record<string, unknown>) => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name, labels },
      spec,
    });
    const a = JSON.parse(
      (
        await raw(t, base, {
          method: 'POST',
          body: body('a', { tier: 'x' }, { size: 1, extra: { any: { thing: true } } }),
        })
      ).text,
    );
    await raw(t, base, { method: 'POST', body: body('b', { tier: 'y' }, { size: 2 }) });
    expect(Number(a.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);

    const selected = JSON.parse((await raw(t, `${base}?labelSelector=tier%3Dx`)).text);
    expect(selected.kind).toBe('WidgetList');
    expect(selected.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['a']);

    // Served under v1beta1 too, from the one stored form.
    const beta = JSON.parse((await raw(t, '/apis/example.com/v1beta1/namespaces/default/widgets/a')).text);
    expect(beta.apiVersion).toBe('example.com/v1beta1');

    // The status subresource: the main resource keeps status, /status changes only status.
    const withStatus = JSON.parse(
      (await raw(t, `${base}/a/status`, { method: 'PUT', body: { ...a, status: { phase: 'Ready' } } })).text,
    );
    expect(withStatus.status).toEqual({ phase: 'Ready' });
    const put = JSON.parse(
      (
        await raw(t, `${base}/a`, {
          method: 'PUT',
          body: { ...withStatus, status: { phase: 'Ignored' }, spec: { size: 5 } },
        })
      ).text,
    );
    expect(put.status).toEqual({ phase: 'Ready' });
    expect(put.spec.size).toBe(5);

    // Watch replay from the first resourceVersion: b's ADDED and a's two changes, with a watch=True spelling.
    const w = await raw(t, `${base}?watch=True&resourceVersion=${a.metadata.resourceVersion}&timeoutSeconds=1`);
    const events = w.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((e) => `${e.type} ${e.object.metadata.name}`);
    expect(events).toEqual(['ADDED b', 'MODIFIED a', 'MODIFIED a']);

    const strict = await raw(t, `${base}?fieldValidation=Strict`, {
      method: 'POST',
      body: body('c', {}, { size: 1, colour: 'red' }),
    });
    expect(strict.status).toBe(400);
    expect(JSON.parse(strict.text).message).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour"',
    );
    const warned = await raw(t, base, { method: 'POST', body: body('d', {}, { size: 1, colour: 'red' }) });
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe('299 - "unknown field \\"spec.colour\\""');
  });

  it('deleting the CRD deletes its custom resources and stops serving the kind', async () => {
    await ext.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
    expect((await raw(t, '/apis/example.com/v1/namespaces/default/widgets')).status).toBe(404);
    await waitFor(() => t.sandbox.cluster.store.count('example.com/widgets') === 0, 'widgets removed');
    const v1 = JSON.parse((await raw(t, '/apis/example.com/v1')).text);
    expect(v1.resources.map((r: { name: string }) => r.name)).toEqual(['gadgets', 'gadgets/status']);
  });
});
