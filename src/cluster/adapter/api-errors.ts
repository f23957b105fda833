/** Turns client-node's ApiException (raw string body) into a ClusterApiError with the Status fields. */
import { ApiException } from '@kubernetes/client-node';
import { ClusterApiError, type StatusCause } from '../errors.js';

export function toClusterError(e: unknown, what: string): unknown {
  if (!(e instanceof ApiException)) {
    if (
      e instanceof Error &&
      /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|certificate|socket hang up|ECONNRESET/.test(e.message)
    ) {
      return new ClusterApiError(
        `${what}: cannot reach the API server (${e.message}). Check the kubeconfig's server URL and that the cluster is up.`,
        0,
        'Unreachable',
        [],
        { cause: e },
      );
    }
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
  return new ClusterApiError(
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
