/**
 * The one retry policy of every request this product sends to the API server (typed clients through
 * http-library.ts, raw GETs and list pages, the opening of watch streams): an attempt that failed on the way
 * (connection reset or refused, socket hang up, a request timeout) or was answered 429 (its Retry-After
 * honoured), 500, 502, 503 or 504 is sent again after a capped exponential back-off with full jitter, but only
 * when repeating it is harmless (see {@link isRepeatable}), and only within a bounded budget of attempts and
 * time per call. Past the budget the last answer or error is handed back, marked with how often it was tried,
 * for the adapter to name as a TransientApiError. Sleep, randomness and the clock are injected so tests run
 * instantly. It knows methods, paths, statuses and headers, never what a request means.
 */

export interface RetryOptions {
  /** Attempts per call, the first included. */
  attempts: number;
  /** The first back-off; each later one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No new attempt starts once this much time has passed since the first one (waits included). */
  budgetMs: number;
  /** Each attempt's limit: a server that accepts and never answers fails the attempt (then it may be retried). */
  timeoutMs: number;
  /** Attempts that timed out end the call at this many: a server that never answers is reported, not waited for. */
  maxTimeouts: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  now: () => number;
}

/** What an attempt's answer means for the call: keep it, or try again (after at least `afterMs`). */
export type Verdict = { retry: false } | { retry: true; afterMs?: number };

import { TRANSIENT_STATUSES } from '../errors.js';

/** The statuses an apiserver answers in normal life (overload, a restarting instance behind a balancer). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = TRANSIENT_STATUSES;

const CONNECTION_ERROR =
  /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|socket hang up|timed out|Premature close/i;

/** Raised when an attempt got no answer within `timeoutMs` (the socket was idle that long). */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(readonly timeoutMs: number) {
    super(
      `the API server did not answer within ${timeoutMs < 1000 ? `${timeoutMs}ms` : `${Math.round(timeoutMs / 1000)}s`} (request timed out)`,
    );
  }
}

/** A failure on the way to or from the server (no HTTP answer): worth another attempt. */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error) || e.name === 'AbortError') return false;
  return CONNECTION_ERROR.test(`${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`);
}

/**
 * Whether sending this request twice is harmless: reads (GET, HEAD, OPTIONS), PUT and DELETE (the same
 * object state again; a precondition makes a repeat fail with 409/404, which callers handle), PATCH other
 * than a JSON Patch (merge and strategic merge patches that set values, such as a cordon, are idempotent;
 * an RFC 6902 `add` to a list is not), and the POSTs that change nothing (access reviews) or whose repeat
 * is answered 409 AlreadyExists, which their callers treat as "someone created it" (Lease and ConfigMap
 * creates). Every other POST (an eviction above all) is sent once; the drain has its own retry rules.
 */
export function isRepeatable(method: string, path: string, contentType = ''): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS' || m === 'PUT' || m === 'DELETE') return true;
  if (m === 'PATCH') return !/json-patch/i.test(contentType);
  if (m !== 'POST') return false;
  const p = path.split('?')[0]!.replace(/\/+$/, '');
  return (
    /\/(selfsubjectaccessreviews|selfsubjectrulesreviews|subjectaccessreviews)$/.test(p) ||
    /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/[^/]+\/leases$/.test(p) ||
    /^\/api\/v1\/namespaces\/[^/]+\/configmaps$/.test(p)
  );
}

/** The delay a 429/503 asks for in its Retry-After header (seconds or an HTTP date), in ms. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The verdict on an HTTP answer: retry a retryable status, after its Retry-After when it gave one. */
export function verdictOnStatus(status: number, retryAfter?: string): Verdict {
  if (!RETRYABLE_STATUSES.has(status)) return { retry: false };
  const after = retryAfterMs(retryAfter);
  return after === undefined ? { retry: true } : { retry: true, afterMs: after };
}

/** How many attempts a call took (on the answer or error it ended with), for the message that names it. */
export const ATTEMPTS = Symbol('attempts');

export function attemptsOf(v: unknown): number | undefined {
  return typeof v === 'object' && v !== null ? (v as { [ATTEMPTS]?: number })[ATTEMPTS] : undefined;
}

const sleepFor = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    // Not unref'd: a CLI waiting only on this back-off must stay alive (Node would exit 13 mid-await).
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  attempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  budgetMs: 60_000,
  timeoutMs: 20_000,
  maxTimeouts: 2,
  sleep: sleepFor,
  random: Math.random,
  now: Date.now,
};

export class RetryPolicy {
  readonly options: RetryOptions;
  /** Attempts sent again by this policy (a figure for benchmarks and logs). */
  retried = 0;

  constructor(options: Partial<RetryOptions> = {}) {
    this.options = { ...DEFAULT_RETRY_OPTIONS, ...options };
  }

  /** The wait before attempt `n + 1` (n ≥ 1): full jitter over a doubling, capped window, never under `floorMs`. */
  delay(n: number, floorMs = 0): number {
    const { baseDelayMs, maxDelayMs, random } = this.options;
    const window = Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1));
    return Math.max(floorMs, Math.round(window / 2 + (random() * window) / 2));
  }

  /**
   * Runs `attempt` until `judge` keeps its answer, it throws something that is not a connection error, the
   * request is not `repeatable`, the signal is aborted, or the budget is spent. Returns the last answer (a
   * retryable status included: the caller turns it into its error) or throws the last error, each marked with
   * {@link ATTEMPTS}.
   */
  async run<T extends object>(
    attempt: () => Promise<T>,
    judge: (answer: T) => Verdict,
    opts: { repeatable: boolean; signal?: AbortSignal | null },
  ): Promise<T> {
    const { attempts, budgetMs, maxTimeouts, sleep, now } = this.options;
    const start = now();
    let timeouts = 0;
    for (let n = 1; ; n++) {
      let verdict: Verdict;
      let answer: T | undefined;
      let error: unknown;
      try {
        answer = await attempt();
        verdict = judge(answer);
      } catch (e) {
        error = e;
        if (e instanceof RequestTimeoutError) timeouts++;
        verdict = isConnectionError(e) && timeouts < maxTimeouts ? { retry: true } : { retry: false };
      }
      const wait = verdict.retry ? this.delay(n, verdict.afterMs) : 0;
      const more =
        verdict.retry && opts.repeatable && n < attempts && !opts.signal?.aborted && now() - start + wait <= budgetMs;
      if (!more) {
        const out = error ?? answer;
        if (typeof out === 'object' && out !== null && n > 1) Object.assign(out, { [ATTEMPTS]: n });
        if (error !== undefined) throw error;
        return answer as T;
      }
      this.retried++;
      await sleep(wait, opts.signal ?? undefined);
    }
  }
}
