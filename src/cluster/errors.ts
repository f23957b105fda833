/**
 * Typed errors of the cluster adapter. API failures keep the HTTP status, the Status reason and causes, and
 * the original exception as `cause`; messages say what to do next.
 */
export class ClusterAccessError extends Error {
  override name = 'ClusterAccessError';
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export class ClusterApiError extends Error {
  override name = 'ClusterApiError';

  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    readonly causes: StatusCause[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
  get isConflict(): boolean {
    return this.status === 409;
  }
  get isForbidden(): boolean {
    return this.status === 403;
  }
  get isTooManyRequests(): boolean {
    return this.status === 429;
  }
}

/** The HTTP statuses of a server that is overloaded or restarting, not of a request that is wrong. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/**
 * A failure that is the API server's passing state, not the request's fault: no answer (connection reset or
 * refused, a timeout: status 0) or 429/500/502/503/504, still so after the transport's retries (`attempts`;
 * 1 for a request that is never repeated, such as an eviction). `request` names what was asked ("list
 * deployments"). Waiting and running the same command again is the remedy; a run stopped by one pauses.
 */
export class TransientApiError extends ClusterApiError {
  override name = 'TransientApiError';
  readonly transient = true;
  readonly attempts: number;

  constructor(
    readonly request: string,
    message: string,
    status: number,
    reason: string,
    causes: StatusCause[] = [],
    options: { cause?: unknown; attempts?: number } = {},
  ) {
    super(message, status, reason, causes, options.cause === undefined ? undefined : { cause: options.cause });
    this.attempts = options.attempts ?? 1;
  }
}

/**
 * The error for an API failure named `what`: a TransientApiError when the status says the server was
 * unavailable (0, 429, 5xx), with how many attempts it took; a ClusterApiError otherwise.
 */
export function apiFailure(
  what: string,
  message: string,
  status: number,
  reason: string,
  causes: StatusCause[] = [],
  options: { cause?: unknown; attempts?: number } = {},
): ClusterApiError {
  if (status !== 0 && !TRANSIENT_STATUSES.has(status))
    return new ClusterApiError(message, status, reason, causes, options.cause === undefined ? undefined : options);
  const tries = options.attempts && options.attempts > 1 ? ` (still failing after ${options.attempts} attempts)` : '';
  return new TransientApiError(what, `${message}${tries}`, status, reason, causes, options);
}

/** The TransientApiError behind `e` (itself or along its `cause` chain), if any. */
export function findTransient(e: unknown): TransientApiError | undefined {
  for (let c = e, depth = 0; c && depth < 8; c = (c as { cause?: unknown }).cause, depth++)
    if (c instanceof TransientApiError) return c;
  return undefined;
}
