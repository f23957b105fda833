/**
 * The resources the sandbox serves, as data: group, plural, kind, scope, verbs, short names, subresources and
 * the range of Kubernetes minors in which each group-version is served (from the removed-API table of
 * kubernetes-facts.md §2). One storage table per resource, whatever version a client uses, like the real
 * apiserver's storage version.
 */

export interface ServedVersion {
  version: string;
  /** First minor (1.x) serving this group-version. */
  introducedIn?: number;
  /** Minor in which it was deprecated (requests are then counted in apiserver_requested_deprecated_apis). */
  deprecatedIn?: number;
  /** First minor that no longer serves it. */
  removedIn?: number;
}

export interface ResourceDef {
  group: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { name: string; kind: string; group?: string; version?: string; verbs: string[] }[];
  versions: ServedVersion[];
  /** Create-only virtual resources (reviews) have no storage. */
  virtual?: boolean;
  /** The storage table when another resource's (a view of the same objects: events.k8s.io events are core events). */
  storage?: string;
  /** Set on resources a CustomResourceDefinition registered: its name and each version's openAPIV3Schema. */
  custom?: { crd: string; schemas: Record<string, unknown> };
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS = { name: 'status', verbs: ['get', 'patch', 'update'] };
/** The `/scale` subresource: an autoscaling/v1 Scale (`kubectl scale`, HPAs, the disruption controller). */
const SCALE = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

export const RESOURCES: ResourceDef[] = [
  {
    group: '',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    subresources: [{ ...STATUS, kind: 'Namespace' }],
    versions: [{ version: 'v1' }],
  },
  {
    group: '',
    plural: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    verbs: RW,
    shortNames: ['no'],
    subresources: [{ ...STATUS, kind: 'Node' }],
    versions: [{ version: 'v1' }],
  },
  {
    group: '',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: RW,
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { ...STATUS, kind: 'Pod' },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    ],
    versions: [{ version: 'v1' }],
  },
  {
    group: '',
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    verbs: RW,
    shortNames: ['cm'],
    versions: [{ version: 'v1' }],
  },
  {
    group: '',
    plural: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    verbs: RW,
    versions: [{ version: 'v1' }],
  },
  {
    group: 'apps',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    verbs: RW,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [{ ...STATUS, kind: 'Deployment' }, SCALE],
    versions: [{ version: 'v1' }],
  },
  {
    group: 'apps',
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    verbs: RW,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [{ ...STATUS, kind: 'ReplicaSet' }, SCALE],
    versions: [{ version: 'v1' }],
  },
  {
    group: 'apps',
    plural: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    verbs: RW,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: [{ ...STATUS, kind: 'DaemonSet' }],
    versions: [{ version: 'v1' }],
  },
  {
    group: 'apps',
    plural: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    verbs: RW,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: [{ ...STATUS, kind: 'StatefulSet' }, SCALE],
    versions: [{ version: 'v1' }],
  },
  {
    group: 'policy',
    plural: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    verbs: RW,
    shortNames: ['pdb'],
    subresources: [{ ...STATUS, kind: 'PodDisruptionBudget' }],
    versions: [
      { version: 'v1', introducedIn: 21 },
      { version: 'v1beta1', deprecatedIn: 21, removedIn: 25 },
    ],
  },
  {
    group: '',
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    verbs: RW,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [{ ...STATUS, kind: 'Service' }],
    versions: [{ version: 'v1' }],
  },
  {
    group: '',
    plural: 'endpoints',
    singular: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    verbs: RW,
    shortNames: ['ep'],
    versions: [{ version: 'v1' }],
  },
  {
    group: 'discovery.k8s.io',
    plural: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    namespaced: true,
    verbs: RW,
    versions: [
      { version: 'v1', introducedIn: 21 },
      { version: 'v1beta1', deprecatedIn: 21, removedIn: 25 },
    ],
  },
  {
    group: '',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: RW,
    shortNames: ['ev'],
    versions: [{ version: 'v1' }],
  },
  // The same objects as core events (one storage table, like the apiserver's), in the events.k8s.io shape.
  {
    group: 'events.k8s.io',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: RW,
    shortNames: ['ev'],
    storage: 'events',
    versions: [
      { version: 'v1', introducedIn: 19 },
      { version: 'v1beta1', deprecatedIn: 19, removedIn: 25 },
    ],
  },
  {
    group: 'coordination.k8s.io',
    plural: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
    verbs: RW,
    versions: [{ version: 'v1' }],
  },
  {
    group: 'authorization.k8s.io',
    plural: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    versions: [{ version: 'v1' }],
    virtual: true,
  },
  // Stored without controllers: they exist so that removed-API detection can be exercised at every version.
  {
    group: 'batch',
    plural: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    verbs: RW,
    shortNames: ['cj'],
    categories: ['all'],
    versions: [
      { version: 'v1', introducedIn: 21 },
      { version: 'v1beta1', deprecatedIn: 21, removedIn: 25 },
    ],
  },
  {
    group: 'batch',
    plural: 'jobs',
    singular: 'job',
    kind: 'Job',
    namespaced: true,
    verbs: RW,
    categories: ['all'],
    versions: [{ version: 'v1' }],
  },
  {
    group: 'autoscaling',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    verbs: RW,
    shortNames: ['hpa'],
    categories: ['all'],
    versions: [
      { version: 'v2', introducedIn: 23 },
      { version: 'v1' },
      { version: 'v2beta2', deprecatedIn: 23, removedIn: 26 },
    ],
  },
  {
    group: 'flowcontrol.apiserver.k8s.io',
    plural: 'flowschemas',
    singular: 'flowschema',
    kind: 'FlowSchema',
    namespaced: false,
    verbs: RW,
    versions: [
      { version: 'v1', introducedIn: 29 },
      { version: 'v1beta3', introducedIn: 26, deprecatedIn: 29, removedIn: 32 },
    ],
  },
  {
    group: 'apiextensions.k8s.io',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    verbs: RW,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: [{ ...STATUS, kind: 'CustomResourceDefinition' }],
    versions: [{ version: 'v1', introducedIn: 16 }],
  },
  {
    group: 'flowcontrol.apiserver.k8s.io',
    plural: 'prioritylevelconfigurations',
    singular: 'prioritylevelconfiguration',
    kind: 'PriorityLevelConfiguration',
    namespaced: false,
    verbs: RW,
    versions: [
      { version: 'v1', introducedIn: 29 },
      { version: 'v1beta3', introducedIn: 26, deprecatedIn: 29, removedIn: 32 },
    ],
  },
];

/** The storage table name of a resource: `pods`, `apps/deployments`, … */
export function storageKey(def: ResourceDef): string {
  if (def.storage) return def.storage;
  return def.group ? `${def.group}/${def.plural}` : def.plural;
}

/** `deployments.apps` as used in Status messages; core resources have no suffix. */
export function qualifiedName(def: ResourceDef): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function isServed(v: ServedVersion, minor: number): boolean {
  return (
    (v.introducedIn === undefined || minor >= v.introducedIn) && (v.removedIn === undefined || minor < v.removedIn)
  );
}

/** Served versions of a resource at a cluster minor, preferred (first listed) first. */
export function servedVersions(def: ResourceDef, minor: number): ServedVersion[] {
  return def.versions.filter((v) => isServed(v, minor));
}

export function findResource(group: string, version: string, plural: string, minor: number): ResourceDef | undefined {
  const def = RESOURCES.find((r) => r.group === group && r.plural === plural);
  if (!def) return undefined;
  return def.versions.some((v) => v.version === version && isServed(v, minor)) ? def : undefined;
}

export function resourceByStorageKey(key: string): ResourceDef {
  const def = RESOURCES.find((r) => storageKey(r) === key);
  if (!def) throw new Error(`unknown resource ${key}`);
  return def;
}

/** Group → versions served at this minor, in preference order; groups serving nothing are left out. */
export function servedGroups(
  minor: number,
  defs: readonly ResourceDef[] = RESOURCES,
): { group: string; versions: string[] }[] {
  const out = new Map<string, string[]>();
  for (const def of defs) {
    for (const v of servedVersions(def, minor)) {
      const list = out.get(def.group) ?? [];
      if (!list.includes(v.version)) list.push(v.version);
      out.set(def.group, list);
    }
  }
  return [...out.entries()].map(([group, versions]) => ({ group, versions }));
}
