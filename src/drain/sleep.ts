/**
 * Waits the product's loops share — the drain's retries and polls, and apply's pauses between node-driver
 * retries — and the drain's retry jitter. The two sleeps differ only in what an abort does, and say so in their
 * names: one rejects (for code that must stop at once), one resolves early (for code that looks at the signal
 * afterwards). Every timer and listener is released when the wait ends.
 */

/** Resolves after `ms`, or rejects with the signal's reason as soon as it is aborted (at once if it already is). */
export function sleepRejectingOnAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves after `ms`, or as soon as the signal is aborted (at once if it already is); never rejects, so the
 * caller checks `signal.aborted` afterwards.
 */
export function sleepResolvingOnAbort(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `base` ±20 %, so that many refused pods do not retry in lock-step. */
export function jitter(base: number, random: () => number = Math.random): number {
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Rejects with the signal's reason when it is aborted (for racing against work that cannot be cancelled). */
export function whenAborted(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => signal.removeEventListener('abort', onAbort);
  });
  promise.catch(() => {});
  return { promise, dispose };
}
