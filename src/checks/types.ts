/**
 * The data preflight works on: the inventory read from the cluster once, and the context every check gets
 * (inventory, version path, batches, options). Checks are functions of this context that return findings.
 */
import type { ClusterIdentity, ClusterReads, NodeInfo, PdbInfo, PodInfo, WorkloadInfo } from '../cluster/index.js';
import type { Finding, KubeVersion, VersionPath, WorkerBatches } from '../plan/index.js';

export const COMPONENT_NAMES = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'etcd',
  'kube-proxy',
  'coredns',
] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/** A cluster component and the version its image carries. Static pods have a `node`; add-ons do not. */
export interface ComponentInfo {
  component: ComponentName;
  node?: string;
  /** The image tag: `v1.31.4` (Kubernetes components, CoreDNS), `3.5.15-0` (etcd). */
  version: string;
  image: string;
  /** Static pods only: whether the mirror pod is Ready. */
  ready?: boolean;
}

/** Everything preflight needs from the cluster, read with a constant number of paginated list requests. */
export interface Inventory {
  identity: ClusterIdentity;
  /** `/version` gitVersion. */
  serverVersion: string;
  nodes: NodeInfo[];
  pods: PodInfo[];
  pdbs: PdbInfo[];
  workloads: WorkloadInfo[];
  components: ComponentInfo[];
}

export interface PreflightOptions {
  /** Like `kubectl drain --delete-emptydir-data`: pods with emptyDir volumes may be evicted (their data is lost). */
  deleteEmptyDirData: boolean;
  /** Like `kubectl drain --force`: pods without a controller may be deleted (they are not recreated). */
  forceUnmanaged: boolean;
}

export interface PreflightContext {
  inventory: Inventory;
  /** The result of `computeVersionPath`. */
  path: VersionPath;
  /** The result of `planWorkerBatches`; its control-plane nodes are drained one at a time. */
  batches: WorkerBatches;
  target: KubeVersion;
  options: PreflightOptions;
  /** `--manifests DIR`: files scanned for removed APIs. */
  manifestsDir?: string;
  client: ClusterReads;
}

export type Check = (ctx: PreflightContext) => Finding[] | Promise<Finding[]>;

/** One drain step as apply runs it: a batch of workers, or one control-plane node. */
export interface DrainBatch {
  /** Human label: `workers "pool=blue" batch 2/3` or `control-plane node cp-1`. */
  label: string;
  nodes: string[];
}
