/**
 * Watch caches: an object cache with change listeners and waits, a list-then-watch cache per collection, the
 * cluster cache (nodes, budgets, workloads, kube-system pods) the executor and the health gates read, and
 * the errors of a wait. Waiting reacts to watch events and never polls the API server; it decides nothing
 * about upgrades.
 */
export { ObjectCache, type CacheChange, type CacheChangeType, type CacheListener } from './object-cache.js';
export { WatchCache, type WatchClient, type WatchSpec, type WatchCacheOptions } from './watch-cache.js';
export {
  ClusterCache,
  startClusterCache,
  memoryCacheParts,
  describeNode,
  WORKLOAD_KINDS,
  type ClusterCacheParts,
  type NodeWaitOptions,
} from './cluster-cache.js';
export { toWorkloadView, workloadKey, type WorkloadView } from './workload-views.js';
export { CacheWaitTimeoutError, CacheWaitAbortedError, CacheStoppedError } from './cache-errors.js';
export type { WaitOptions, Pending } from './wait-for-change.js';
