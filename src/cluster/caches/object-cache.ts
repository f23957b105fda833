/**
 * An in-memory keyed cache of views with change notifications and `waitFor`. The watch cache fills it from
 * the cluster; unit tests fill it by hand. It never reads the cluster itself.
 */
import { waitForChange, type Pending, type WaitOptions, type WaitSource } from './wait-for-change.js';

export type CacheChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheChange<T> {
  type: CacheChangeType;
  key: string;
  /** The new object (for DELETED: the last one known). */
  object: T;
  previous?: T;
}

export type CacheListener<T> = (change: CacheChange<T>) => void;

export class ObjectCache<T> {
  protected readonly items = new Map<string, T>();
  private readonly byUidMap = new Map<string, string>();
  private readonly listeners = new Set<CacheListener<T>>();
  private readonly stopListeners = new Set<() => void>();
  private readonly staleListeners = new Set<() => void>();
  protected stopped = false;
  private stale: string | undefined;

  constructor(
    /** The collection, for messages: `nodes`, `kube-system pods`. */
    readonly what: string,
    readonly keyOf: (t: T) => string,
    private readonly uidOf?: (t: T) => string | undefined,
  ) {}

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  /** The object with this metadata.uid (when the cache was built with `uidOf`). */
  byUid(uid: string): T | undefined {
    const key = this.byUidMap.get(uid);
    return key === undefined ? undefined : this.items.get(key);
  }

  all(): T[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Adds or replaces an object and tells the listeners. */
  set(object: T): void {
    const key = this.keyOf(object);
    const previous = this.items.get(key);
    if (previous !== undefined) this.unindex(previous);
    this.items.set(key, object);
    const uid = this.uidOf?.(object);
    if (uid) this.byUidMap.set(uid, key);
    this.emit(previous === undefined ? { type: 'ADDED', key, object } : { type: 'MODIFIED', key, object, previous });
  }

  /** Removes an object (no-op when absent) and tells the listeners. */
  delete(key: string): void {
    const previous = this.items.get(key);
    if (previous === undefined) return;
    this.items.delete(key);
    this.unindex(previous);
    this.emit({ type: 'DELETED', key, object: previous });
  }

  /** Set while the cache may be behind the cluster (its last read failed); cleared once it catches up. */
  get staleReason(): string | undefined {
    return this.stale;
  }

  /** Records whether the cache may be behind (undefined: it is current); tells onStaleChange listeners when that changes. */
  markStale(reason: string | undefined): void {
    if (reason === this.stale) return;
    this.stale = reason;
    for (const l of [...this.staleListeners]) {
      try {
        l();
      } catch {
        // Dropped on purpose: see onChange.
      }
    }
  }

  /** Calls `listener` when staleReason changes. Returns the unsubscribe function. */
  onStaleChange(listener: () => void): () => void {
    this.staleListeners.add(listener);
    return () => this.staleListeners.delete(listener);
  }

  /**
   * Calls `listener` after every change. Listeners must not throw: an exception is dropped, so that one
   * faulty listener cannot stop the cache from following the cluster. Returns the unsubscribe function.
   */
  onChange(listener: CacheListener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the predicate's first value other than undefined/false/null, evaluated now and after each
   * change (never by polling). Rejects with CacheWaitTimeoutError (naming `what` and the last state),
   * CacheWaitAbortedError or CacheStoppedError.
   */
  waitFor<R>(predicate: () => R | Pending, opts: WaitOptions): Promise<R> {
    return waitForChange(this.waitSource(), predicate, opts);
  }

  /** What a wait on this cache hangs on (ClusterCache combines several). */
  waitSource(): WaitSource {
    return {
      subscribe: (l) => {
        const off = this.onChange(() => l());
        const offStale = this.onStaleChange(l);
        return () => {
          off();
          offStale();
        };
      },
      onStop: (l) => {
        this.stopListeners.add(l);
        return () => this.stopListeners.delete(l);
      },
      isStopped: () => this.stopped,
      describe: () => `${this.items.size} ${this.what} cached`,
      staleReason: () => (this.stale ? `${this.what}: ${this.stale}` : undefined),
    };
  }

  /** Stops the cache; pending waits reject with CacheStoppedError. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const l of [...this.stopListeners]) l();
    this.stopListeners.clear();
  }

  private unindex(previous: T): void {
    const uid = this.uidOf?.(previous);
    if (uid) this.byUidMap.delete(uid);
  }

  private emit(change: CacheChange<T>): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // Dropped on purpose: see onChange.
      }
    }
  }
}
