/**
 * A paginated list read as plain JSON that keeps what a watch needs to follow it: the list's
 * resourceVersion (the snapshot every page belongs to) and each object's own resourceVersion.
 */
import { statusError, type RawGet } from './raw-list.js';

export interface VersionedItem<T> {
  value: T;
  resourceVersion: string;
}

export interface VersionedList<T> {
  items: VersionedItem<T>[];
  /** The list's metadata.resourceVersion: watch from here to see every later change. */
  resourceVersion: string;
}

interface WireObject {
  metadata?: { resourceVersion?: string };
}

/** GETs `path` in pages of `pageSize` (one request per page), mapping each item as its page arrives. */
export async function listVersioned<T>(
  get: RawGet,
  what: string,
  path: string,
  params: Record<string, string | undefined>,
  pageSize: number,
  map: (item: never) => T,
): Promise<VersionedList<T>> {
  const items: VersionedItem<T>[] = [];
  let resourceVersion = '';
  let cont: string | undefined;
  do {
    const q = new URLSearchParams({ limit: String(pageSize) });
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (cont) q.set('continue', cont);
    const res = await get(`${path}?${q}`, 'application/json');
    if (res.status !== 200) throw statusError(what, res.status, res.body, undefined, res);
    const page = JSON.parse(res.body) as {
      items?: WireObject[];
      metadata?: { continue?: string; resourceVersion?: string };
    };
    // Every page of one list shares the first page's snapshot.
    if (!resourceVersion) resourceVersion = page.metadata?.resourceVersion ?? '';
    for (const item of page.items ?? [])
      items.push({ value: map(item as never), resourceVersion: item.metadata?.resourceVersion ?? '' });
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return { items, resourceVersion };
}
