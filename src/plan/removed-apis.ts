/**
 * The table of Kubernetes API group-versions that stopped being served (kubernetes-facts.md §2), as data, with
 * the lookups an upgrade needs: which APIs a multi-hop upgrade removes, whether a cluster of a given minor
 * serves a kind, and what to migrate to. "removedIn" is the first minor that no longer serves the API; objects
 * already stored stay readable through the replacement. `deprecatedIn` is filled only where the API's generated
 * lifecycle data (k8s.io/api `zz_generated.prerelease-lifecycle.go`) or its release notes were checked.
 */
import { compareNames } from './ordering.js';
import { minorOf, type MinorLike } from './versions.js';

export const REMOVED_API_SOURCES = ['deprecation-guide', 'api-lifecycle', 'scheduled'] as const;
/**
 * Where a row comes from: the official migration guide; lifecycle data only (alpha APIs, or betas that were not
 * served by default, KEP-3136); or a removal announced for a future release.
 */
export type RemovedApiSource = (typeof REMOVED_API_SOURCES)[number];

export interface ApiReplacement {
  readonly groupVersion: string;
  /** First minor serving it, when known. */
  readonly availableSince?: number;
}

export interface RemovedApi {
  readonly group: string;
  readonly version: string;
  readonly groupVersion: string;
  readonly kinds: readonly string[];
  readonly removedIn: number;
  readonly deprecatedIn?: number;
  /** Ordered oldest first; the last one is the long-term target. Empty when there is no replacement API. */
  readonly replacements: readonly ApiReplacement[];
  readonly notes?: string;
  readonly source: RemovedApiSource;
}

/** The same kind and group-version together, as a reference from a manifest or an audit event. */
export interface ApiKindRef {
  readonly groupVersion: string;
  readonly kind: string;
  readonly availableSince?: number;
}

interface RowOptions {
  readonly deprecatedIn?: number;
  readonly notes?: string;
  readonly source?: RemovedApiSource;
}

const rep = (groupVersion: string, availableSince?: number): ApiReplacement =>
  availableSince === undefined ? { groupVersion } : { groupVersion, availableSince };

/** One row per group-version, all sharing kinds, removal and replacements. */
const rows = (
  groupVersions: readonly string[],
  kinds: readonly string[],
  removedIn: number,
  replacements: readonly ApiReplacement[],
  options: RowOptions = {},
): RemovedApi[] =>
  groupVersions.map((groupVersion) => {
    const [group = '', version = ''] = groupVersion.split('/');
    return { group, version, groupVersion, kinds, removedIn, replacements, source: 'deprecation-guide', ...options };
  });

const APPS_V1 = [rep('apps/v1', 9)];
const LIFECYCLE_ONLY: RowOptions = {
  source: 'api-lifecycle',
  notes: 'Alpha, or a beta not served by default (KEP-3136): only clusters that enabled it serve it.',
};
const SCHEDULED: RowOptions = { source: 'scheduled' };
const VAP_KINDS = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];
const DRA_KINDS = ['DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'];

/** Every removal from 1.16 on, ordered by `removedIn`. */
export const REMOVED_APIS: readonly RemovedApi[] = [
  // 1.16
  ...rows(['extensions/v1beta1'], ['NetworkPolicy'], 16, [rep('networking.k8s.io/v1', 8)]),
  ...rows(['extensions/v1beta1'], ['PodSecurityPolicy'], 16, [rep('policy/v1beta1', 10)], {
    notes:
      'policy/v1beta1 PodSecurityPolicy was removed in 1.25 as well, with no replacement API: use Pod Security Admission.',
  }),
  ...rows(['extensions/v1beta1', 'apps/v1beta2'], ['DaemonSet'], 16, APPS_V1, {
    notes: 'apps/v1: spec.selector is required and immutable; updateStrategy defaults to RollingUpdate (was OnDelete).',
  }),
  ...rows(['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'], ['Deployment'], 16, APPS_V1, {
    notes:
      'apps/v1: rollbackTo removed; progressDeadlineSeconds defaults to 600, revisionHistoryLimit to 10, maxSurge/maxUnavailable to 25%.',
  }),
  ...rows(['apps/v1beta1', 'apps/v1beta2'], ['StatefulSet'], 16, APPS_V1, {
    notes: 'apps/v1: updateStrategy defaults to RollingUpdate.',
  }),
  // apps/v1beta1 never had ReplicaSet, although the migration guide names it.
  ...rows(['extensions/v1beta1', 'apps/v1beta2'], ['ReplicaSet'], 16, APPS_V1),
  ...rows(['apps/v1beta1', 'apps/v1beta2'], ['ControllerRevision'], 16, APPS_V1, { source: 'api-lifecycle' }),
  // 1.22
  ...rows(
    ['admissionregistration.k8s.io/v1beta1'],
    ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    22,
    [rep('admissionregistration.k8s.io/v1', 16)],
    {
      deprecatedIn: 16,
      notes:
        'v1 defaults: failurePolicy Fail, matchPolicy Equivalent, timeoutSeconds 10; ' +
        'sideEffects and admissionReviewVersions are required.',
    },
  ),
  ...rows(['apiextensions.k8s.io/v1beta1'], ['CustomResourceDefinition'], 22, [rep('apiextensions.k8s.io/v1', 16)], {
    notes: 'v1: spec.scope is required, schemas must be structural, preserveUnknownFields: true is not allowed.',
  }),
  ...rows(['apiregistration.k8s.io/v1beta1'], ['APIService'], 22, [rep('apiregistration.k8s.io/v1', 10)]),
  ...rows(['authentication.k8s.io/v1beta1'], ['TokenReview'], 22, [rep('authentication.k8s.io/v1', 6)], {
    deprecatedIn: 19,
  }),
  ...rows(
    ['authorization.k8s.io/v1beta1'],
    ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview'],
    22,
    [rep('authorization.k8s.io/v1', 6)],
    { deprecatedIn: 19, notes: 'v1 renames spec.group to spec.groups.' },
  ),
  ...rows(['certificates.k8s.io/v1beta1'], ['CertificateSigningRequest'], 22, [rep('certificates.k8s.io/v1', 19)], {
    deprecatedIn: 19,
    notes: 'v1: signerName and usages are required.',
  }),
  ...rows(['coordination.k8s.io/v1beta1'], ['Lease'], 22, [rep('coordination.k8s.io/v1', 14)], { deprecatedIn: 19 }),
  ...rows(['extensions/v1beta1'], ['Ingress'], 22, [rep('networking.k8s.io/v1', 19)], {
    notes: 'v1: backend is now defaultBackend, service.name/service.port.number, pathType is required.',
  }),
  ...rows(['networking.k8s.io/v1beta1'], ['Ingress'], 22, [rep('networking.k8s.io/v1', 19)], {
    deprecatedIn: 19,
    notes: 'v1: backend is now defaultBackend, service.name/service.port.number, pathType is required.',
  }),
  ...rows(['networking.k8s.io/v1beta1'], ['IngressClass'], 22, [rep('networking.k8s.io/v1', 19)], { deprecatedIn: 19 }),
  ...rows(
    ['rbac.authorization.k8s.io/v1beta1'],
    ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    22,
    [rep('rbac.authorization.k8s.io/v1', 8)],
    { deprecatedIn: 17 },
  ),
  ...rows(['scheduling.k8s.io/v1beta1'], ['PriorityClass'], 22, [rep('scheduling.k8s.io/v1', 14)], {
    deprecatedIn: 14,
  }),
  ...rows(['storage.k8s.io/v1beta1'], ['CSIDriver'], 22, [rep('storage.k8s.io/v1', 19)], { deprecatedIn: 19 }),
  ...rows(['storage.k8s.io/v1beta1'], ['CSINode'], 22, [rep('storage.k8s.io/v1', 17)], { deprecatedIn: 17 }),
  ...rows(['storage.k8s.io/v1beta1'], ['StorageClass'], 22, [rep('storage.k8s.io/v1', 6)], { deprecatedIn: 19 }),
  ...rows(['storage.k8s.io/v1beta1'], ['VolumeAttachment'], 22, [rep('storage.k8s.io/v1', 13)], {
    deprecatedIn: 19,
    notes: 'storage.k8s.io/v1beta1 CSIStorageCapacity kept being served until 1.27.',
  }),
  // 1.25
  ...rows(['batch/v1beta1'], ['CronJob'], 25, [rep('batch/v1', 21)], { deprecatedIn: 21 }),
  ...rows(['discovery.k8s.io/v1beta1'], ['EndpointSlice'], 25, [rep('discovery.k8s.io/v1', 21)], {
    deprecatedIn: 21,
    notes: 'v1: per-endpoint nodeName and zone; topology becomes the read-only deprecatedTopology.',
  }),
  ...rows(['events.k8s.io/v1beta1'], ['Event'], 25, [rep('events.k8s.io/v1', 19)], { deprecatedIn: 22 }),
  ...rows(['autoscaling/v2beta1'], ['HorizontalPodAutoscaler'], 25, [rep('autoscaling/v2', 23)], { deprecatedIn: 22 }),
  ...rows(['policy/v1beta1'], ['PodDisruptionBudget'], 25, [rep('policy/v1', 21)], {
    deprecatedIn: 22,
    notes:
      'policy/v1: an empty selector {} selects every pod in the namespace (v1beta1: none); an unset selector selects none in both.',
  }),
  ...rows(['policy/v1beta1'], ['PodSecurityPolicy'], 25, [], {
    deprecatedIn: 21,
    notes:
      'No replacement API: move to Pod Security Admission or a third-party admission webhook; the PSP admission plugin is gone too.',
  }),
  ...rows(['node.k8s.io/v1beta1'], ['RuntimeClass'], 25, [rep('node.k8s.io/v1', 20)], { deprecatedIn: 22 }),
  // 1.26, 1.27
  ...rows(
    ['flowcontrol.apiserver.k8s.io/v1beta1'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    26,
    [
      rep('flowcontrol.apiserver.k8s.io/v1beta2', 23),
      rep('flowcontrol.apiserver.k8s.io/v1beta3', 26),
      rep('flowcontrol.apiserver.k8s.io/v1', 29),
    ],
    { deprecatedIn: 23 },
  ),
  ...rows(['autoscaling/v2beta2'], ['HorizontalPodAutoscaler'], 26, [rep('autoscaling/v2', 23)], { deprecatedIn: 23 }),
  ...rows(['storage.k8s.io/v1beta1'], ['CSIStorageCapacity'], 27, [rep('storage.k8s.io/v1', 24)], { deprecatedIn: 24 }),
  // 1.29, 1.32
  ...rows(
    ['flowcontrol.apiserver.k8s.io/v1beta2'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    29,
    [rep('flowcontrol.apiserver.k8s.io/v1beta3', 26), rep('flowcontrol.apiserver.k8s.io/v1', 29)],
    {
      deprecatedIn: 26,
      notes: 'PriorityLevelConfiguration: assuredConcurrencyShares becomes nominalConcurrencyShares.',
    },
  ),
  ...rows(
    ['flowcontrol.apiserver.k8s.io/v1beta3'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    32,
    [rep('flowcontrol.apiserver.k8s.io/v1', 29)],
    { deprecatedIn: 29 },
  ),
  // Lifecycle-only removals (not in the migration guide).
  ...rows(
    ['authentication.k8s.io/v1alpha1'],
    ['SelfSubjectReview'],
    32,
    [rep('authentication.k8s.io/v1', 28)],
    LIFECYCLE_ONLY,
  ),
  ...rows(
    ['admissionregistration.k8s.io/v1alpha1'],
    VAP_KINDS,
    32,
    [rep('admissionregistration.k8s.io/v1', 30)],
    LIFECYCLE_ONLY,
  ),
  ...rows(
    ['authentication.k8s.io/v1beta1'],
    ['SelfSubjectReview'],
    33,
    [rep('authentication.k8s.io/v1', 28)],
    LIFECYCLE_ONLY,
  ),
  ...rows(
    ['admissionregistration.k8s.io/v1beta1'],
    VAP_KINDS,
    34,
    [rep('admissionregistration.k8s.io/v1', 30)],
    LIFECYCLE_ONLY,
  ),
  ...rows(['storage.k8s.io/v1alpha1'], ['VolumeAttributesClass'], 35, [rep('storage.k8s.io/v1', 34)], LIFECYCLE_ONLY),
  // Announced for future releases.
  ...rows(['networking.k8s.io/v1beta1'], ['IPAddress', 'ServiceCIDR'], 37, [rep('networking.k8s.io/v1')], SCHEDULED),
  ...rows(['storage.k8s.io/v1beta1'], ['VolumeAttributesClass'], 37, [rep('storage.k8s.io/v1', 34)], SCHEDULED),
  ...rows(['resource.k8s.io/v1beta1'], DRA_KINDS, 38, [rep('resource.k8s.io/v1')], SCHEDULED),
];

/** The APIs that stop being served somewhere on the way from `fromMinor` to `toMinor` (any hop), by removal then group-version. */
export const removedBetween = (fromMinor: MinorLike, toMinor: MinorLike): RemovedApi[] => {
  const [from, to] = [minorOf(fromMinor), minorOf(toMinor)];
  return REMOVED_APIS.filter((api) => api.removedIn > from && api.removedIn <= to).sort(
    (a, b) => a.removedIn - b.removedIn || compareNames(a.groupVersion, b.groupVersion),
  );
};

/** The table row for a kind in a group-version, if that pair was ever removed. */
export const findRemovedApi = (groupVersion: string, kind: string): RemovedApi | undefined =>
  REMOVED_APIS.find((api) => api.groupVersion === groupVersion && api.kinds.includes(kind));

/**
 * Whether a cluster at `clusterMinor` serves `kind` in `groupVersion` as far as the table knows: false once
 * removed, and false before a replacement API's known first release. Anything the table does not mention (core
 * v1, CRDs) is assumed served.
 */
export const isServed = (groupVersion: string, kind: string, clusterMinor: MinorLike): boolean => {
  const minor = minorOf(clusterMinor);
  const removed = findRemovedApi(groupVersion, kind);
  if (removed && removed.removedIn <= minor) return false;
  const since = introducedIn(groupVersion, kind);
  return since === undefined || since <= minor;
};

/**
 * What to migrate a removed kind to. With `clusterMinor`, the most durable replacement that cluster serves;
 * without, the one that is never removed. `undefined` when there is none (PodSecurityPolicy) or nothing fits.
 */
export const replacementFor = (
  groupVersion: string,
  kind: string,
  clusterMinor?: MinorLike,
): ApiKindRef | undefined => {
  const api = findRemovedApi(groupVersion, kind);
  if (!api) return undefined;
  const at = clusterMinor === undefined ? Number.MAX_SAFE_INTEGER : minorOf(clusterMinor);
  const served = api.replacements.filter((r) => isServed(r.groupVersion, kind, at));
  const best = served.reduce<ApiReplacement | undefined>(
    (acc, r) => (acc === undefined || durability(r, kind) >= durability(acc, kind) ? r : acc),
    undefined,
  );
  if (!best) return undefined;
  return best.availableSince === undefined
    ? { groupVersion: best.groupVersion, kind }
    : { groupVersion: best.groupVersion, kind, availableSince: best.availableSince };
};

const durability = (r: ApiReplacement, kind: string): number =>
  findRemovedApi(r.groupVersion, kind)?.removedIn ?? Number.MAX_SAFE_INTEGER;

const introducedIn = (groupVersion: string, kind: string): number | undefined => {
  const known = REMOVED_APIS.filter((api) => api.kinds.includes(kind))
    .flatMap((api) => api.replacements)
    .filter((r) => r.groupVersion === groupVersion && r.availableSince !== undefined)
    .map((r) => r.availableSince as number);
  return known.length === 0 ? undefined : Math.min(...known);
};
