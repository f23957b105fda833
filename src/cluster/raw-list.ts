/**
 * Paginated lists read as plain JSON, for the collections where client-node's typed deserialisation costs
 * more than the request (100,000 pods: seconds of class instantiation and date parsing). Each page is mapped
 * to views as it arrives and then dropped, so memory holds the views, not the wire objects. The wire JSON
 * uses the same field names as client-node's models for everything the views read.
 */
import { ClusterApiError, type StatusCause } from './errors.js';

export type RawGet = (path: string, accept?: string) => Promise<{ status: number; body: string }>;

/** The apiserver's Status body as a ClusterApiError (same messages as api-errors.ts). */
export function statusError(what: string, status: number, body: string): ClusterApiError {
  let s: { message?: string; reason?: string; details?: { causes?: StatusCause[] } } = {};
  try {
    s = JSON.parse(body) as typeof s;
  } catch {
    s = { message: body.slice(0, 200) };
  }
  const hint = status === 401 ? ' (the credentials were refused: check the kubeconfig user)' : status === 403 ? ' (the kubeconfig user lacks this permission)' : '';
  return new ClusterApiError(`${what}: ${s.message || `HTTP ${status}`}${hint}`, status, s.reason ?? '', s.details?.causes ?? []);
}

/**
 * GETs `path` page by page (`limit`/`continue`), mapping every item. `undefined` when the collection is not
 * served (404); other failures throw a ClusterApiError.
 */
export async function rawPaginate<T>(
  get: RawGet,
  what: string,
  path: string,
  params: Record<string, string | undefined>,
  pageSize: number,
  map: (item: never) => T,
): Promise<T[] | undefined> {
  return (await rawPaginateVersioned(get, what, path, params, pageSize, map))?.items;
}

/**
 * As {@link rawPaginate}, also returning the list's `metadata.resourceVersion` from the first page (the
 * snapshot the list started from): a watch from there misses no change made while the pages were read.
 */
export async function rawPaginateVersioned<T>(
  get: RawGet,
  what: string,
  path: string,
  params: Record<string, string | undefined>,
  pageSize: number,
  map: (item: never) => T,
): Promise<{ items: T[]; resourceVersion: string } | undefined> {
  const out: T[] = [];
  let resourceVersion: string | undefined;
  const url = (cont: string | undefined) => {
    const q = new URLSearchParams({ limit: String(pageSize) });
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (cont) q.set('continue', cont);
    return `${path}?${q}`;
  };
  const fetchPage = (cont: string | undefined) => {
    const p = get(url(cont), 'application/json');
    p.catch(() => undefined); // awaited below; a prefetch abandoned by an error elsewhere must not go unhandled
    return { cont, res: p };
  };
  let next: { cont: string | undefined; res: Promise<{ status: number; body: string }> } | undefined = fetchPage(undefined);
  while (next) {
    const res = await next.res;
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw statusError(what, res.status, res.body);
    // Ask for the next page before parsing this one, so the server prepares it while we parse and map.
    const early = continueToken(res.body);
    next = early ? fetchPage(early) : undefined;
    const page = JSON.parse(res.body) as { items?: never[]; metadata?: { continue?: string; resourceVersion?: string } };
    const cont = page.metadata?.continue || undefined;
    // The early read guessed wrong (a server that puts metadata after items): follow the parsed token.
    if (cont !== next?.cont) next = cont ? fetchPage(cont) : undefined;
    for (const item of page.items ?? []) out.push(map(item));
    resourceVersion ??= page.metadata?.resourceVersion ?? '';
  }
  return { items: out, resourceVersion: resourceVersion ?? '' };
}

/**
 * The list's `metadata.continue`, read from the head of the body without parsing it: kube-apiserver writes
 * `metadata` before `items`. `undefined` when it is not there (last page) or not plainly readable.
 */
export function continueToken(body: string): string | undefined {
  const itemsAt = body.indexOf('"items"');
  const head = body.slice(0, itemsAt < 0 ? Math.min(body.length, 4096) : itemsAt);
  const m = /"continue"\s*:\s*"([^"\\]*)"/.exec(head);
  return m?.[1] || undefined;
}
