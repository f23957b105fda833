/**
 * A list-then-watch cache of one collection, like client-go's reflector: a paginated raw-JSON list (one
 * request per 500 objects) mapped to views, then one watch from the list's resourceVersion with bookmarks.
 * When the stream ends it re-watches from the last resourceVersion seen (after a short back-off that grows
 * only while streams keep failing); on 410 Expired it re-lists and reports the differences as changes. A
 * stream silent for longer than `idleTimeoutMs` (no event, not even a bookmark) is assumed dead and
 * restarted. Waiting on the cache (`waitFor`) reacts to changes and never polls the API server.
 */
import { ObjectCache } from './object-cache.js';
import { listVersioned } from '../transport/index.js';
import type { ClusterWatches } from '../port/index.js';
import { formatMs } from './cache-errors.js';

/** What a watch cache needs from the client: the raw GET of its lists and the watch streams. */
export type WatchClient = Pick<ClusterWatches, 'rawGet' | 'watch'>;

export interface WatchSpec<T> {
  /** The collection, for messages: `nodes`, `kube-system pods`. */
  what: string;
  /** The collection path: `/api/v1/nodes`, `/api/v1/namespaces/kube-system/pods`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Wire JSON (client-node's field names) → view. */
  map: (wire: never) => T;
  key: (view: T) => string;
  uid?: (view: T) => string | undefined;
}

export interface WatchCacheOptions {
  pageSize?: number;
  /** Back-off before re-watching / re-listing: the first retry waits `minBackoffMs`, doubling to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A stream that delivers nothing (not even a bookmark, which API servers send about once a minute) for this long is restarted. Default 5 minutes. */
  idleTimeoutMs?: number;
}

interface WireEventObject {
  metadata?: { resourceVersion?: string };
  code?: number;
  reason?: string;
  message?: string;
}

/** A watch that lasted this long (or delivered anything) was healthy: the next re-watch waits only the minimum. */
const HEALTHY_STREAM_MS = 5_000;

export class WatchCache<T> extends ObjectCache<T> {
  private readonly rvs = new Map<string, string>();
  private resourceVersion = '';
  private generation = 0;
  private abort?: AbortController;
  private retryTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private lastActivity = 0;
  private failures = 0;
  private readonly initial: Promise<void>;
  private readonly pageSize: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly idleTimeoutMs: number;
  /** Requests made so far: list pages and watch starts. */
  readonly requests = { listPages: 0, watches: 0 };

  constructor(
    private readonly client: WatchClient,
    private readonly spec: WatchSpec<T>,
    opts: WatchCacheOptions = {},
  ) {
    super(spec.what, spec.key, spec.uid);
    this.pageSize = opts.pageSize ?? 500;
    this.minBackoffMs = opts.minBackoffMs ?? 200;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5_000;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 300_000;
    this.initial = this.list().then(
      () => this.startWatch(),
      (e: unknown) => {
        this.stop();
        throw e;
      },
    );
    // ready() hands the failure to whoever asks; do not report it as unhandled in the meantime.
    this.initial.catch(() => {});
  }

  /** Resolves once the first list is in the cache; rejects (and stops the cache) when that list fails. */
  ready(): Promise<void> {
    return this.initial;
  }

  /** The resourceVersion the cache has caught up to. */
  get version(): string {
    return this.resourceVersion;
  }

  override stop(): void {
    if (this.stopped) return;
    this.generation++;
    this.abort?.abort();
    this.abort = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    super.stop();
  }

  /** Lists every page, then applies the differences with what the cache held (a re-list reports deletions). */
  private async list(): Promise<void> {
    const get: typeof this.client.rawGet = (p, a) => {
      this.requests.listPages++;
      return this.client.rawGet(p, a);
    };
    const params = { labelSelector: this.spec.labelSelector, fieldSelector: this.spec.fieldSelector };
    const res = await listVersioned(
      get,
      `list ${this.spec.what}`,
      this.spec.path,
      params,
      this.pageSize,
      this.spec.map,
    );
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const { value, resourceVersion } of res.items) {
      const key = this.keyOf(value);
      seen.add(key);
      if (this.items.has(key) && this.rvs.get(key) === resourceVersion && resourceVersion) continue;
      this.rvs.set(key, resourceVersion);
      this.set(value);
    }
    for (const key of [...this.items.keys()]) {
      if (seen.has(key)) continue;
      this.rvs.delete(key);
      this.delete(key);
    }
    this.resourceVersion = res.resourceVersion;
    this.markStale(undefined);
  }

  private startWatch(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    const startedAt = Date.now();
    let delivered = false;
    let expired = false;
    let ended = false;
    this.lastActivity = startedAt;
    this.armIdleTimer();
    this.requests.watches++;
    const onEvent = (type: string, obj: WireEventObject) => {
      if (gen !== this.generation) return;
      this.lastActivity = Date.now();
      if (type === 'ERROR') {
        if (obj?.code === 410) expired = true;
        else
          this.markStale(
            `watch error ${obj?.code ?? ''} ${obj?.reason ?? ''}: ${obj?.message ?? 'no message'}`.replace(/\s+/g, ' '),
          );
        return;
      }
      delivered = true;
      this.failures = 0;
      this.markStale(undefined);
      const rv = obj?.metadata?.resourceVersion;
      if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
        let view: T;
        try {
          view = this.spec.map(obj as never);
        } catch {
          return; // An object the views cannot read is not ours to follow.
        }
        const key = this.keyOf(view);
        if (type === 'DELETED') {
          this.rvs.delete(key);
          this.delete(key);
        } else {
          this.rvs.set(key, rv ?? '');
          this.set(view);
        }
      }
      if (rv) this.resourceVersion = rv;
    };
    const onDone = (err: unknown) => {
      ended = true;
      if (gen !== this.generation || this.stopped) return;
      this.abort = undefined;
      if (this.idleTimer) clearTimeout(this.idleTimer);
      const status = (err as { statusCode?: number } | null)?.statusCode;
      if (expired || status === 410) {
        this.schedule(0, () => this.relist());
        return;
      }
      if (err) this.markStale(`watch failed: ${status ? `HTTP ${status}` : ((err as Error).message ?? String(err))}`);
      const healthy = !err && (delivered || Date.now() - startedAt >= HEALTHY_STREAM_MS);
      this.failures = healthy ? 0 : this.failures + 1;
      this.schedule(this.backoff(), () => this.startWatch());
    };
    const params = {
      allowWatchBookmarks: true,
      ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
      ...(this.spec.labelSelector ? { labelSelector: this.spec.labelSelector } : {}),
      ...(this.spec.fieldSelector ? { fieldSelector: this.spec.fieldSelector } : {}),
    };
    this.client.watch(this.spec.path, params, onEvent, onDone).then(
      (ac) => {
        if (gen !== this.generation || this.stopped) return ac.abort();
        this.abort = ac;
        // The stream is open from the last resourceVersion seen: nothing was missed, the cache is current again.
        if (!ended) this.markStale(undefined);
      },
      (e: unknown) => onDone(e),
    );
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.list();
      this.failures = 0;
      this.startWatch();
    } catch (e) {
      if (this.stopped) return;
      this.markStale(`re-list failed: ${(e as Error).message}`);
      this.failures++;
      this.schedule(this.backoff(), () => void this.relist());
    }
  }

  private backoff(): number {
    if (this.failures === 0) return this.minBackoffMs;
    return Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** this.failures);
  }

  private schedule(ms: number, fn: () => void): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) fn();
    }, ms);
    this.retryTimer.unref();
  }

  private armIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const wait = Math.max(10, this.lastActivity + this.idleTimeoutMs - Date.now());
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.stopped) return;
      if (Date.now() - this.lastActivity < this.idleTimeoutMs) return this.armIdleTimer();
      this.markStale(`no event or bookmark on the watch for ${formatMs(this.idleTimeoutMs)}; restarting it`);
      this.generation++;
      this.abort?.abort();
      this.abort = undefined;
      this.startWatch();
    }, wait);
    this.idleTimer.unref();
  }
}
