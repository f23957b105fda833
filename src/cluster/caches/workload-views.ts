/**
 * Workload controllers (Deployments, ReplicaSets, StatefulSets, DaemonSets) from their wire JSON as the
 * views the health gates read: WorkloadInfo plus the pod template's labels (which PodDisruptionBudgets
 * select the workload's pods) and whether the status reflects the current spec.
 */
import { controllerOf } from '../../kube/index.js';
import type { WorkloadInfo, WorkloadKind } from '../types.js';

export interface WorkloadView extends WorkloadInfo {
  /** The pod template's labels. */
  podLabels: Record<string, string>;
  /** status.observedGeneration ≥ metadata.generation: the counts describe the current spec. */
  current: boolean;
  /** Pods at the current template (Deployment/StatefulSet: updatedReplicas; DaemonSet: updatedNumberScheduled). */
  updatedReplicas: number;
}

interface WireOwner {
  kind: string;
  name: string;
  uid: string;
  apiVersion: string;
  controller?: boolean;
}

interface WireWorkload {
  metadata?: { namespace?: string; name?: string; uid?: string; generation?: number; ownerReferences?: WireOwner[] };
  spec?: {
    replicas?: number;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { image?: string }[] } };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    updatedNumberScheduled?: number;
  };
}

/** `Deployment/shop/web`: the key of a workload in the cache. */
export const workloadKey = (kind: WorkloadKind, namespace: string, name: string): string =>
  `${kind}/${namespace}/${name}`;

export function toWorkloadView(kind: WorkloadKind, w: WireWorkload): WorkloadView {
  const m = w.metadata ?? {};
  const s = w.status ?? {};
  const ownerRef = controllerOf(m.ownerReferences);
  const daemon = kind === 'DaemonSet';
  return {
    kind,
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    uid: m.uid ?? '',
    replicas: daemon ? (s.desiredNumberScheduled ?? 0) : (w.spec?.replicas ?? 1),
    readyReplicas: daemon ? (s.numberReady ?? 0) : (s.readyReplicas ?? 0),
    availableReplicas: daemon ? (s.numberAvailable ?? 0) : (s.availableReplicas ?? 0),
    updatedReplicas: daemon ? (s.updatedNumberScheduled ?? 0) : (s.updatedReplicas ?? 0),
    ...(kind === 'ReplicaSet' && ownerRef ? { owner: ownerRef } : {}),
    images: (w.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
    podLabels: w.spec?.template?.metadata?.labels ?? {},
    current: (s.observedGeneration ?? 0) >= (m.generation ?? 0),
  };
}
