/**
 * The `ClusterClient` port: what the product needs from a Kubernetes cluster, as interfaces split by role
 * (preflight reads, node writes, pods and eviction, watches for the caches, leases, ConfigMaps). checks/,
 * drain/ and upgrade/ depend on these (or on the narrowest role they need), never on the adapter class; the
 * one implementation is `KubeClusterClient` (adapter/), built only by `connect()`/`clientFor()`. Types only:
 * nothing here talks to a cluster.
 */
import type { ClusterReads } from './reads.js';
import type { NodeWrites } from './node-writes.js';
import type { PodEviction } from './pods.js';
import type { ClusterWatches } from './watches.js';
import type { LeaseStore } from './leases.js';
import type { ConfigMapStore } from './config-maps.js';

export type { ClusterReads, PodListOptions } from './reads.js';
export type { NodeWrites } from './node-writes.js';
export type { PodEviction } from './pods.js';
export type { ClusterWatches, NodeWatchEvent } from './watches.js';
export type { LeaseInfo, LeaseSpecInput, LeaseStore } from './leases.js';
export type { ConfigMapInfo, ConfigMapInput, ConfigMapStore } from './config-maps.js';

/** The whole port: every role, the server it reaches, and `close()` for its pooled connections. */
export interface ClusterClient
  extends ClusterReads, NodeWrites, PodEviction, ClusterWatches, LeaseStore, ConfigMapStore {
  /** The API server URL from the kubeconfig. */
  readonly server: string;
  /** Closes pooled connections (the CLI calls it before exiting). */
  close(): void;
}
