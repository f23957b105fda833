/**
 * What the watch caches stand on: a raw GET for the paged lists, the raw watch stream, and a node watch.
 * Streams end (server timeouts, dropped connections); the caller re-watches.
 */
import type { NodeInfo } from '../types.js';
import type { RawResponse, RawWatch } from '../transport/index.js';

export type NodeWatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; node: NodeInfo } | { type: 'BOOKMARK' };

export interface ClusterWatches {
  /** A raw GET with the kubeconfig's credentials: what the paged lists of a cache read. */
  rawGet(path: string, accept?: string, onHead?: (head: Buffer) => boolean): Promise<RawResponse>;
  /** Opens watch streams (all on one TLS secure context). */
  readonly watch: RawWatch;
  /** Watches nodes from `resourceVersion` (a fresh list when absent); returns a stop function. */
  watchNodes(
    onEvent: (e: NodeWatchEvent) => void,
    onEnd: (err?: Error) => void,
    resourceVersion?: string,
  ): Promise<() => void>;
}
