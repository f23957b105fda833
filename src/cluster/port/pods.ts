/**
 * The pod side of a drain: the pods bound to a node with the list's resourceVersion, a pod watch from there,
 * and the Eviction API (PDB refusals are outcomes, not errors) with delete as its last resort.
 */
import type { PodInfo } from '../types.js';
import type {
  DeletePodOptions,
  EvictionOutcome,
  EvictOptions,
  PodWatchEvent,
  PodWatchOptions,
} from '../eviction-types.js';

export interface PodEviction {
  /** The pods bound to `node` and the list's resourceVersion, where a watch resumes. */
  listPodsOnNode(node: string): Promise<{ pods: PodInfo[]; resourceVersion: string }>;
  /**
   * Watches pods; returns a stop function. `onEnd` is called once, when the stream ends other than by stop():
   * with a ClusterApiError for an ERROR event (410 Expired: re-list), with nothing for a plain close.
   */
  watchPods(
    opts: PodWatchOptions,
    onEvent: (e: PodWatchEvent) => void,
    onEnd: (err?: Error) => void,
  ): Promise<() => void>;
  /** POST pods/{name}/eviction (policy/v1). */
  evictPod(namespace: string, name: string, opts?: EvictOptions): Promise<EvictionOutcome>;
  /** DELETE a pod (bypasses PodDisruptionBudgets); with `uid`, a newer pod of the same name is left alone. */
  deletePod(namespace: string, name: string, opts?: DeletePodOptions): Promise<'deleted' | 'not-found'>;
}
