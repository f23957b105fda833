#!/usr/bin/env node
// Regenerates src/sandbox/openapi/upstream-definitions.ts: the Kubernetes OpenAPI definitions of the kinds the
// sandbox serves (and the kinds it is about to serve), in the swagger 2.0 form kube-apiserver publishes at
// /openapi/v2 (upstream definition names, `$ref: #/definitions/…`, descriptions, required fields, formats).
//
// Source: the upstream Kubernetes OpenAPI spec as shipped on npm inside @kubernetes/client-node (a dependency
// already): its models are generated from the upstream swagger.json (`OpenAPI spec version` in their header), one
// class per definition with `attributeTypeMap` (JSON names, types, formats) and, in the .d.ts, the upstream
// descriptions and which properties are required. The sandbox may not import client-node (lint), so the
// definitions are extracted here, once, into a module it loads. Run after upgrading client-node:
//   node scripts/sandbox-openapi-definitions.js
// What the extraction cannot recover from client-node: `x-kubernetes-patch-*` / list-type extensions and enums
// (upstream keeps enums in the descriptions anyway). Quantity-valued maps come out as maps of strings.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const modelsDir = join(dirname(require.resolve('@kubernetes/client-node/package.json')), 'dist/gen/models');
const models = await import(join(modelsDir, 'all.js')).catch(() => import(join(modelsDir, 'ObjectSerializer.js')));

/** Upstream package of each API group (the prefix of its definition names). */
const PACKAGES = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  policy: 'io.k8s.api.policy',
  'coordination.k8s.io': 'io.k8s.api.coordination',
  'authorization.k8s.io': 'io.k8s.api.authorization',
  batch: 'io.k8s.api.batch',
  autoscaling: 'io.k8s.api.autoscaling',
  'flowcontrol.apiserver.k8s.io': 'io.k8s.api.flowcontrol',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  'discovery.k8s.io': 'io.k8s.api.discovery',
  'events.k8s.io': 'io.k8s.api.events',
  meta: 'io.k8s.apimachinery.pkg.apis.meta',
};

/** Types of apimachinery's meta/v1 that client-node names like core types. */
const META = new Set([
  'ObjectMeta',
  'ListMeta',
  'LabelSelector',
  'LabelSelectorRequirement',
  'OwnerReference',
  'ManagedFieldsEntry',
  'Condition',
  'Status',
  'StatusDetails',
  'StatusCause',
  'DeleteOptions',
  'Preconditions',
  'WatchEvent',
  'APIResource',
]);

/**
 * [group, model]: the kinds whose definitions are extracted (everything they reach comes along). The first group
 * that reaches a nested type owns it, so core comes first and lists core kinds that only name shared types
 * (PodTemplate → PodTemplateSpec, PersistentVolumeClaim → StatefulSet's claim templates).
 */
const ROOTS = [
  ['', 'V1Namespace'],
  ['', 'V1Node'],
  ['', 'V1Pod'],
  ['', 'V1ConfigMap'],
  ['', 'V1Secret'],
  ['', 'V1Service'],
  ['', 'V1Endpoints'],
  ['', 'CoreV1Event'],
  ['', 'V1PodTemplate'],
  ['', 'V1PersistentVolumeClaim'],
  ['meta', 'V1ListMeta'],
  ['meta', 'V1Status'],
  ['meta', 'V1DeleteOptions'],
  ['apps', 'V1Deployment'],
  ['apps', 'V1ReplicaSet'],
  ['apps', 'V1DaemonSet'],
  ['apps', 'V1StatefulSet'],
  ['policy', 'V1PodDisruptionBudget'],
  ['policy', 'V1Eviction'],
  ['coordination.k8s.io', 'V1Lease'],
  ['authorization.k8s.io', 'V1SelfSubjectAccessReview'],
  ['batch', 'V1CronJob'],
  ['autoscaling', 'V2HorizontalPodAutoscaler'],
  ['autoscaling', 'V1HorizontalPodAutoscaler'],
  ['autoscaling', 'V1Scale'],
  ['flowcontrol.apiserver.k8s.io', 'V1FlowSchema'],
  ['flowcontrol.apiserver.k8s.io', 'V1PriorityLevelConfiguration'],
  ['apiextensions.k8s.io', 'V1CustomResourceDefinition'],
  ['discovery.k8s.io', 'V1EndpointSlice'],
  ['events.k8s.io', 'EventsV1Event'],
];

const classOf = (model) => {
  const c = models[model];
  if (!c?.attributeTypeMap)
    throw new Error(`@kubernetes/client-node has no model ${model}: update ROOTS in ${fileURLToPath(import.meta.url)}`);
  return c;
};

/** `V1beta1PodDisruptionBudget` → { version: 'v1beta1', kind: 'PodDisruptionBudget' }; `CoreV1Event` → v1 Event. */
function splitName(model) {
  const m = /^(?:[A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/.exec(model);
  if (!m) throw new Error(`unexpected client-node model name ${model}`);
  return { version: m[1].toLowerCase(), kind: m[2] };
}

/** The models a type string names: `Array<V1Container>`, `{ [key: string]: V1JSONSchemaProps; }`, `V1PodSpec`. */
function referenced(type) {
  return [...type.matchAll(/\b((?:[A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?[A-Z]\w*)\b/g)]
    .map((m) => m[1])
    .filter((n) => models[n]);
}

// Pass 1: who owns each model (its upstream package).
const owner = new Map();
for (const [group, model] of ROOTS) {
  const queue = [model];
  while (queue.length) {
    const m = queue.shift();
    if (owner.has(m)) continue;
    owner.set(m, META.has(splitName(m).kind) ? 'meta' : group);
    for (const a of classOf(m).attributeTypeMap) queue.push(...referenced(a.type));
  }
}
const defName = (model) => {
  const { version, kind } = splitName(model);
  return `${PACKAGES[owner.get(model)]}.${version}.${kind}`;
};

/** Upstream descriptions and required properties, from the model's .d.ts. */
function docs(model) {
  const text = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
  const clean = (c) =>
    c
      .split('\n')
      .map((l) => l.replace(/^\s*\*\s?/, '').trim())
      .filter(Boolean)
      .join('\n')
      .replace(/\s*\*\/$/, '');
  const cls = /\/\*\*\n((?:\*.*\n)*?)\*\/\nexport declare class/.exec(text);
  const props = new Map();
  const body = text.slice(text.indexOf('export declare class'));
  for (const m of body.matchAll(/(?:\/\*\*\n((?:(?!\*\/)[\s\S])*)\*\/\n\s*)?'([^']+)'(\??):/g)) {
    props.set(m[2], { description: m[1] ? clean(m[1]) : undefined, required: m[3] !== '?' });
  }
  return { description: cls ? clean(cls[1]) : undefined, props };
}

function schemaOf(type, format) {
  let m;
  if ((m = /^Array<(.+)>$/.exec(type))) return { type: 'array', items: schemaOf(m[1], format) };
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type)))
    return { type: 'object', additionalProperties: schemaOf(m[1], format) };
  if (models[type]) return { $ref: `#/definitions/${defName(type)}` };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return format === 'int32' || format === 'int64'
        ? { type: 'integer', format }
        : format
          ? { type: 'number', format }
          : { type: 'number' };
    case 'Date':
      return { type: 'string', format: format || 'date-time' };
    case 'V1MicroTime':
      return { type: 'string', format: 'date-time' };
    case 'IntOrString':
      return { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' };
    case 'any':
    case 'object':
      return {};
  }
  throw new Error(`unexpected client-node attribute type ${type}`);
}

// Pass 2: the definitions reachable from the roots.
const definitions = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description:
      'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    type: 'string',
    format: 'int-or-string',
  },
};
const done = new Set();
const queue = ROOTS.map(([, m]) => m);
while (queue.length) {
  const model = queue.shift();
  if (done.has(model)) continue;
  done.add(model);
  const cls = classOf(model);
  const d = docs(model);
  const properties = {};
  const required = [];
  for (const a of cls.attributeTypeMap) {
    const p = d.props.get(a.name) ?? {};
    const s = schemaOf(a.type, a.format);
    properties[a.baseName] = p.description
      ? s.$ref
        ? { ...s, description: p.description }
        : { description: p.description, ...s }
      : s;
    if (p.required) required.push(a.baseName);
    queue.push(...referenced(a.type));
  }
  definitions[defName(model)] = {
    ...(d.description ? { description: d.description } : {}),
    type: 'object',
    ...(required.length ? { required } : {}),
    properties,
  };
}

const header = readFileSync(join(modelsDir, 'V1Pod.js'), 'utf8');
const specVersion = /OpenAPI spec version: (\S+)/.exec(header)?.[1] ?? 'unknown';
const names = Object.keys(definitions).sort();
// A TypeScript module (tsc copies no JSON into dist/ under this project's settings) holding the JSON text, one
// definition per line so that a regeneration diffs readably. In String.raw the JSON's escapes stay as JSON.parse
// expects them; backticks and `${` cannot appear raw, so they are written as JSON \u escapes.
const json = (v) => JSON.stringify(v).replace(/`/g, '\\u0060').replace(/\$\{/g, '$\\u007b');
const lines = names.map((n) => `    ${json(n)}: ${json(definitions[n])}`);
const target = join(root, 'src/sandbox/openapi/upstream-definitions.ts');
writeFileSync(
  target,
  `/**
 * GENERATED by scripts/sandbox-openapi-definitions.js — do not edit. The Kubernetes ${specVersion} OpenAPI definitions
 * (swagger 2.0 form, upstream names) of the kinds the sandbox serves, extracted from the upstream spec that
 * @kubernetes/client-node ships its generated models from.
 */
import type { Schema } from './schema.js';

export const UPSTREAM_KUBERNETES_VERSION = ${JSON.stringify(specVersion)};

export const UPSTREAM_DEFINITIONS: Record<string, Schema> = JSON.parse(String.raw\`{
${lines.join(',\n')}
}\`);
`,
);
console.log(`${target}: ${names.length} definitions from Kubernetes ${specVersion}`);
