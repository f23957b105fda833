/** The error a client-node watch ends with, as a ClusterApiError when it carries an HTTP status. */
import { ClusterApiError } from '../errors.js';

export function toWatchError(err: unknown): Error {
  const status = (err as { statusCode?: number })?.statusCode;
  if (typeof status === 'number')
    return new ClusterApiError(`watch: HTTP ${status} ${(err as Error).message ?? ''}`.trim(), status, '', [], {
      cause: err,
    });
  return err instanceof Error ? err : new Error(String(err));
}
