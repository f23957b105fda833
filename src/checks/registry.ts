/**
 * Every check id preflight can report, with its severity (the most severe level it emits), whether
 * `--ignore-check ID` may waive it, and a one-line summary. Used to validate `--ignore-check` and for the docs.
 *
 * What may not be waived, and why: a waiver only marks a finding, it does not change what apply does.
 * - Skew violations and permissions: apply would fail half-way (kubeadm refuses the skew; a missing verb
 *   stops a drain or the lock) and leave a partly upgraded cluster behind.
 * - Capacity: evicted pods would stay Pending — exactly the downtime this tool exists to avoid.
 * - PDBs that never allow an eviction, and pods under several PDBs: the drain would retry forever (429) or
 *   fail on every attempt (500); fix the budget instead.
 * - Unmanaged and emptyDir pods: the drain refuses them unless planned with `--force` /
 *   `--delete-emptydir-data`, so the flag is the waiver (the finding then drops to a warning).
 * - An unhealthy control plane: kubeadm's own preflight refuses it.
 * Everything else is a judgement the operator may make (e.g. a removed API whose last client is gone).
 */
import type { Severity } from '../plan/index.js';

export interface CheckInfo {
  id: string;
  severity: Severity;
  waivable: boolean;
  summary: string;
}

export const CHECKS: readonly CheckInfo[] = [
  {
    id: 'skew-violated-now',
    severity: 'blocker',
    waivable: false,
    summary: 'The cluster already breaks the version-skew policy (kubelet, kube-proxy, controllers vs apiservers).',
  },
  {
    id: 'skew-violated-by-path',
    severity: 'blocker',
    waivable: false,
    summary: 'A step of the version path would break the skew policy (kube-proxy vs kubelets only warns).',
  },
  {
    id: 'target-prerelease',
    severity: 'blocker',
    waivable: true,
    summary: 'The target is an alpha, beta or rc build.',
  },
  {
    id: 'removed-api-in-use',
    severity: 'blocker',
    waivable: true,
    summary: 'Clients requested an API a hop removes (apiserver_requested_deprecated_apis on /metrics).',
  },
  {
    id: 'removed-api-stored',
    severity: 'warning',
    waivable: true,
    summary: 'Stored objects were written (managedFields) or last applied through an API a hop removes.',
  },
  {
    id: 'removed-api-helm',
    severity: 'blocker',
    waivable: true,
    summary: 'A deployed Helm v3 release manifest uses an API the target does not serve.',
  },
  {
    id: 'removed-api-manifest',
    severity: 'blocker',
    waivable: true,
    summary: 'A file under --manifests uses an API the target does not serve.',
  },
  {
    id: 'removed-api-source-unavailable',
    severity: 'info',
    waivable: true,
    summary: 'A source of removed-API evidence could not be read (metrics, a collection, Helm secrets, a file).',
  },
  { id: 'node-not-ready', severity: 'blocker', waivable: true, summary: 'A node is not Ready.' },
  {
    id: 'node-cordoned',
    severity: 'warning',
    waivable: true,
    summary: 'A node is already cordoned; it is upgraded but stays cordoned, and holds no evicted pods.',
  },
  {
    id: 'runtime-unsupported',
    severity: 'blocker',
    waivable: true,
    summary:
      'A node runs a container runtime the target kubelet cannot use (dockershim from 1.24, containerd 1.x from 1.36).',
  },
  {
    id: 'pdb-never-allows-eviction',
    severity: 'blocker',
    waivable: false,
    summary: 'A PodDisruptionBudget over evicted pods can never allow a disruption.',
  },
  {
    id: 'pdb-multiple-match',
    severity: 'blocker',
    waivable: false,
    summary: 'Evicted pods are matched by more than one PodDisruptionBudget (the Eviction API answers 500).',
  },
  {
    id: 'pdb-currently-blocked',
    severity: 'warning',
    waivable: true,
    summary: 'A PodDisruptionBudget allows no disruption right now because pods are unhealthy; drains will wait.',
  },
  {
    id: 'pod-unmanaged',
    severity: 'blocker',
    waivable: false,
    summary:
      'Pods without a controller (or whose DaemonSet is gone) would be deleted and never recreated (warning with --force).',
  },
  {
    id: 'pod-emptydir',
    severity: 'blocker',
    waivable: false,
    summary: 'Pods with emptyDir volumes would lose that data (warning with --delete-emptydir-data).',
  },
  {
    id: 'single-replica-no-pdb',
    severity: 'warning',
    waivable: true,
    summary: 'A single-replica workload without a PodDisruptionBudget is down while its pod is rescheduled.',
  },
  {
    id: 'capacity-insufficient',
    severity: 'blocker',
    waivable: false,
    summary: 'The pods evicted from a batch do not fit on the nodes that stay schedulable.',
  },
  {
    id: 'etcd-unhealthy',
    severity: 'blocker',
    waivable: false,
    summary:
      "An etcd member of the plan's etcd snapshot settings does not answer a health check (etcdctl endpoint health), or etcd cannot be reached to take the snapshot.",
  },
  {
    id: 'control-plane-unhealthy',
    severity: 'blocker',
    waivable: false,
    summary: 'A control-plane mirror pod (apiserver, controller-manager, scheduler, etcd) is missing or not Ready.',
  },
  {
    id: 'permissions-missing',
    severity: 'blocker',
    waivable: false,
    summary: 'The kubeconfig user lacks a permission apply needs (SelfSubjectAccessReview).',
  },
];

const BY_ID = new Map(CHECKS.map((c) => [c.id, c]));

export const isKnownCheck = (id: string): boolean => BY_ID.has(id);

/** Whether `--ignore-check id` may waive findings of this check (unknown ids cannot be waived). */
export const isWaivable = (id: string): boolean => BY_ID.get(id)?.waivable ?? false;

export const checkInfo = (id: string): CheckInfo | undefined => BY_ID.get(id);
