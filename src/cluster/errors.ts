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
