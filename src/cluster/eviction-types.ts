/**
 * What the Eviction API answered for one pod (kubernetes-facts §5), as data the drain library branches on:
 * a refusal by a PodDisruptionBudget (429) is a normal answer to retry later, not an error.
 */
import type { PodInfo } from './types.js';

/** The result of one `POST …/pods/{name}/eviction`. Other failures are thrown as ClusterApiError. */
export type EvictionOutcome =
  /** Accepted (2xx): the pod is being deleted gracefully. */
  | { result: 'evicted' }
  /** 404, or a UID precondition that no longer holds: the pod meant is already gone. */
  | { result: 'not-found' }
  /** 429: evicting now would violate a PodDisruptionBudget (`pdb` parsed from the DisruptionBudget cause). */
  | { result: 'blocked'; message: string; pdb?: string; retryAfterSeconds?: number }
  /** 500: the pod is selected by more than one PodDisruptionBudget; the Eviction API never accepts it. */
  | { result: 'multiple-pdbs'; message: string }
  /** 403 NamespaceTerminating: the namespace is being deleted, so the pod is going away anyway. */
  | { result: 'terminating'; message: string };

export interface EvictOptions {
  /** deleteOptions.gracePeriodSeconds (absent: the pod's own terminationGracePeriodSeconds). */
  gracePeriodSeconds?: number;
  /** deleteOptions.preconditions.uid: never evict a newer pod that took the same name. */
  uid?: string;
}

export interface DeletePodOptions {
  /** preconditions.uid: a recreated pod of the same name is never deleted. */
  uid?: string;
  gracePeriodSeconds?: number;
}

/** One event of a pod watch; `resourceVersion` is where a re-watch resumes. */
export type PodWatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; pod: PodInfo; resourceVersion: string }
  | { type: 'BOOKMARK'; resourceVersion: string };

export interface PodWatchOptions {
  fieldSelector?: string;
  labelSelector?: string;
  namespace?: string;
  /** Resume after this version; absent: the stream starts with the current pods as ADDED. */
  resourceVersion?: string;
}
