/**
 * What one drain has done so far, shared by its concurrent per-pod tasks: the pods evicted, deleted and
 * gone, those currently refused by a budget (with the budget and message, for PDB_BLOCKED), the eviction
 * requests sent, and the wall time during which at least one pod was refused.
 */
import type { BlockingPod } from './types.js';

export class DrainState {
  readonly evicted: string[] = [];
  readonly deleted: string[] = [];
  /** Pods removed (or found gone) whose disappearance has not been seen yet. */
  readonly pending = new Set<string>();
  /** Pods whose last eviction was refused, by pod. */
  readonly blocked = new Map<string, BlockingPod>();
  evictionRequests = 0;
  private blockedSince: number | undefined;
  private blockedTotal = 0;

  constructor(private readonly now: () => number = Date.now) {}

  setBlocked(b: BlockingPod): void {
    if (this.blocked.size === 0) this.blockedSince = this.now();
    this.blocked.set(b.pod, b);
  }

  clearBlocked(pod: string): void {
    if (!this.blocked.delete(pod) || this.blocked.size > 0 || this.blockedSince === undefined) return;
    this.blockedTotal += this.now() - this.blockedSince;
    this.blockedSince = undefined;
  }

  /** Wall time while at least one pod was refused, up to now. */
  get blockedMs(): number {
    return this.blockedTotal + (this.blockedSince === undefined ? 0 : this.now() - this.blockedSince);
  }
}
