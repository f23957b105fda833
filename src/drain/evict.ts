/**
 * Removing one pod the way the drain allows: through the Eviction API, retrying after a PodDisruptionBudget
 * refusal (429) every `retryDelayMs` ±20 % until the drain's deadline, or by DELETE with the UID
 * precondition (unmanaged pods with forceUnmanaged, and refused pods once `disableEvictionAfterMs` has
 * elapsed for them). A refused pod is never deleted otherwise. Transient API failures (unreachable, a 500
 * that is not the several-budgets answer, 502, 503, 504, a 429 without a DisruptionBudget cause: the
 * adapter's TransientApiError) are retried after the same delay, as kubectl drain retries a 429; they are
 * not budget refusals, so they neither count as blocked time nor start `disableEvictionAfterMs`. Any other
 * failure stops the drain.
 */
import { TransientApiError, type PodInfo } from '../cluster/index.js';
import { podKey, type DrainClient } from './client.js';
import type { DrainState } from './drain-state.js';
import { jitter, sleepRejectingOnAbort } from './sleep.js';
import type { DrainEvent, DrainOptions } from './types.js';

export const DEFAULT_RETRY_DELAY_MS = 5_000;

/** How the pod left: removed by us (then wait for it), or already gone. */
export type Removal = 'evicted' | 'deleted' | 'terminating' | 'gone';

/** Thrown by a per-pod task to stop the whole drain with a code. */
export class PodFailure extends Error {
  override name = 'PodFailure';
  constructor(
    readonly code: 'MULTIPLE_PDBS' | 'EVICTION_FAILED' | 'PAUSED',
    readonly pod: PodInfo,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface EvictContext {
  client: Pick<DrainClient, 'evictPod' | 'deletePod'>;
  opts: DrainOptions;
  state: DrainState;
  signal: AbortSignal;
  onEvent: (e: DrainEvent) => void;
  random?: () => number;
}

export async function deletePod(ctx: EvictContext, pod: PodInfo): Promise<Removal> {
  const key = podKey(pod);
  let r: 'deleted' | 'not-found';
  try {
    r = await ctx.client.deletePod(pod.namespace, pod.name, {
      uid: pod.uid,
      gracePeriodSeconds: ctx.opts.gracePeriodSeconds,
    });
  } catch (e) {
    throw new PodFailure('EVICTION_FAILED', pod, `deleting pod ${key} failed: ${(e as Error).message}`, { cause: e });
  }
  if (r === 'not-found') return 'gone';
  ctx.state.deleted.push(key);
  ctx.onEvent({ type: 'pod-evicted', pod: key, how: 'deleted' });
  return 'deleted';
}

/** Evicts `pod`, retrying refusals until it is accepted, the deadline passes (abort) or disableEvictionAfterMs allows a DELETE. */
export async function evictPod(ctx: EvictContext, pod: PodInfo): Promise<Removal> {
  const { client, opts, state } = ctx;
  const key = podKey(pod);
  const base = opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  let firstRefusal: number | undefined;
  const pause = opts.pause;
  // A retry wait ends early when the drain is asked to pause; the loop then stops before the next request.
  const waitSignal = pause ? AbortSignal.any([ctx.signal, pause]) : ctx.signal;
  const unlessPaused = (e: unknown) => {
    if (!pause?.aborted || ctx.signal.aborted) throw e;
  };
  for (;;) {
    ctx.signal.throwIfAborted();
    if (pause?.aborted) throw new PodFailure('PAUSED', pod, `paused before evicting ${key}`);
    state.evictionRequests++;
    let out;
    try {
      out = await client.evictPod(pod.namespace, pod.name, {
        uid: pod.uid,
        gracePeriodSeconds: opts.gracePeriodSeconds,
      });
    } catch (e) {
      if (!(e instanceof TransientApiError))
        throw new PodFailure('EVICTION_FAILED', pod, `evicting pod ${key} failed: ${(e as Error).message}`, {
          cause: e,
        });
      out = { result: 'transient' as const, message: e.message };
    }
    ctx.signal.throwIfAborted();
    switch (out.result) {
      case 'evicted':
        state.clearBlocked(key);
        state.evicted.push(key);
        ctx.onEvent({ type: 'pod-evicted', pod: key, how: 'evicted' });
        return 'evicted';
      case 'not-found':
        state.clearBlocked(key);
        return 'gone';
      case 'terminating':
        state.clearBlocked(key);
        return 'terminating';
      case 'multiple-pdbs':
        throw new PodFailure('MULTIPLE_PDBS', pod, out.message);
    }
    const now = Date.now();
    let delay = jitter(base, ctx.random);
    if (out.result === 'blocked') {
      firstRefusal ??= now;
      state.setBlocked({ pod: key, ...(out.pdb ? { pdb: out.pdb } : {}), message: out.message });
      if (opts.disableEvictionAfterMs !== undefined) {
        const left = firstRefusal + opts.disableEvictionAfterMs - now;
        if (left <= 0) {
          const r = await deletePod(ctx, pod);
          state.clearBlocked(key);
          return r;
        }
        delay = Math.min(delay, left);
      }
      ctx.onEvent({
        type: 'eviction-blocked',
        pod: key,
        ...(out.pdb ? { pdb: out.pdb } : {}),
        message: out.message,
        retryInMs: delay,
      });
      // Retry as soon as the budget allows a disruption again (a watch, when the caller has one), at the latest after `delay`.
      if (out.pdb && opts.waitForBudget) {
        await opts.waitForBudget(pod.namespace, out.pdb, delay, waitSignal).catch(() => undefined);
        continue;
      }
    }
    await sleepRejectingOnAbort(delay, waitSignal).catch(unlessPaused);
  }
}
