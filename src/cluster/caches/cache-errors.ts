/**
 * Typed errors of the watch caches: a wait that timed out (naming what it waited for and the last state it
 * saw), a wait cut short by its AbortSignal, and a wait on a cache that was stopped.
 */

/** `waitFor` ran out of time. `what` and `lastState` are meant for the user; `cause` is the cache's last error, if any. */
export class CacheWaitTimeoutError extends Error {
  override name = 'CacheWaitTimeoutError';

  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastState: string,
    options?: { cause?: unknown },
  ) {
    super(`timed out after ${formatMs(timeoutMs)} waiting for ${what}; last state: ${lastState}`, options);
  }
}

/** The caller's AbortSignal fired while waiting; `cause` is the signal's reason. */
export class CacheWaitAbortedError extends Error {
  override name = 'CacheWaitAbortedError';

  constructor(
    readonly what: string,
    options?: { cause?: unknown },
  ) {
    super(`stopped waiting for ${what}: aborted`, options);
  }
}

/** The cache was stopped (the run is ending) while something still waited on it. */
export class CacheStoppedError extends Error {
  override name = 'CacheStoppedError';

  constructor(readonly what: string) {
    super(`stopped waiting for ${what}: the cluster cache was stopped`);
  }
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  return s < 120 ? `${Number.isInteger(s) ? s : s.toFixed(1)}s` : `${Math.round(s / 60)}m`;
}
