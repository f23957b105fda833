/**
 * The cluster as the product sees it: plain, library-independent views of nodes, pods, PodDisruptionBudgets
 * and workload controllers. Only the adapter knows the wire types; checks, drain and the executor work on
 * these.
 */
import type { ControllerRef, LabelSelectorSpec } from '../kube/index.js';

export interface ClusterIdentity {
  /** The API server URL of the kubeconfig context. */
  server: string;
  /** metadata.uid of the kube-system namespace: stable for the life of a cluster. */
  kubeSystemUid: string;
}

export interface Resources {
  /** CPU in millicores. */
  cpuMilli: number;
  /** Memory in bytes. */
  memoryBytes: number;
  pods: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeInfo {
  name: string;
  uid: string;
  labels: Record<string, string>;
  controlPlane: boolean;
  kubeletVersion: string;
  containerRuntime: string;
  /** The kubeadm CRI socket annotation (`kubeadm.alpha.kubernetes.io/cri-socket`), when present. */
  criSocket?: string;
  ready: boolean;
  /** The Ready condition's reason and message, for findings. */
  readyReason?: string;
  unschedulable: boolean;
  zone?: string;
  internalIP?: string;
  taints: Taint[];
  allocatable: Resources;
  resourceVersion: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** A controller reference (kube/'s rule picks it from the owner references). */
export type OwnerRef = ControllerRef;

export interface PodInfo {
  namespace: string;
  name: string;
  uid: string;
  nodeName?: string;
  labels: Record<string, string>;
  /** The controller owner reference, if any. */
  controller?: OwnerRef;
  /** A static pod's mirror (annotation kubernetes.io/config.mirror). */
  mirror: boolean;
  phase: string;
  ready: boolean;
  terminating: boolean;
  /** Sum of the containers' requests (init containers' max counted as kube-scheduler does). */
  requests: Resources;
  emptyDirVolumes: string[];
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  images: string[];
}

export type { LabelSelectorSpec };

export interface PdbInfo {
  namespace: string;
  name: string;
  selector?: LabelSelectorSpec;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  unhealthyPodEvictionPolicy?: string;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  /** status.observedGeneration === metadata.generation */
  current: boolean;
}

export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet';

export interface WorkloadInfo {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  uid: string;
  /** Desired replicas (DaemonSet: desiredNumberScheduled). */
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  /** For ReplicaSets: the owning Deployment. */
  owner?: OwnerRef;
  images: string[];
}
