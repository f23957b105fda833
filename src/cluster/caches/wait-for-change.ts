/**
 * Waiting on cached state without polling: a predicate evaluated once at the start and again after every
 * change the subscription reports, until it yields a value, the timeout passes, the signal aborts or the
 * cache stops. It never reads the cluster itself.
 */
import { CacheStoppedError, CacheWaitAbortedError, CacheWaitTimeoutError } from './cache-errors.js';

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** What is awaited, for the timeout error: `node blue-1 Ready at v1.31.4`. */
  what: string;
  /** The state to report when the wait times out (default: the cache's own summary). */
  describe?: () => string;
}

/** Something a wait can hang on: change notifications, a way to learn the cache stopped, a default description. */
export interface WaitSource {
  subscribe(listener: () => void): () => void;
  onStop(listener: () => void): () => void;
  isStopped(): boolean;
  describe(): string;
  /** The cache's last read error while it may be behind, kept as the timeout's `cause`. */
  staleReason(): string | undefined;
}

/** A predicate's "not yet": undefined, false or null. */
export type Pending = undefined | false | null;

export function waitForChange<R>(source: WaitSource, predicate: () => R | Pending, opts: WaitOptions): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let done = false;
    // Filled in once the first evaluation did not settle the wait.
    const hooks: { timer?: NodeJS.Timeout; unsubscribe?: () => void; unStop?: () => void } = {};
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      if (hooks.timer) clearTimeout(hooks.timer);
      hooks.unsubscribe?.();
      hooks.unStop?.();
      opts.signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const check = () => {
      if (done) return;
      let r: R | Pending;
      try {
        r = predicate();
      } catch (e) {
        finish(() => reject(e));
        return;
      }
      if (r !== undefined && r !== false && r !== null) finish(() => resolve(r as R));
    };
    const onAbort = () => finish(() => reject(new CacheWaitAbortedError(opts.what, { cause: opts.signal?.reason })));
    const onStop = () => finish(() => reject(new CacheStoppedError(opts.what)));
    if (source.isStopped()) return onStop();
    if (opts.signal?.aborted) return onAbort();
    check();
    if (done) return;
    hooks.unsubscribe = source.subscribe(check);
    hooks.unStop = source.onStop(onStop);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    hooks.timer = setTimeout(() => {
      const stale = source.staleReason();
      let state: string;
      try {
        state = (opts.describe ?? (() => source.describe()))();
      } catch (e) {
        state = `(could not describe: ${(e as Error).message})`;
      }
      if (stale) state += `; the cache may be behind: ${stale}`;
      finish(() =>
        reject(new CacheWaitTimeoutError(opts.what, opts.timeoutMs, state, stale ? { cause: stale } : undefined)),
      );
    }, opts.timeoutMs);
  });
}
