/**
 * Validates a Kubernetes object against Kubernetes' own OpenAPI definitions (the upstream swagger the sandbox
 * carries, extracted from kube-apiserver), strictly, as `kubectl --validate=strict` does: an unknown field, a
 * missing required field, a wrong type or a value outside an enum is an error naming its path.
 */
import type { Schema } from '../../src/sandbox/openapi/schema.js';
import { UPSTREAM_DEFINITIONS } from '../../src/sandbox/openapi/upstream-definitions.js';

/** Definition-name prefix of each API group the examples use. */
const PACKAGES: Record<string, string> = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  batch: 'io.k8s.api.batch',
  policy: 'io.k8s.api.policy',
};
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/**
 * The schema of an object's apiVersion and kind: its upstream definition, or — for a kind the extract carries only
 * through its spec (batch/v1 Job: the sandbox's extract has JobSpec, reached from CronJob) — the shape every
 * Kubernetes kind has, `apiVersion`, `kind`, `metadata: ObjectMeta`, `spec: <Kind>Spec`, `status: <Kind>Status`.
 */
export function rootSchema(apiVersion: string, kind: string): Schema | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = PACKAGES[group!];
  if (!pkg) return undefined;
  const name = `${pkg}.${version}.${kind}`;
  if (UPSTREAM_DEFINITIONS[name]) return { $ref: `#/definitions/${name}` };
  if (!UPSTREAM_DEFINITIONS[`${name}Spec`]) return undefined;
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
      spec: { $ref: `#/definitions/${name}Spec` },
      status: { $ref: `#/definitions/${name}Status` },
    },
  };
}

/** Every violation of the object against its definition, as `path: problem` lines (empty when valid). */
export function strictViolations(obj: { apiVersion: string; kind: string }): string[] {
  const schema = rootSchema(obj.apiVersion, obj.kind);
  if (!schema) return [`no upstream definition for ${obj.apiVersion} ${obj.kind}`];
  const errors: string[] = [];
  check(obj, schema, obj.kind, errors);
  return errors;
}

function resolve(s: Schema): Schema | 'quantity' | undefined {
  if (!s.$ref) return s;
  const name = s.$ref.slice(s.$ref.lastIndexOf('/') + 1);
  if (name === QUANTITY) return 'quantity';
  const d = UPSTREAM_DEFINITIONS[name];
  return d && resolve(d);
}

function check(value: unknown, schema: Schema, path: string, errors: string[]): void {
  const s = resolve(schema);
  if (s === undefined) return void errors.push(`${path}: schema ${schema.$ref} is not in the definitions`);
  if (s === 'quantity') {
    if (typeof value !== 'string' && typeof value !== 'number') errors.push(`${path}: expected a quantity`);
    return;
  }
  if (s['x-kubernetes-preserve-unknown-fields']) return;
  if (s['x-kubernetes-int-or-string'] || s.format === 'int-or-string') {
    if (typeof value !== 'string' && !Number.isInteger(value)) errors.push(`${path}: expected an integer or a string`);
    return;
  }
  if (s.enum && !s.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${s.enum}`);
  switch (s.type) {
    case 'string':
      if (typeof value !== 'string') errors.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
      return;
    case 'integer':
      if (!Number.isInteger(value)) errors.push(`${path}: expected an integer, got ${JSON.stringify(value)}`);
      return;
    case 'number':
      if (typeof value !== 'number') errors.push(`${path}: expected a number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${path}: expected a boolean, got ${JSON.stringify(value)}`);
      return;
    case 'array':
      if (!Array.isArray(value)) return void errors.push(`${path}: expected a list`);
      value.forEach((v, i) => s.items && check(v, s.items, `${path}[${i}]`, errors));
      return;
  }
  if (s.type === 'object' || s.properties || s.additionalProperties) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return void errors.push(`${path}: expected an object`);
    const record = value as Record<string, unknown>;
    for (const req of s.required ?? []) if (!(req in record)) errors.push(`${path}.${req}: required`);
    for (const [k, v] of Object.entries(record)) {
      const prop = s.properties?.[k];
      if (prop) check(v, prop, `${path}.${k}`, errors);
      else if (typeof s.additionalProperties === 'object') check(v, s.additionalProperties, `${path}.${k}`, errors);
      else if (s.properties) errors.push(`${path}.${k}: unknown field`);
    }
  }
}
