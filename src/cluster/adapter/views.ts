/** Conversions from client-node's wire types to the product's views (types.ts). */
import type {
  V1Node,
  V1Pod,
  V1PodDisruptionBudget,
  V1Container,
  V1DaemonSet,
  V1Deployment,
  V1ReplicaSet,
  V1StatefulSet,
  V1ObjectMeta,
  V1PodTemplateSpec,
} from '@kubernetes/client-node';
import type { NodeInfo, PdbInfo, PodInfo, Resources, WorkloadInfo } from '../types.js';
import { controllerOf, isReady, notReadyReason, quantityMilli, quantityValue } from '../../kube/index.js';

/**
 * A quantity the API server sent, as a number: a missing or unparsable one counts as 0, like an absent field (a
 * conformant server validates and canonicalises quantities, so only a missing one is expected). For allocatable
 * that leaves the node no room; for requests the pod asks for nothing, like a pod without requests.
 */
export const milliOrZero = (q: string | undefined): number => (q === undefined ? 0 : (quantityMilli(q) ?? 0));
export const valueOrZero = (q: string | undefined): number => (q === undefined ? 0 : (quantityValue(q) ?? 0));

export const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

export function toNodeInfo(n: V1Node): NodeInfo {
  const labels = n.metadata?.labels ?? {};
  const alloc = n.status?.allocatable ?? {};
  return {
    name: n.metadata!.name!,
    uid: n.metadata?.uid ?? '',
    labels,
    controlPlane: CONTROL_PLANE_LABELS.some((l) => l in labels),
    kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? '',
    containerRuntime: n.status?.nodeInfo?.containerRuntimeVersion ?? '',
    criSocket: n.metadata?.annotations?.['kubeadm.alpha.kubernetes.io/cri-socket'],
    ready: isReady(n),
    readyReason: notReadyReason(n),
    unschedulable: n.spec?.unschedulable === true,
    zone: labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'],
    internalIP: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
    taints: (n.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    allocatable: {
      cpuMilli: milliOrZero(alloc.cpu),
      memoryBytes: valueOrZero(alloc.memory),
      pods: valueOrZero(alloc.pods),
    },
    resourceVersion: n.metadata?.resourceVersion ?? '',
  };
}

function containerRequests(c: V1Container): Resources {
  const r = c.resources?.requests ?? {};
  return { cpuMilli: milliOrZero(r.cpu), memoryBytes: valueOrZero(r.memory), pods: 0 };
}

/** kube-scheduler's effective request: max(sum of containers, any init container), plus one pod slot. */
export function podRequests(p: V1Pod): Resources {
  const sum = { cpuMilli: 0, memoryBytes: 0, pods: 1 };
  for (const c of p.spec?.containers ?? []) {
    const r = containerRequests(c);
    sum.cpuMilli += r.cpuMilli;
    sum.memoryBytes += r.memoryBytes;
  }
  for (const c of p.spec?.initContainers ?? []) {
    const r = containerRequests(c);
    sum.cpuMilli = Math.max(sum.cpuMilli, r.cpuMilli);
    sum.memoryBytes = Math.max(sum.memoryBytes, r.memoryBytes);
  }
  return sum;
}

export function toPodInfo(p: V1Pod): PodInfo {
  return {
    namespace: p.metadata!.namespace!,
    name: p.metadata!.name!,
    uid: p.metadata?.uid ?? '',
    nodeName: p.spec?.nodeName || undefined,
    labels: p.metadata?.labels ?? {},
    controller: controllerOf(p.metadata?.ownerReferences),
    mirror: !!p.metadata?.annotations?.['kubernetes.io/config.mirror'],
    phase: p.status?.phase ?? 'Unknown',
    ready: isReady(p),
    terminating: !!p.metadata?.deletionTimestamp,
    requests: podRequests(p),
    emptyDirVolumes: (p.spec?.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name),
    nodeSelector: p.spec?.nodeSelector ?? {},
    tolerations: p.spec?.tolerations ?? [],
    images: (p.spec?.containers ?? []).map((c) => c.image ?? ''),
  };
}

export function toPdbInfo(p: V1PodDisruptionBudget): PdbInfo {
  return {
    namespace: p.metadata!.namespace!,
    name: p.metadata!.name!,
    selector: p.spec?.selector ?? undefined,
    minAvailable: p.spec?.minAvailable,
    maxUnavailable: p.spec?.maxUnavailable,
    unhealthyPodEvictionPolicy: p.spec?.unhealthyPodEvictionPolicy,
    disruptionsAllowed: p.status?.disruptionsAllowed ?? 0,
    currentHealthy: p.status?.currentHealthy ?? 0,
    desiredHealthy: p.status?.desiredHealthy ?? 0,
    expectedPods: p.status?.expectedPods ?? 0,
    current: (p.status?.observedGeneration ?? 0) >= (p.metadata?.generation ?? 0),
  };
}

const templateImages = (t: V1PodTemplateSpec | undefined): string[] =>
  (t?.spec?.containers ?? []).map((c) => c.image ?? '');
const workloadMeta = (m: V1ObjectMeta | undefined) => ({
  namespace: m?.namespace ?? '',
  name: m?.name ?? '',
  uid: m?.uid ?? '',
});

export function toDeploymentInfo(d: V1Deployment): WorkloadInfo {
  return {
    kind: 'Deployment',
    ...workloadMeta(d.metadata),
    replicas: d.spec?.replicas ?? 1,
    readyReplicas: d.status?.readyReplicas ?? 0,
    availableReplicas: d.status?.availableReplicas ?? 0,
    images: templateImages(d.spec?.template),
  };
}

export function toReplicaSetInfo(r: V1ReplicaSet): WorkloadInfo {
  return {
    kind: 'ReplicaSet',
    ...workloadMeta(r.metadata),
    replicas: r.spec?.replicas ?? 1,
    readyReplicas: r.status?.readyReplicas ?? 0,
    availableReplicas: r.status?.availableReplicas ?? 0,
    owner: controllerOf(r.metadata?.ownerReferences),
    images: templateImages(r.spec?.template),
  };
}

export function toStatefulSetInfo(s: V1StatefulSet): WorkloadInfo {
  return {
    kind: 'StatefulSet',
    ...workloadMeta(s.metadata),
    replicas: s.spec?.replicas ?? 1,
    readyReplicas: s.status?.readyReplicas ?? 0,
    availableReplicas: s.status?.availableReplicas ?? 0,
    images: templateImages(s.spec?.template),
  };
}

export function toDaemonSetInfo(d: V1DaemonSet): WorkloadInfo {
  return {
    kind: 'DaemonSet',
    ...workloadMeta(d.metadata),
    replicas: d.status?.desiredNumberScheduled ?? 0,
    readyReplicas: d.status?.numberReady ?? 0,
    availableReplicas: d.status?.numberAvailable ?? 0,
    images: templateImages(d.spec?.template),
  };
}
