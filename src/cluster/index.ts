/**
 * Access to a live cluster — the one entry the other folders import. The `ClusterClient` port (port/: the
 * interfaces checks/, drain/ and upgrade/ depend on) and its one adapter over @kubernetes/client-node
 * (adapter/, the only code that may import it), with its transport (transport/), protobuf reader
 * (protobuf/) and watch caches (caches/). Everything above works on the views of types.ts; this module must
 * not decide anything about upgrades. `connect()`/`clientFor()` are the only places that build the adapter.
 */
export * from './types.js';
export * from './errors.js';
export * from './preflight-types.js';
export type * from './port/index.js';
export { loadAccess, type AccessOptions, type LoadedAccess } from './adapter/index.js';
export { KubeClusterClient, PAGE_SIZE } from './adapter/index.js';
export { RetryPolicy, type RetryOptions } from './transport/index.js';
export type {
  EvictionOutcome,
  EvictOptions,
  DeletePodOptions,
  PodWatchEvent,
  PodWatchOptions,
} from './eviction-types.js';
export { getLease, createLease, replaceLease, deleteLease } from './adapter/index.js';
export { getConfigMap, putConfigMap, deleteConfigMap } from './adapter/index.js';

import { loadAccess, KubeClusterClient, type AccessOptions, type LoadedAccess } from './adapter/index.js';
import type { ClusterClient } from './port/index.js';

/** Builds the client for access already loaded (the use case needs the access's context name too). */
export function clientFor(access: LoadedAccess): ClusterClient {
  return new KubeClusterClient(access.kc, access.server);
}

/** Loads access (kubeconfig/KUBECONFIG/in-cluster, context) and builds the client. */
export function connect(opts: AccessOptions = {}): ClusterClient {
  return clientFor(loadAccess(opts));
}
export * from './caches/index.js';
