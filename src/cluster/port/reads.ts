/**
 * The reads of the cluster that preflight and the use cases make: identity and version, nodes, pods, budgets,
 * workloads, access reviews, field-management metadata, Helm release secrets, and a raw GET (metrics).
 */
import type { ClusterIdentity, NodeInfo, PdbInfo, PodInfo, WorkloadInfo } from '../types.js';
import type { AccessAnswer, AccessCheck, ObjectMetaInfo, SecretInfo } from '../preflight-types.js';
import type { RawResponse } from '../transport/index.js';

/** Which pods `listPods` returns: all namespaces unless `namespace`, all nodes unless `nodeName`. */
export interface PodListOptions {
  nodeName?: string;
  namespace?: string;
  labelSelector?: string;
}

export interface ClusterReads {
  /** The API server's `gitVersion` (`/version`). */
  version(): Promise<string>;
  /** The server URL and the kube-system namespace UID, which names the cluster in a plan. */
  identity(): Promise<ClusterIdentity>;
  listNodes(labelSelector?: string): Promise<NodeInfo[]>;
  /** `undefined` when there is no such node. */
  getNode(name: string): Promise<NodeInfo | undefined>;
  listPods(opts?: PodListOptions): Promise<PodInfo[]>;
  /** `undefined` when there is no such pod. */
  getPod(namespace: string, name: string): Promise<PodInfo | undefined>;
  /** PodDisruptionBudgets (policy/v1); none when the API is not served. */
  listPdbs(): Promise<PdbInfo[]>;
  /** Deployments, ReplicaSets, StatefulSets and DaemonSets. */
  listWorkloads(): Promise<WorkloadInfo[]>;
  daemonSetExists(namespace: string, name: string): Promise<boolean>;
  /** Whether the current user may do `check` (a SelfSubjectAccessReview). */
  canI(check: AccessCheck): Promise<AccessAnswer>;
  /** Names and field-management metadata of a whole collection; `undefined` when the server does not serve it. */
  listObjectMeta(collectionPath: string): Promise<ObjectMetaInfo[] | undefined>;
  /** Secrets in every namespace matching `labelSelector`, handed to `visit` one page at a time. */
  forEachSecret(labelSelector: string, visit: (s: SecretInfo) => void): Promise<void>;
  /** A raw GET with the kubeconfig's credentials (e.g. `/metrics`); `onHead` sees the body as it arrives. */
  rawGet(path: string, accept?: string, onHead?: (head: Buffer) => boolean): Promise<RawResponse>;
}
