/**
 * The `rbac` use case: the minimal RBAC objects (rbac.authorization.k8s.io/v1) for the identity that runs this
 * tool, built from the same access lists the `permissions-missing` check reviews (`checks/required-access.ts`):
 * a ClusterRole for what is cluster-wide, a Role in kube-system for the run lock and the state mirror, their
 * bindings, and the ServiceAccount when the subject is one. `plan-only` leaves out everything that writes.
 * Pure: returns the documents; printing them is the caller's business.
 */
import { APPLY_ACCESS, PLAN_NON_RESOURCE_ACCESS, planAccess, type ResourceAccess } from '../../checks/index.js';

export type RbacSubject =
  { kind: 'ServiceAccount'; name: string; namespace: string } | { kind: 'User' | 'Group'; name: string };

export interface RbacRequest {
  /** Name of the roles and bindings (default `k8s-upgrade`). */
  name: string;
  subject: RbacSubject;
  /** Only what `plan` needs (read-only), not what `apply` and `rollback` do. */
  planOnly: boolean;
  /**
   * Leave out `list secrets` (only the removed-API check of Helm releases reads secrets, and RBAC cannot narrow
   * it to Helm's); that check then reports that it could not look.
   */
  withoutSecrets?: boolean;
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

export type RbacDocument = Record<string, unknown> & { apiVersion: string; kind: string; metadata: object };

/** kube-system: where the Lease and the state ConfigMap live. */
export const RBAC_NAMESPACE = 'kube-system';
const LABELS = { 'app.kubernetes.io/name': 'k8s-upgrade', 'app.kubernetes.io/managed-by': 'k8s-upgrade' };
const RBAC_API = 'rbac.authorization.k8s.io/v1';

/** Merges accesses into rules: one per (group, resource names) with the union of verbs, then resources with the same verbs. */
export function toRules(access: readonly ResourceAccess[]): PolicyRule[] {
  const byResource = new Map<string, { group: string; resource: string; names?: string; verbs: Set<string> }>();
  for (const a of access) {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const key = `${a.group}\u0000${resource}\u0000${a.name ?? ''}`;
    const cur = byResource.get(key) ?? {
      group: a.group,
      resource,
      ...(a.name ? { names: a.name } : {}),
      verbs: new Set<string>(),
    };
    cur.verbs.add(a.verb);
    byResource.set(key, cur);
  }
  const rules = new Map<string, PolicyRule>();
  for (const r of byResource.values()) {
    const verbs = [...r.verbs].sort();
    const key = `${r.group}\u0000${verbs.join(',')}\u0000${r.names ?? ''}`;
    const rule = rules.get(key);
    if (rule) rule.resources!.push(r.resource);
    else
      rules.set(key, {
        apiGroups: [r.group],
        resources: [r.resource],
        ...(r.names ? { resourceNames: [r.names] } : {}),
        verbs,
      });
  }
  return [...rules.values()]
    .map((r) => ({ ...r, resources: [...r.resources!].sort() }))
    .sort((a, b) => `${a.apiGroups![0]}/${a.resources![0]}`.localeCompare(`${b.apiGroups![0]}/${b.resources![0]}`));
}

export function rbacManifests(req: RbacRequest): RbacDocument[] {
  const access = (req.planOnly ? planAccess() : [...planAccess(), ...APPLY_ACCESS]).filter(
    (a) => !(req.withoutSecrets && a.group === '' && a.resource === 'secrets'),
  );
  const clusterWide = access.filter((a) => a.namespace === undefined);
  const inKubeSystem = access.filter((a) => a.namespace === RBAC_NAMESPACE);
  const subject =
    req.subject.kind === 'ServiceAccount'
      ? { kind: 'ServiceAccount', name: req.subject.name, namespace: req.subject.namespace }
      : { kind: req.subject.kind, apiGroup: 'rbac.authorization.k8s.io', name: req.subject.name };
  const meta = (namespace?: string) => ({ name: req.name, ...(namespace ? { namespace } : {}), labels: LABELS });
  const docs: RbacDocument[] = [];
  if (req.subject.kind === 'ServiceAccount')
    docs.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: req.subject.name, namespace: req.subject.namespace, labels: LABELS },
    });
  docs.push(
    {
      apiVersion: RBAC_API,
      kind: 'ClusterRole',
      metadata: meta(),
      rules: [
        ...toRules(clusterWide),
        { nonResourceURLs: PLAN_NON_RESOURCE_ACCESS.map((a) => a.nonResourceURL), verbs: ['get'] },
      ],
    },
    {
      apiVersion: RBAC_API,
      kind: 'ClusterRoleBinding',
      metadata: meta(),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: req.name },
      subjects: [subject],
    },
  );
  if (inKubeSystem.length > 0)
    docs.push(
      {
        apiVersion: RBAC_API,
        kind: 'Role',
        metadata: meta(RBAC_NAMESPACE),
        rules: toRules(inKubeSystem),
      },
      {
        apiVersion: RBAC_API,
        kind: 'RoleBinding',
        metadata: meta(RBAC_NAMESPACE),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: req.name },
        subjects: [subject],
      },
    );
  return docs;
}

/**
 * Whether the rules grant `verb` on `group`/`resource` (resource may carry `/subresource`), as RBAC decides for
 * a request without a name restriction in mind: `resourceNames` are not considered.
 */
export function rulesAllow(rules: readonly PolicyRule[], verb: string, group: string, resource: string): boolean {
  return rules.some(
    (r) =>
      (r.verbs.includes(verb) || r.verbs.includes('*')) &&
      (r.apiGroups?.includes(group) || r.apiGroups?.includes('*')) &&
      (r.resources?.includes(resource) || r.resources?.includes('*')),
  );
}
