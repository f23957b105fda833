/** The RBAC builder: every access the check reviews is granted where it is needed, nothing more. */
import { describe, expect, it } from 'vitest';
import { APPLY_ACCESS, planAccess } from '../../../src/checks/index.js';
import { rbacManifests, rulesAllow, type PolicyRule } from '../../../src/upgrade/rbac/index.js';

const sa = { kind: 'ServiceAccount' as const, namespace: 'kube-system', name: 'k8s-upgrade' };
const byKind = (docs: ReturnType<typeof rbacManifests>, kind: string) => docs.filter((d) => d.kind === kind);
const rules = (docs: ReturnType<typeof rbacManifests>, kind: string) =>
  byKind(docs, kind).flatMap((d) => d.rules as PolicyRule[]);
const resourceOf = (a: { resource: string; subresource?: string }) =>
  a.subresource ? `${a.resource}/${a.subresource}` : a.resource;

describe('rbacManifests', () => {
  const full = rbacManifests({ name: 'k8s-upgrade', subject: sa, planOnly: false });

  it('grants every cluster-wide access in the ClusterRole and the kube-system ones in the Role only', () => {
    for (const a of [...APPLY_ACCESS, ...planAccess()]) {
      const inRole = rulesAllow(rules(full, 'Role'), a.verb, a.group, resourceOf(a));
      const inClusterRole = rulesAllow(rules(full, 'ClusterRole'), a.verb, a.group, resourceOf(a));
      if (a.namespace === 'kube-system')
        expect([inRole, inClusterRole], `${a.verb} ${a.resource}`).toEqual([true, false]);
      else expect(inClusterRole, `${a.verb} ${resourceOf(a)}`).toBe(true);
    }
    expect(byKind(full, 'Role')[0]!.metadata).toMatchObject({ namespace: 'kube-system', name: 'k8s-upgrade' });
    expect(rules(full, 'ClusterRole')).toContainEqual({ nonResourceURLs: ['/metrics'], verbs: ['get'] });
  });

  it('binds both roles to the subject and creates the service account', () => {
    expect(full.map((d) => d.kind)).toEqual([
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
    ]);
    for (const b of [...byKind(full, 'ClusterRoleBinding'), ...byKind(full, 'RoleBinding')]) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'k8s-upgrade', namespace: 'kube-system' }]);
    }
    expect(byKind(full, 'RoleBinding')[0]!.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'k8s-upgrade',
    });
  });

  it('plan-only is read-only and has no Role', () => {
    const docs = rbacManifests({ name: 'ro', subject: { kind: 'Group', name: 'ops' }, planOnly: true });
    expect(docs.map((d) => d.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    for (const r of rules(docs, 'ClusterRole'))
      expect(r.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
    expect(rulesAllow(rules(docs, 'ClusterRole'), 'patch', '', 'nodes')).toBe(false);
    expect(rulesAllow(rules(docs, 'ClusterRole'), 'create', '', 'pods/eviction')).toBe(false);
    expect(byKind(docs, 'ClusterRoleBinding')[0]!.subjects).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops' },
    ]);
  });

  it('lists every collection the removed-API check may read, and leaves secrets out on request', () => {
    const cr = rules(full, 'ClusterRole');
    expect(rulesAllow(cr, 'list', 'flowcontrol.apiserver.k8s.io', 'flowschemas')).toBe(true);
    expect(rulesAllow(cr, 'list', '', 'secrets')).toBe(true);
    const noSecrets = rbacManifests({ name: 'x', subject: sa, planOnly: false, withoutSecrets: true });
    expect(rulesAllow(rules(noSecrets, 'ClusterRole'), 'list', '', 'secrets')).toBe(false);
    expect(rulesAllow(rules(noSecrets, 'ClusterRole'), 'list', '', 'pods')).toBe(true);
  });
});
