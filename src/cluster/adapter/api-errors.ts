/**
 * Turns client-node's ApiException (raw string body) into a ClusterApiError with the Status fields; a
 * server that was unreachable or answered 429/5xx (after the transport's retries) gives a TransientApiError.
 */
import { ApiException } from '@kubernetes/client-node';
import { apiFailure, ClusterApiError, type StatusCause } from '../errors.js';
import { attemptsOf, isConnectionError } from '../transport/index.js';

export function toClusterError(e: unknown, what: string): unknown {
  if (!(e instanceof ApiException)) {
    const unreachable = (e: Error) =>
      `${what}: cannot reach the API server (${e.message}). Check the kubeconfig's server URL and that the cluster is up.`;
    // Reset, refused, timed out: the server's passing state. A name that does not resolve or a certificate
    // that is refused is the kubeconfig's fault and stays a plain ClusterApiError.
    if (isConnectionError(e))
      return apiFailure(what, unreachable(e as Error), 0, 'Unreachable', [], { cause: e, attempts: attemptsOf(e) });
    if (e instanceof Error && /ENOTFOUND|certificate/.test(e.message))
      return new ClusterApiError(unreachable(e), 0, 'Unreachable', [], { cause: e });
    return e;
  }
  let body: { message?: string; reason?: string; details?: { causes?: StatusCause[] } } = {};
  try {
    body = typeof e.body === 'string' ? JSON.parse(e.body) : ((e.body as typeof body) ?? {});
  } catch {
    body = { message: String(e.body) };
  }
  const hint =
    e.code === 401
      ? ' (the credentials were refused: check the kubeconfig user)'
      : e.code === 403
        ? ' (the kubeconfig user lacks this permission)'
        : '';
  return apiFailure(
    what,
    `${what}: ${body.message ?? `HTTP ${e.code}`}${hint}`,
    e.code,
    body.reason ?? '',
    body.details?.causes ?? [],
    { cause: e },
  );
}

/** Runs an API call, translating errors. */
export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toClusterError(e, what);
  }
}

/** Runs a GET, mapping 404 to undefined. */
export async function getOrUndefined<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiException && e.code === 404) return undefined;
    throw toClusterError(e, what);
  }
}
