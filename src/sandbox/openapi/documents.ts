/**
 * The OpenAPI documents kube-apiserver publishes, built from a catalog: `/openapi/v2` (one swagger 2.0 document
 * for everything served) and `/openapi/v3` (an index of `paths` → `serverRelativeURL` with a content hash, and
 * one OpenAPI 3.0 document per group-version holding its operations and every schema they reach).
 */
import { createHash } from 'node:crypto';
import { closure, type Catalog } from './catalog.js';
import { operationsOf, PATCH_MEDIA_TYPES, QUERY_DESCRIPTIONS, type Operation } from './operations.js';
import type { Schema } from './schema.js';

export interface V3Document {
  /** `api/v1`, `apis/apps/v1`, … (the index key, and the URL under /openapi/v3/). */
  key: string;
  body: string;
  hash: string;
}

export interface Documents {
  v2: Record<string, unknown>;
  v2Json: string;
  v3Index: string;
  v3: Map<string, V3Document>;
}

const gvKey = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

function v3Schema(s: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref') continue;
    if (k === 'properties')
      out.properties = Object.fromEntries(
        Object.entries(v as Record<string, Schema>).map(([n, p]) => [n, v3Schema(p)]),
      );
    else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object'))
      (out as Record<string, unknown>)[k] = v3Schema(v as Schema);
    else if (k === 'allOf') out.allOf = (v as Schema[]).map(v3Schema);
    else (out as Record<string, unknown>)[k] = v;
  }
  if (!s.$ref) return out;
  const ref = s.$ref.replace('#/definitions/', '#/components/schemas/');
  // As kube-apiserver writes v3: a $ref with siblings (a description) is wrapped in allOf.
  return Object.keys(out).length === 0 ? { $ref: ref } : { allOf: [{ $ref: ref }], ...out };
}

function v3Operation(o: Operation, definitions: Record<string, Schema>): Record<string, unknown> {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const params = [
    ...o.pathParams.map((name) => ({
      name,
      in: 'path',
      description: QUERY_DESCRIPTIONS[name],
      required: true,
      schema: { type: 'string', uniqueItems: true },
    })),
    ...o.query.map((name) => ({
      name,
      in: 'query',
      description: QUERY_DESCRIPTIONS[name],
      schema: { type: queryType(name), uniqueItems: true },
    })),
  ];
  const op: Record<string, unknown> = {
    tags: [o.tag],
    description: `${o.action} ${o.gvk.kind}`,
    operationId: o.operationId,
    parameters: params,
  };
  if (o.body === 'patch') {
    op.requestBody = {
      content: Object.fromEntries(PATCH_MEDIA_TYPES.map((t) => [t, { schema: { type: 'object' } }])),
      required: true,
    };
  } else if (o.body && definitions[o.body]) {
    op.requestBody = { content: { '*/*': { schema: ref(o.body) } }, required: true };
  }
  const response = definitions[o.response] ? { schema: ref(o.response) } : { schema: { type: 'object' } };
  op.responses = {
    '200': { description: 'OK', content: { 'application/json': response, 'application/yaml': response } },
    '401': { description: 'Unauthorized' },
  };
  op['x-kubernetes-action'] = o.action;
  op['x-kubernetes-group-version-kind'] = o.gvk;
  return op;
}

function v2Operation(o: Operation, definitions: Record<string, Schema>): Record<string, unknown> {
  const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
  const params: Record<string, unknown>[] = [
    ...o.pathParams.map((name) => ({
      name,
      in: 'path',
      description: QUERY_DESCRIPTIONS[name],
      required: true,
      type: 'string',
      uniqueItems: true,
    })),
    ...o.query.map((name) => ({
      name,
      in: 'query',
      description: QUERY_DESCRIPTIONS[name],
      type: queryType(name),
      uniqueItems: true,
    })),
  ];
  if (o.body === 'patch') params.unshift({ name: 'body', in: 'body', required: true, schema: { type: 'object' } });
  else if (o.body && definitions[o.body])
    params.unshift({ name: 'body', in: 'body', required: true, schema: ref(o.body) });
  return {
    tags: [o.tag],
    description: `${o.action} ${o.gvk.kind}`,
    operationId: o.operationId,
    consumes: o.body === 'patch' ? PATCH_MEDIA_TYPES : ['*/*'],
    produces: ['application/json', 'application/yaml'],
    parameters: params,
    responses: {
      '200': { description: 'OK', schema: definitions[o.response] ? ref(o.response) : { type: 'object' } },
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': o.action,
    'x-kubernetes-group-version-kind': o.gvk,
  };
}

function queryType(name: string): string {
  if (['watch', 'allowWatchBookmarks', 'sendInitialEvents'].includes(name)) return 'boolean';
  if (['limit', 'timeoutSeconds', 'gracePeriodSeconds'].includes(name)) return 'integer';
  return 'string';
}

/** Builds every document for a catalog (callers cache the result: building is the slow part). */
export function buildDocuments(catalog: Catalog, serverVersion: string): Documents {
  const { definitions } = catalog;
  const info = { title: 'Kubernetes', version: serverVersion };
  const byGv = new Map<string, { ops: Operation[]; roots: string[] }>();
  for (const k of catalog.kinds) {
    const key = gvKey(k.group, k.version);
    const entry = byGv.get(key) ?? { ops: [], roots: [] };
    const ops = operationsOf(k);
    entry.ops.push(...ops);
    entry.roots.push(
      k.definition,
      k.listDefinition,
      ...ops.flatMap((o) => [o.response, ...(o.body && o.body !== 'patch' ? [o.body] : [])]),
    );
    byGv.set(key, entry);
  }
  const v3 = new Map<string, V3Document>();
  const v2Paths: Record<string, Record<string, unknown>> = {};
  for (const [key, { ops, roots }] of byGv) {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const o of ops) {
      (paths[o.path] ??= {})[o.method] = v3Operation(o, definitions);
      (v2Paths[o.path] ??= {})[o.method] = v2Operation(o, definitions);
    }
    const schemas = Object.fromEntries(closure(definitions, roots).map((n) => [n, v3Schema(definitions[n])]));
    const body = JSON.stringify({ openapi: '3.0.0', info, paths, components: { schemas } });
    v3.set(key, { key, body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() });
  }
  const index = {
    paths: Object.fromEntries(
      [...v3.values()]
        .sort((a, b) => (a.key < b.key ? -1 : 1))
        .map((d) => [d.key, { serverRelativeURL: `/openapi/v3/${d.key}?hash=${d.hash}` }]),
    ),
  };
  const allRoots = [...byGv.values()].flatMap((e) => e.roots);
  const v2Definitions = Object.fromEntries(closure(definitions, allRoots).map((n) => [n, definitions[n]]));
  const v2 = { swagger: '2.0', info, paths: v2Paths, definitions: v2Definitions };
  return { v2, v2Json: JSON.stringify(v2), v3Index: JSON.stringify(index), v3 };
}
