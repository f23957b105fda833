/**
 * What this tool does with the Kubernetes API, as data: the access `apply` and `rollback` need (the
 * `permissions-missing` check reviews exactly these) and the read-only access `plan` needs (including the
 * collections the removed-API check lists for every version range the table knows, and `/metrics`). `rbac`
 * turns the same lists into a ClusterRole and a Role, so the check and the printed RBAC cannot drift apart.
 */
import type { AccessCheck } from '../cluster/index.js';
import { storedCollections } from './removed-apis-stored.js';

export interface ResourceAccess extends AccessCheck {
  /** Why the tool needs it, shown next to the rule. */
  why: string;
}

export interface NonResourceAccess {
  verb: 'get';
  nonResourceURL: string;
  why: string;
}

const each = (
  group: string,
  resource: string,
  verbs: string[],
  why: string,
  extra: Partial<AccessCheck> = {},
): ResourceAccess[] => verbs.map((verb) => ({ verb, group, resource, why, ...extra }));

const WORKLOADS = ['deployments', 'replicasets', 'statefulsets', 'daemonsets'];

/** What apply (and rollback) does with the API. */
export const APPLY_ACCESS: readonly ResourceAccess[] = [
  ...each('', 'nodes', ['get', 'list', 'watch', 'patch'], 'cordon, uncordon and watch nodes come back Ready'),
  ...each('', 'namespaces', ['get'], 'check the plan is for this cluster (the kube-system namespace UID)', {
    name: 'kube-system',
  }),
  ...each(
    '',
    'pods',
    ['list', 'watch', 'get', 'delete'],
    'find the pods to drain and watch them go; delete only what the drain rules allow',
  ),
  ...each('', 'pods', ['create'], 'evict pods through the Eviction API (PDBs respected)', {
    subresource: 'eviction',
  }),
  ...each('policy', 'poddisruptionbudgets', ['list', 'watch'], 'respect disruption budgets'),
  ...each('coordination.k8s.io', 'leases', ['create', 'get', 'update'], 'the run lock', { namespace: 'kube-system' }),
  ...each('', 'configmaps', ['create', 'get', 'update'], 'the run state mirror', { namespace: 'kube-system' }),
  ...WORKLOADS.flatMap((r) => each('apps', r, ['list', 'watch'], 'workload health gates and pod owners')),
];

/** The collections the removed-API check may list, for every range of minors the table covers. */
export function storedCollectionAccess(): ResourceAccess[] {
  const seen = new Map<string, ResourceAccess>();
  for (let from = 0; from <= 60; from++) {
    for (const c of storedCollections({ from, to: 99 })) {
      const parts = c.path.split('/').filter(Boolean); // api/v1/x or apis/group/v/x
      const group = parts[0] === 'api' ? '' : parts[1]!;
      const resource = parts[parts.length - 1]!;
      const key = `${group}/${resource}`;
      if (!seen.has(key))
        seen.set(key, { verb: 'list', group, resource, why: `removed-API check: stored ${c.kind} objects` });
    }
  }
  return [...seen.values()].sort((a, b) => `${a.group}/${a.resource}`.localeCompare(`${b.group}/${b.resource}`));
}

/** What plan reads (nothing is written). */
export function planAccess(): ResourceAccess[] {
  return [
    ...each('', 'namespaces', ['get'], 'the cluster identity (the kube-system namespace UID)', {
      name: 'kube-system',
    }),
    ...each('', 'nodes', ['list'], 'nodes, versions and capacity'),
    ...each('', 'pods', ['list'], 'what each drain would evict; control-plane component versions'),
    ...each('policy', 'poddisruptionbudgets', ['list'], 'budgets that would block a drain'),
    ...WORKLOADS.flatMap((r) => each('apps', r, ['list'], 'replicas and owners of the drained pods')),
    ...each('', 'secrets', ['list'], 'removed-API check: Helm release secrets (owner=helm)'),
    ...storedCollectionAccess(),
  ];
}

export const PLAN_NON_RESOURCE_ACCESS: readonly NonResourceAccess[] = [
  { verb: 'get', nonResourceURL: '/metrics', why: 'removed-API check: apiserver_requested_deprecated_apis' },
];
