/**
 * The contract of the drain library (kubectl drain's semantics, reporting through a callback): options,
 * the events it reports while it works, its result and its typed error. Pods are named `namespace/name`.
 */
import type { OwnerRef } from '../cluster/index.js';

export interface DrainOptions {
  /** The whole drain of one node must finish within this (evictions + waiting for the pods to be gone). */
  timeoutMs: number;
  /** Overrides each pod's terminationGracePeriodSeconds when set (kubectl --grace-period). */
  gracePeriodSeconds?: number;
  /** Evict pods with emptyDir volumes (their data is lost). Without it such pods stop the drain. */
  deleteEmptyDirData: boolean;
  /** Delete pods that no controller manages (they are not recreated). Without it such pods stop the drain. */
  forceUnmanaged: boolean;
  /**
   * After a pod's evictions have been refused (429) for this long, DELETE it instead (bypassing its PDB).
   * Absent: never — a pod the Eviction API refused is never deleted; the drain fails with PDB_BLOCKED at the timeout.
   */
  disableEvictionAfterMs?: number;
  /** Base delay between eviction retries after a 429 (kubectl: 5 s); jittered ±20 %. */
  retryDelayMs?: number;
  /**
   * After a PDB refused an eviction: resolves when that budget may allow a disruption again (e.g. from a watch of
   * the PDB), or after `maxMs` at the latest. Without it the drain just waits the retry delay.
   */
  waitForBudget?: (namespace: string, pdb: string, maxMs: number, signal: AbortSignal) => Promise<void>;
  /** Aborts the drain at once (evictions in flight are abandoned); the drain fails with ABORTED. */
  signal?: AbortSignal;
  /**
   * Stops the drain at a safe point: no eviction request is sent once it is aborted (a request in flight is
   * answered first, a retry wait ends early); the drain fails with PAUSED and the node stays cordoned.
   */
  pause?: AbortSignal;
}

export type DrainEvent =
  | { type: 'pod-evicted'; pod: string; how: 'evicted' | 'deleted' }
  | { type: 'eviction-blocked'; pod: string; pdb?: string; message: string; retryInMs: number }
  | { type: 'pod-gone'; pod: string }
  | { type: 'pods-ignored'; reason: 'daemonset' | 'mirror' | 'terminal'; pods: string[] };

export interface DrainResult {
  node: string;
  /** Pods removed through the Eviction API. */
  evicted: string[];
  /** Pods deleted (unmanaged with force, or after disableEvictionAfter). */
  deleted: string[];
  /** DaemonSet and mirror pods left in place. */
  ignored: string[];
  /** The controllers of the removed pods (the workloads whose availability the health gate checks afterwards). */
  touched?: OwnerRef[];
  /** Eviction requests sent (including refused ones). */
  evictionRequests: number;
  /** Total time pods spent refused by a PDB (summed over pods, wall time while at least one was blocked). */
  blockedMs: number;
  durationMs: number;
}

export type DrainErrorCode =
  /** Pods the options do not allow to remove (unmanaged without force, emptyDir without deleteEmptyDirData, DaemonSet pod whose DaemonSet is gone). Nothing was evicted. */
  | 'UNSAFE_PODS'
  /** Evictions were still refused (429, PDB) at the timeout. */
  | 'PDB_BLOCKED'
  /** A pod is matched by more than one PDB: the Eviction API answers 500 and never succeeds. */
  | 'MULTIPLE_PDBS'
  /** Evicted pods were not gone by the timeout (slow termination). */
  | 'TIMEOUT'
  /** Any other eviction or API failure. */
  | 'EVICTION_FAILED'
  | 'ABORTED'
  /** `pause` was aborted: the drain stopped between evictions (resume drains the rest). */
  | 'PAUSED';

export interface BlockingPod {
  pod: string;
  pdb?: string;
  message: string;
}

/** A drain that could not complete. The node stays cordoned; `pods` names each pod that stopped it (and its PDB). */
export class DrainError extends Error {
  override name = 'DrainError';
  constructor(
    message: string,
    readonly code: DrainErrorCode,
    readonly node: string,
    readonly pods: BlockingPod[],
    readonly partial: Omit<DrainResult, 'durationMs'> & { durationMs: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
