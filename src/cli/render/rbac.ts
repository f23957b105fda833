/**
 * `k8s-upgrade rbac` output: the roles and bindings as multi-document YAML for `kubectl apply -f -`, each
 * document preceded by a comment saying what it is for (the human view), or as one `v1` List (json, yaml).
 */
import { stringify } from 'yaml';
import type { RbacDocument } from '../../upgrade/rbac/index.js';

export interface RbacOutput {
  apiVersion: 'v1';
  kind: 'List';
  items: RbacDocument[];
}

const PURPOSE: Record<string, string> = {
  ServiceAccount: 'The identity k8s-upgrade runs as (in a Job, a CronJob or a CI runner with its token).',
  ClusterRole: 'Cluster-wide: read nodes, pods, budgets and workloads; cordon nodes and evict pods (apply).',
  ClusterRolePlanOnly: 'Cluster-wide, read-only: nodes, pods, budgets, workloads and what the removed-API checks read.',
  ClusterRoleBinding: 'Grants the ClusterRole to the subject.',
  Role: 'kube-system only: the run lock (a Lease) and the run state mirror (a ConfigMap).',
  RoleBinding: 'Grants the Role to the subject.',
};

export function renderRbacYaml(out: RbacOutput, planOnly: boolean): string {
  const head = [
    `# Minimal RBAC for k8s-upgrade ${planOnly ? 'plan (read-only)' : 'plan, apply and rollback'}, from the list the`,
    `# permissions-missing check reviews. Apply with: k8s-upgrade rbac${planOnly ? ' --plan-only' : ''} | kubectl apply -f -`,
  ].join('\n');
  const purpose = (kind: string) => PURPOSE[planOnly && kind === 'ClusterRole' ? 'ClusterRolePlanOnly' : kind] ?? kind;
  const docs = out.items.map((d) => `# ${purpose(d.kind)}\n${stringify(d).trimEnd()}`);
  return `${head}\n---\n${docs.join('\n---\n')}\n`;
}
