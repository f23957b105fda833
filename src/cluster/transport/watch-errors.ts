/**
 * The error a watch stream ends with, as a ClusterApiError when it carries an HTTP status (a
 * TransientApiError for 429/5xx: the watcher backs off and opens it again).
 */
import { apiFailure } from '../errors.js';

export function toWatchError(err: unknown): Error {
  const status = (err as { statusCode?: number })?.statusCode;
  if (typeof status === 'number')
    return apiFailure('watch', `watch: HTTP ${status} ${(err as Error).message ?? ''}`.trim(), status, '', [], {
      cause: err,
    });
  return err instanceof Error ? err : new Error(String(err));
}
