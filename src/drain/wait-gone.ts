/**
 * Waits until pods are gone BY UID through ONE watch on `spec.nodeName=<node>`, started at the node list's
 * resourceVersion so that nothing between the list and the evictions is missed. A pod is gone when a
 * DELETED event carries its UID, or when its name re-appears with another UID (a StatefulSet pod
 * recreated). No polling: when the stream ends it resumes from the last resourceVersion; on 410 Expired
 * it re-lists the node's pods once and counts every listed-then-missing pod as gone.
 */
import { ClusterApiError, type PodInfo, type PodWatchEvent } from '../cluster/index.js';
import type { DrainClient } from './client.js';
import { podKey } from './client.js';

/** Consecutive stream ends without an event in between wait 0, 100, 200, 400 … ms (at most 5 s) before re-watching. */
const backoffMs = (ends: number): number => (ends <= 1 ? 0 : Math.min(5_000, 100 * 2 ** (ends - 2)));

export class GoneTracker {
  private readonly originalUid = new Map<string, string>();
  private readonly gone = new Set<string>();
  private readonly waiters = new Map<string, () => void>();
  private stopWatch: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private endsInARow = 0;
  /** How many watch streams were opened and lists re-read (for tests and the request budget). */
  readonly stats = { watches: 0, relists: 0 };
  /** The last error a watch ended with, for the message of a drain that times out. */
  lastError: Error | undefined;

  constructor(
    private readonly client: Pick<DrainClient, 'watchPods' | 'listPodsOnNode'>,
    private readonly node: string,
    pods: readonly PodInfo[],
    private resourceVersion: string,
  ) {
    for (const p of pods) this.originalUid.set(podKey(p), p.uid);
  }

  /** Opens the watch; resolves once the stream is established (or has failed and a retry is scheduled). */
  async start(): Promise<void> {
    await this.watch();
  }

  /** Resolves when the pod with this UID is gone. */
  waitGone(uid: string): Promise<void> {
    if (this.gone.has(uid)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(uid, resolve));
  }

  isGone(uid: string): boolean {
    return this.gone.has(uid);
  }

  /** Closes the watch and cancels any pending re-watch. Pending waits never resolve after this. */
  stop(): void {
    this.stopped = true;
    this.stopWatch?.();
    this.stopWatch = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.waiters.clear();
  }

  private markGone(uid: string): void {
    if (this.gone.has(uid)) return;
    this.gone.add(uid);
    const w = this.waiters.get(uid);
    this.waiters.delete(uid);
    w?.();
  }

  private onEvent(e: PodWatchEvent): void {
    if (this.stopped) return;
    this.endsInARow = 0;
    if (e.resourceVersion) this.resourceVersion = e.resourceVersion;
    if (e.type === 'BOOKMARK') return;
    if (e.type === 'DELETED') return this.markGone(e.pod.uid);
    const original = this.originalUid.get(podKey(e.pod));
    if (original && original !== e.pod.uid) this.markGone(original);
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    this.stats.watches++;
    try {
      const stop = await this.client.watchPods(
        { fieldSelector: `spec.nodeName=${this.node}`, resourceVersion: this.resourceVersion },
        (e) => this.onEvent(e),
        (err) => this.onEnd(err),
      );
      if (this.stopped) stop();
      else this.stopWatch = stop;
    } catch (e) {
      this.onEnd(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private onEnd(err?: Error): void {
    if (this.stopped) return;
    this.stopWatch = undefined;
    if (err) this.lastError = err;
    this.endsInARow++;
    const expired = err instanceof ClusterApiError && err.status === 410;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void (expired ? this.relist() : this.watch());
    }, backoffMs(this.endsInARow));
  }

  /** 410 Expired: the history no longer reaches our version; re-read the node's pods and resume from there. */
  private async relist(): Promise<void> {
    if (this.stopped) return;
    this.stats.relists++;
    try {
      const { pods, resourceVersion } = await this.client.listPodsOnNode(this.node);
      if (this.stopped) return;
      const present = new Set(pods.map((p) => p.uid));
      for (const uid of this.originalUid.values()) if (!present.has(uid)) this.markGone(uid);
      this.resourceVersion = resourceVersion;
      await this.watch();
    } catch (e) {
      // Keep the expired version: the next attempt re-lists again (after the back-off).
      this.lastError = e instanceof Error ? e : new Error(String(e));
      this.endsInARow++;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        void this.relist();
      }, backoffMs(this.endsInARow));
    }
  }
}
