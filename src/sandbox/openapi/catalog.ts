/**
 * Which schema describes each kind the sandbox serves at a cluster minor: the upstream definition of that
 * group-version-kind when the extracted spec has it; for a group-version the newer spec no longer carries (e.g.
 * policy/v1beta1 at 1.24) the definition of the same kind in another served version, copied under the old name;
 * for a custom resource its CRD's `openAPIV3Schema`; otherwise a permissive object. Every root definition carries
 * `x-kubernetes-group-version-kind`, which is how kubectl finds a kind's schema.
 */
import { servedVersions, type ResourceDef } from '../api/resources.js';
import type { Schema } from './schema.js';
import { UPSTREAM_DEFINITIONS } from './upstream-definitions.js';

/** Upstream package (definition-name prefix) of each built-in API group. */
const PACKAGES: Record<string, string> = {
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
};

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const OBJECT_META = `${META}.ObjectMeta`;

/** One served group-version-kind and the definition that describes it. */
export interface ServedKind {
  def: ResourceDef;
  group: string;
  version: string;
  kind: string;
  /** Name of its definition in `definitions`. */
  definition: string;
  /** Name of its list's definition. */
  listDefinition: string;
}

export interface Catalog {
  kinds: ServedKind[];
  /** Every definition: the served kinds', their lists', and what they reference. */
  definitions: Record<string, Schema>;
}

/** `stable.example.com` → `com.example.stable`, as kube-apiserver names custom resource definitions. */
function reverseDns(group: string): string {
  return group.split('.').reverse().join('.');
}

function definitionName(def: ResourceDef, version: string, kind = def.kind): string {
  const pkg = def.custom ? reverseDns(def.group) : (PACKAGES[def.group] ?? `io.k8s.api.${def.group.split('.')[0]}`);
  return `${pkg}.${version}.${kind}`;
}

const gvk = (group: string, version: string, kind: string) => [{ group, version, kind }];

function permissive(kind: string): Schema {
  return {
    description: `${kind} (the sandbox has no schema for it: any field is accepted).`,
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: `#/definitions/${OBJECT_META}` },
    },
    'x-kubernetes-preserve-unknown-fields': true,
  };
}

/** A CRD schema as a root definition: its metadata is always ObjectMeta, as kube-apiserver publishes it. */
function customRoot(schema: Schema): Schema {
  const properties = { ...(schema.properties ?? {}) };
  properties.apiVersion ??= { type: 'string' };
  properties.kind ??= { type: 'string' };
  properties.metadata = { $ref: `#/definitions/${OBJECT_META}` };
  return { ...schema, type: schema.type ?? 'object', properties };
}

function listSchema(kind: string, item: string): Schema {
  return {
    description: `${kind}List is a list of ${kind}.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: { $ref: `#/definitions/${item}` } },
      kind: { type: 'string' },
      metadata: { $ref: `#/definitions/${META}.ListMeta` },
    },
  };
}

export function buildCatalog(defs: readonly ResourceDef[], minor: number): Catalog {
  const definitions: Record<string, Schema> = { ...UPSTREAM_DEFINITIONS };
  const kinds: ServedKind[] = [];
  for (const def of defs) {
    const served = servedVersions(def, minor);
    for (const { version } of served) {
      const name = definitionName(def, version);
      let schema: Schema | undefined;
      if (def.custom) {
        const own = def.custom.schemas[version] as Schema | undefined;
        schema = own ? customRoot(own) : permissive(def.kind);
      } else {
        schema = UPSTREAM_DEFINITIONS[name];
        // A group-version the extracted (newer) spec no longer has: the same kind's schema from another version.
        const other = [...served, ...def.versions]
          .map((v) => UPSTREAM_DEFINITIONS[definitionName(def, v.version)])
          .find(Boolean);
        schema ??= other ?? permissive(def.kind);
      }
      definitions[name] = { ...schema, 'x-kubernetes-group-version-kind': gvk(def.group, version, def.kind) };
      const listDefinition = definitionName(def, version, `${def.kind}List`);
      definitions[listDefinition] = {
        ...listSchema(def.kind, name),
        'x-kubernetes-group-version-kind': gvk(def.group, version, `${def.kind}List`),
      };
      kinds.push({ def, group: def.group, version, kind: def.kind, definition: name, listDefinition });
    }
  }
  // Subresource kinds served with their own group-version (pods/eviction is policy/v1 Eviction).
  const eviction = `${PACKAGES.policy}.v1.Eviction`;
  if (definitions[eviction])
    definitions[eviction] = {
      ...definitions[eviction],
      'x-kubernetes-group-version-kind': gvk('policy', 'v1', 'Eviction'),
    };
  return { kinds, definitions };
}

/** The definitions `roots` reference, transitively, roots included. */
export function closure(definitions: Record<string, Schema>, roots: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !definitions[name]) return;
    seen.add(name);
    walkRefs(definitions[name], visit);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

function walkRefs(s: Schema | undefined, visit: (name: string) => void): void {
  if (!s || typeof s !== 'object') return;
  if (s.$ref) visit(s.$ref.slice(s.$ref.lastIndexOf('/') + 1));
  for (const p of Object.values(s.properties ?? {})) walkRefs(p, visit);
  if (typeof s.additionalProperties === 'object') walkRefs(s.additionalProperties, visit);
  walkRefs(s.items, visit);
  for (const a of s.allOf ?? []) walkRefs(a, visit);
}

/** The schema a `$ref` names within `definitions` (`#/definitions/x` or `#/components/schemas/x`). */
export function resolveRef(definitions: Record<string, Schema>, ref: string): Schema | undefined {
  return definitions[ref.slice(ref.lastIndexOf('/') + 1)];
}
