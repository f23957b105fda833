/**
 * Access to a live cluster: loading kubeconfigs like kubectl, and the one adapter over
 * @kubernetes/client-node (the only folder that may import it). Everything above works on the views of
 * types.ts; this module must not decide anything about upgrades.
 */
export * from './types.js';
export * from './errors.js';
export * from './preflight-types.js';
export { loadAccess, type AccessOptions, type LoadedAccess } from './kubeconfig.js';
export { KubeClusterClient, PAGE_SIZE, type NodeWatchEvent } from './kube-cluster-client.js';
export type { EvictionOutcome, EvictOptions, DeletePodOptions, PodWatchEvent, PodWatchOptions } from './eviction-types.js';
export { getLease, createLease, replaceLease, deleteLease, type LeaseInfo, type LeaseSpecInput } from './leases.js';
export { getConfigMap, putConfigMap, deleteConfigMap, type ConfigMapInfo, type ConfigMapInput } from './config-maps.js';

import { loadAccess, type AccessOptions } from './kubeconfig.js';
import { KubeClusterClient } from './kube-cluster-client.js';

/** Loads access (kubeconfig/KUBECONFIG/in-cluster, context) and builds the client. */
export function connect(opts: AccessOptions = {}): KubeClusterClient {
  const access = loadAccess(opts);
  return new KubeClusterClient(access.kc, access.server);
}
export { ObjectCache, type CacheChange, type CacheChangeType, type CacheListener } from './object-cache.js';
export { WatchCache, type WatchClient, type WatchSpec, type WatchCacheOptions } from './watch-cache.js';
export { ClusterCache, startClusterCache, memoryCacheParts, describeNode, WORKLOAD_KINDS, type ClusterCacheParts, type NodeWaitOptions } from './cluster-cache.js';
export { toWorkloadView, workloadKey, type WorkloadView } from './workload-views.js';
export { CacheWaitTimeoutError, CacheWaitAbortedError, CacheStoppedError } from './cache-errors.js';
export type { WaitOptions, Pending } from './wait-for-change.js';
