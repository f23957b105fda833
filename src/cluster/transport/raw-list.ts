/**
 * Paginated lists read as plain JSON, for the collections where client-node's typed deserialisation costs
 * more than the request (100,000 pods: seconds of class instantiation and date parsing). Each page is mapped
 * to views as it arrives and then dropped, so memory holds the views, not the wire objects. The wire JSON
 * uses the same field names as client-node's models for everything the views read.
 */
import { apiFailure, ClusterApiError, type StatusCause } from '../errors.js';
import { attemptsOf } from './retry-policy.js';
import { PROTOBUF_CONTENT_TYPE, protobufListHead, protobufStatus, type ProtobufListPage } from '../protobuf/index.js';

/**
 * A GET's answer: the body as text, or, when the server answered in Kubernetes protobuf (only when `accept`
 * offered it), as `bytes` with an empty `body`.
 */
export interface RawResponse {
  status: number;
  body: string;
  bytes?: Buffer;
  /** The Retry-After header of a 429/503, for the retry policy. */
  retryAfter?: string;
}

/**
 * A GET. `onHead`, when given, is called with the beginning of a 200 body as it streams in, again with more
 * of it each time, until it returns true (it has read what it wanted, e.g. a list's `metadata`) or the head
 * passes 64 KiB.
 */
export type RawGet = (path: string, accept?: string, onHead?: (head: Buffer) => boolean) => Promise<RawResponse>;

/** What a list request accepts when the collection has a protobuf decoder: protobuf first, JSON if the server has no protobuf. */
export const PROTOBUF_OR_JSON = `${PROTOBUF_CONTENT_TYPE}, application/json`;

/**
 * The apiserver's Status body (JSON or protobuf) as a ClusterApiError (same messages as api-errors.ts); a
 * TransientApiError for 429/5xx. `answer`, when given, is the response, marked with the attempts it took.
 */
export function statusError(
  what: string,
  status: number,
  body: string,
  bytes?: Buffer,
  answer?: RawResponse,
): ClusterApiError {
  let s: { message?: string; reason?: string; details?: { causes?: StatusCause[] } } = {};
  if (bytes) s = protobufStatus(bytes);
  else
    try {
      s = JSON.parse(body) as typeof s;
    } catch {
      s = { message: body.slice(0, 200) };
    }
  const hint =
    status === 401
      ? ' (the credentials were refused: check the kubeconfig user)'
      : status === 403
        ? ' (the kubeconfig user lacks this permission)'
        : '';
  return apiFailure(
    what,
    `${what}: ${s.message || `HTTP ${status}`}${hint}`,
    status,
    s.reason ?? '',
    s.details?.causes ?? [],
    { attempts: attemptsOf(answer) },
  );
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
  protobuf?: (bytes: Buffer) => ProtobufListPage<T>,
): Promise<T[] | undefined> {
  return (await rawPaginateVersioned(get, what, path, params, pageSize, map, protobuf))?.items;
}

/** How many pages may be requested beyond the one being parsed (at most this many bodies of ~1.6 MB held). */
export const LOOKAHEAD = 4;

interface PendingPage {
  cont: string | undefined;
  res: Promise<RawResponse>;
  /** The page's `continue` token as soon as the head of its body shows it (or the end of the body does). */
  token: Promise<string | undefined>;
  /** The next page, requested as soon as the token is known and fewer than LOOKAHEAD pages are ahead. */
  next: Promise<PendingPage | undefined>;
}

/**
 * As {@link rawPaginate}, also returning the list's `metadata.resourceVersion` from the first page (the
 * snapshot the list started from): a watch from there misses no change made while the pages were read.
 *
 * Pages are pipelined: the `continue` token is read from the head of each body as it streams in (the
 * apiserver writes `metadata` before `items`), and the next page is asked for at once, up to LOOKAHEAD pages
 * ahead of the one being parsed, so the server prepares pages while this process parses. A token read early
 * is checked against the parsed page; a server that orders the body differently costs the prefetch, never a
 * wrong result.
 *
 * With a `protobuf` page decoder, protobuf is asked for first (kube-apiserver serves it for built-in types):
 * a decoder that reads only the fields the views need skips the rest of each object by its length, several
 * times cheaper than JSON.parse of everything. A server answering JSON is read as before.
 */
export async function rawPaginateVersioned<T>(
  get: RawGet,
  what: string,
  path: string,
  params: Record<string, string | undefined>,
  pageSize: number,
  map: (item: never) => T,
  protobuf?: (bytes: Buffer) => ProtobufListPage<T>,
): Promise<{ items: T[]; resourceVersion: string } | undefined> {
  const out: T[] = [];
  let resourceVersion: string | undefined;
  const url = (cont: string | undefined) => {
    const q = new URLSearchParams({ limit: String(pageSize) });
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (cont) q.set('continue', cont);
    return `${path}?${q}`;
  };
  // Pages requested and not yet consumed, and the chain links waiting for room.
  let outstanding = 0;
  let generation = 0;
  const waiting: (() => void)[] = [];
  const room = () => new Promise<void>((r) => waiting.push(r));
  const consumed = () => {
    outstanding--;
    waiting.shift()?.();
  };
  const cancel = () => {
    generation++;
    outstanding = 0; // the abandoned pages no longer hold room
    for (const w of waiting.splice(0)) w();
  };
  const fetchPage = (cont: string | undefined, gen: number): PendingPage => {
    outstanding++;
    let early: ((t: string | undefined) => void) | undefined;
    const token = new Promise<string | undefined>((r) => (early = r));
    const res = get(url(cont), protobuf ? PROTOBUF_OR_JSON : 'application/json', (head) => {
      const h = headOfList(head);
      if (h?.continue) early?.(h.continue);
      return h !== undefined;
    });
    res.then(
      (r) =>
        early?.(r.status !== 200 ? undefined : r.bytes ? protobufListHead(r.bytes)?.continue : continueToken(r.body)),
      () => early?.(undefined),
    );
    res.catch(() => undefined); // awaited by the consumer; a prefetch abandoned by an error elsewhere must not go unhandled
    // Synchronously when there is room, so the request leaves before the consumer parses anything.
    const next = token.then((t): PendingPage | Promise<PendingPage | undefined> | undefined => {
      if (!t || gen !== generation) return undefined;
      if (outstanding <= LOOKAHEAD) return fetchPage(t, gen);
      return room().then(() => (gen === generation ? fetchPage(t, gen) : undefined));
    });
    return { cont, res, token, next };
  };
  let page: PendingPage | undefined = fetchPage(undefined, generation);
  try {
    while (page) {
      const res = await page.res;
      consumed();
      // Settled with the response at the latest; awaiting it first lets the next request leave before the parse.
      const guessed = await page.token;
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw statusError(what, res.status, res.body, res.bytes, res);
      let cont: string | undefined;
      if (res.bytes) {
        if (!protobuf)
          throw new ClusterApiError(
            `${what}: the server answered in protobuf, which was not asked for`,
            res.status,
            'BadResponse',
            [],
          );
        const pageOf = decodeProtobufPage(what, protobuf, res.bytes);
        cont = pageOf.continue;
        for (const item of pageOf.items) out.push(item);
        resourceVersion ??= pageOf.resourceVersion;
      } else {
        const body = JSON.parse(res.body) as {
          items?: never[];
          metadata?: { continue?: string; resourceVersion?: string };
        };
        cont = body.metadata?.continue || undefined;
        for (const item of body.items ?? []) out.push(map(item));
        resourceVersion ??= body.metadata?.resourceVersion ?? '';
      }
      if (cont === guessed) page = await page.next;
      else {
        // The early read guessed wrong (a server that puts metadata after items): follow the parsed token.
        cancel();
        page = cont ? fetchPage(cont, generation) : undefined;
      }
    }
  } finally {
    cancel();
  }
  return { items: out, resourceVersion: resourceVersion ?? '' };
}

/** A protobuf page decoded, its failure (a malformed body) as a ClusterApiError naming the list. */
function decodeProtobufPage<T>(
  what: string,
  decode: (bytes: Buffer) => ProtobufListPage<T>,
  bytes: Buffer,
): ProtobufListPage<T> {
  try {
    return decode(bytes);
  } catch (e) {
    throw new ClusterApiError(
      `${what}: the server's protobuf answer could not be read (${(e as Error).message})`,
      200,
      'BadResponse',
      [],
      { cause: e },
    );
  }
}

/**
 * The list metadata from the head of a body as it streams in (protobuf or JSON, told apart by the protobuf
 * magic), or `undefined` while the head does not show all of it yet.
 */
export function headOfList(head: Buffer): { continue: string | undefined } | undefined {
  if (head[0] === 0x6b && head[1] === 0x38) return protobufListHead(head);
  const at = head.indexOf('"items"');
  return at < 0 ? undefined : { continue: continueToken(head.subarray(0, at).toString('utf8')) };
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
