/**
 * The sandbox's OpenAPI from the upstream definitions: which group-version-kinds get a schema at which minor
 * (the removed-API table decides), unknown fields found as strict decoding finds them (arrays, maps,
 * `x-kubernetes-preserve-unknown-fields`, embedded resources, metadata), CRD versions in kube-aware order, and the
 * v2 protobuf carrying the definitions kubectl looks up by `x-kubernetes-group-version-kind`.
 */
import { describe, expect, it } from 'vitest';
import { RESOURCES } from '../../../src/sandbox/api/resources.js';
import { compareKubeAwareVersions } from '../../../src/sandbox/api/custom-resources.js';
import { buildCatalog } from '../../../src/sandbox/openapi/catalog.js';
import { buildDocuments } from '../../../src/sandbox/openapi/documents.js';
import { unknownFields, strictDecodingError } from '../../../src/sandbox/openapi/field-validation.js';
import { encodeOpenApiV2 } from '../../../src/sandbox/openapi/v2-protobuf.js';
import type { Schema } from '../../../src/sandbox/openapi/schema.js';
import type { KObject } from '../../../src/sandbox/store/types.js';
import { ProtoReader } from '../../helpers/protobuf-decoder.js';

const gvks = (minor: number) => buildCatalog(RESOURCES, minor).kinds.map((k) => `${k.group}/${k.version}/${k.kind}`);

describe('catalog', () => {
  it('follows the served group-versions of the minor', () => {
    expect(gvks(24)).toContain('policy/v1beta1/PodDisruptionBudget');
    expect(gvks(25)).not.toContain('policy/v1beta1/PodDisruptionBudget');
    expect(gvks(31)).toContain('flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema');
    expect(gvks(32)).not.toContain('flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema');
    expect(gvks(32)).toContain('apps/v1/Deployment');
  });

  it('gives a removed group-version the schema of the same kind in a served one, under its own name and GVK', () => {
    const { definitions } = buildCatalog(RESOURCES, 24);
    const old = definitions['io.k8s.api.policy.v1beta1.PodDisruptionBudget'];
    expect(old['x-kubernetes-group-version-kind']).toEqual([
      { group: 'policy', version: 'v1beta1', kind: 'PodDisruptionBudget' },
    ]);
    expect(old.properties?.spec?.$ref).toBe('#/definitions/io.k8s.api.policy.v1.PodDisruptionBudgetSpec');
  });

  it('builds one v3 document per served group-version', () => {
    const docs = buildDocuments(buildCatalog(RESOURCES, 24), 'v1.24.17');
    expect([...docs.v3.keys()]).toContain('apis/policy/v1beta1');
    expect([...docs.v3.keys()]).not.toContain('apis/flowcontrol.apiserver.k8s.io/v1');
    const index = JSON.parse(docs.v3Index);
    expect(index.paths['api/v1'].serverRelativeURL).toBe(`/openapi/v3/api/v1?hash=${docs.v3.get('api/v1')!.hash}`);
  });
});

describe('unknownFields', () => {
  const { definitions } = buildCatalog(RESOURCES, 32);
  const deployment = definitions['io.k8s.api.apps.v1.Deployment'];
  const obj = (spec: unknown, metadata: Record<string, unknown> = {}) =>
    ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', ...metadata }, spec }) as unknown as KObject;

  it('reports unknown fields at any depth, with kube-apiserver paths', () => {
    const o = obj(
      {
        replicas: 1,
        foo: 1,
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: {
            containers: [
              { name: 'c', image: 'i' },
              { name: 'd', image: 'i', bar: true },
            ],
          },
        },
      },
      { nope: 'x' },
    );
    const unknown = unknownFields(o, deployment, definitions);
    expect(unknown).toEqual(['metadata.nope', 'spec.foo', 'spec.template.spec.containers[1].bar']);
    expect(strictDecodingError(unknown)).toBe(
      'strict decoding error: unknown field "metadata.nope", unknown field "spec.foo", unknown field "spec.template.spec.containers[1].bar"',
    );
    expect(o.spec.foo).toBe(1);
  });

  it('keeps map values, IntOrString, quantities and objects of any shape', () => {
    const o = obj(
      {
        replicas: 1,
        selector: { matchLabels: { anything: 'goes' } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: 1, 'example.com/gpu': '2' } } }] } },
      },
      { annotations: { x: 'y' }, managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': {} } }] },
    );
    expect(unknownFields(o, deployment, definitions)).toEqual([]);
  });

  it('honours x-kubernetes-preserve-unknown-fields and embedded resources in CRD schemas', () => {
    const schema: Schema = {
      type: 'object',
      properties: {
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        spec: {
          type: 'object',
          properties: {
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            template: {
              type: 'object',
              'x-kubernetes-embedded-resource': true,
              properties: { spec: { type: 'object' } },
            },
          },
        },
      },
    };
    const o = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'x' },
      spec: {
        free: { a: { b: 1 } },
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bad: 1 }, spec: { any: 1 } },
        other: 2,
      },
    } as unknown as KObject;
    expect(unknownFields(o, schema, definitions)).toEqual(['spec.template.metadata.bad', 'spec.other']);
  });
});

describe('compareKubeAwareVersions', () => {
  it('orders GA, then beta, then alpha, newest first, then anything else', () => {
    const versions = ['v1alpha1', 'v2beta1', 'foo', 'v1', 'v1beta2', 'v2', 'v1beta1', 'v11alpha2'];
    expect(versions.sort(compareKubeAwareVersions)).toEqual([
      'v2',
      'v1',
      'v2beta1',
      'v1beta2',
      'v1beta1',
      'v11alpha2',
      'v1alpha1',
      'foo',
    ]);
  });
});

describe('encodeOpenApiV2', () => {
  it('writes gnostic Document fields: swagger, info, paths and named definitions with their GVK extension', () => {
    const docs = buildDocuments(buildCatalog(RESOURCES, 32), 'v1.32.4');
    const r = new ProtoReader(encodeOpenApiV2(docs.v2));
    const top = new Map<number, Uint8Array[]>();
    while (!r.done) {
      const key = Number(r.varint());
      expect(key & 7).toBe(2);
      const len = Number(r.varint());
      const bytes = r.buf.subarray(r.pos, r.pos + len);
      r.pos += len;
      top.set(key >> 3, [...(top.get(key >> 3) ?? []), bytes]);
    }
    const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
    expect(text(top.get(1)![0])).toBe('2.0');
    expect(text(top.get(2)![0])).toContain('v1.32.4');
    const definitions = text(top.get(9)![0]);
    expect(definitions).toContain('io.k8s.api.apps.v1.Deployment');
    expect(definitions).toContain('x-kubernetes-group-version-kind');
    expect(definitions).toContain('[{"group":"apps","version":"v1","kind":"Deployment"}]');
    expect(text(top.get(8)![0])).toContain('/apis/apps/v1/namespaces/{namespace}/deployments/{name}');
  });
});
