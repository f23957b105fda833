/**
 * Generic storage for kinds the sandbox does not model: every CustomResourceDefinition
 * (apiextensions.k8s.io/v1) stored registers a resource — group, plural, kind, scope, short names,
 * categories, the served versions in kube-aware priority order, the status subresource and each version's
 * `openAPIV3Schema` — which routing, discovery, OpenAPI and the generic API verbs then serve like a built-in
 * one (one storage table for all versions, watches, resourceVersions, selectors). Like kube-apiserver's
 * apiextensions controllers, the CRD then gets `NamesAccepted` and `Established` conditions; deleting it
 * deletes its custom resources.
 *
 * Must not: model any behaviour of a custom kind (no controllers, no conversion webhooks: versions share one
 * stored form, as with `conversion.strategy: None`).
 */
import type { ObjectStore } from '../store/object-store.js';
import type { KObject, StoreEvent } from '../store/types.js';
import { invalid } from './status.js';
import type { ResourceDef, ServedVersion } from './resources.js';

export const CRD_TABLE = 'apiextensions.k8s.io/customresourcedefinitions';

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: unknown };
  subresources?: { status?: unknown; scale?: unknown };
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    plural?: string;
    singular?: string;
    kind?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions?: CrdVersion[];
}

export class CustomResources {
  private readonly defs = new Map<string, ResourceDef>();
  private cached: ResourceDef[] = [];
  /** Bumped whenever the set of custom resources changes (discovery and OpenAPI caches key on it). */
  generation = 0;

  constructor(private readonly store: ObjectStore) {
    this.resync();
    store.subscribe((ev) => this.onEvent(ev));
  }

  /** Rebuilds the registry from the stored CRDs (after a reload, which emits no events). */
  resync(): void {
    this.defs.clear();
    for (const crd of this.store.list(CRD_TABLE)) this.register(crd);
    this.changed();
  }

  /** The resources CRDs registered, in CRD name order. */
  list(): readonly ResourceDef[] {
    return this.cached;
  }

  /** Store tables of namespaced custom resources (a namespace's deletion empties them too). */
  namespacedTables(): string[] {
    return this.cached.filter((d) => d.namespaced).map((d) => `${d.group}/${d.plural}`);
  }

  private onEvent(ev: StoreEvent): void {
    if (ev.resource !== CRD_TABLE) return;
    const name = ev.object.metadata.name;
    if (ev.type === 'DELETED') {
      const def = this.defs.get(name);
      this.defs.delete(name);
      this.changed();
      if (def) {
        // The custom resources go with their definition (kube-apiserver's CRD finalizer does the same).
        const table = `${def.group}/${def.plural}`;
        setImmediate(() => {
          for (const o of this.store.list(table)) this.store.remove(table, o.metadata.namespace, o.metadata.name);
        });
      }
      return;
    }
    this.register(ev.object);
    if (!isEstablished(ev.object)) setImmediate(() => this.establish(name));
  }

  private register(crd: KObject): void {
    const def = resourceOf(crd);
    if (def) this.defs.set(crd.metadata.name, def);
    else this.defs.delete(crd.metadata.name);
    this.changed();
  }

  private changed(): void {
    this.cached = [...this.defs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
    this.generation++;
  }

  /** Sets acceptedNames and the NamesAccepted/Established conditions, as the apiextensions controllers do. */
  private establish(name: string): void {
    this.store.mutate(CRD_TABLE, undefined, name, (crd) => {
      if (isEstablished(crd)) return false;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const names = (crd.spec as CrdSpec).names ?? {};
      const condition = (type: string, reason: string, message: string) => ({
        type,
        status: 'True',
        lastTransitionTime: now,
        reason,
        message,
      });
      crd.status = {
        ...(crd.status ?? {}),
        acceptedNames: {
          ...names,
          listKind: names.listKind ?? `${names.kind}List`,
          singular: names.singular ?? names.kind?.toLowerCase(),
        },
        conditions: [
          condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
          condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
        ],
        storedVersions: ((crd.spec as CrdSpec).versions ?? []).filter((v) => v.storage).map((v) => v.name),
      };
    });
  }
}

function isEstablished(crd: KObject): boolean {
  return (crd.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True',
  );
}

/** The resource a (validated) CRD registers, or undefined when it serves no version. */
function resourceOf(crd: KObject): ResourceDef | undefined {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const names = spec.names ?? {};
  const versions = (spec.versions ?? []).filter((v) => v.served !== false);
  if (!spec.group || !names.plural || !names.kind || versions.length === 0) return undefined;
  const ordered = [...versions].sort((a, b) => compareKubeAwareVersions(a.name, b.name));
  const hasStatus = versions.some((v) => v.subresources?.status !== undefined);
  return {
    group: spec.group,
    plural: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    kind: names.kind,
    namespaced: spec.scope !== 'Cluster',
    verbs: RW,
    ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
    ...(names.categories?.length ? { categories: names.categories } : {}),
    ...(hasStatus ? { subresources: [{ name: 'status', kind: names.kind, verbs: ['get', 'patch', 'update'] }] } : {}),
    versions: ordered.map((v): ServedVersion => ({ version: v.name })),
    custom: {
      crd: crd.metadata.name,
      schemas: Object.fromEntries(versions.map((v) => [v.name, v.schema?.openAPIV3Schema])),
    },
  };
}

/**
 * kube-apiserver's version priority (apimachinery's CompareKubeAwareVersionStrings): GA before beta before
 * alpha, higher numbers first within each; versions not of the form vN[alphaM|betaM] last, alphabetically.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0] as const;
    return [m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2, -Number(m[1]), -Number(m[3] ?? 0)] as const;
  };
  const x = rank(a);
  const y = rank(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The checks kube-apiserver makes on a CRD that clients notice (names, scope, versions). */
export function validateCrd(crd: KObject): void {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const name = crd.metadata.name;
  const causes: { reason: string; message: string; field: string }[] = [];
  const required = (field: string, v: unknown) => {
    if (v === undefined || v === '') causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
  };
  required('spec.group', spec.group);
  required('spec.names.plural', spec.names?.plural);
  required('spec.names.kind', spec.names?.kind);
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${spec.scope ?? ''}": supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  }
  if (spec.group && spec.names?.plural && name !== `${spec.names.plural}.${spec.group}`) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
      field: 'metadata.name',
    });
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0)
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: must have exactly one version marked as storage version',
      field: 'spec.versions',
    });
  else if (versions.filter((v) => v.storage).length !== 1) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: must have exactly one version marked as storage version',
      field: 'spec.versions',
    });
  }
  if (causes.length) throw invalid('CustomResourceDefinition', name, causes, 'apiextensions.k8s.io');
}
