/** Paged raw lists: later pages are asked for while earlier ones stream in and are parsed (at most LOOKAHEAD ahead), following the right token, with no extra requests. */
import { describe, expect, it } from 'vitest';
import {
  continueToken,
  LOOKAHEAD,
  rawPaginate,
  rawPaginateVersioned,
  type RawGet,
} from '../../../src/cluster/transport/raw-list.js';
import { ClusterApiError } from '../../../src/cluster/errors.js';

/**
 * A fake apiserver list of `n` items in pages; `itemsFirst` writes items before metadata (a non-Go server);
 * `streamHead` hands the head of each body to `onHead` before the rest "arrives" (as rawGet does);
 * `lyingHead` makes that head show a token the body then contradicts.
 */
function server(
  n: number,
  opts: { itemsFirst?: boolean; failPage?: number; status?: number; streamHead?: boolean; lyingHead?: boolean } = {},
) {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const get: RawGet = async (path, _accept, onHead) => {
    log.push(path);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const res = await respond(path);
    if (opts.streamHead && res.status === 200) {
      const head = res.body.slice(0, Math.max(0, res.body.indexOf('"items"')));
      await new Promise((r) => setTimeout(r, 1));
      const shown = opts.lyingHead
        ? head.replace(/"continue":"[^"]*"/, `"continue":"${Buffer.from('7').toString('base64url')}"`)
        : head;
      onHead?.(Buffer.from(`${shown}"items":[`));
    }
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return res;
  };
  const respond = async (path: string) => {
    const q = new URL(path, 'http://x').searchParams;
    const limit = Number(q.get('limit'));
    const start = q.get('continue') ? Number(Buffer.from(q.get('continue')!, 'base64url').toString()) : 0;
    if (opts.status)
      return { status: opts.status, body: JSON.stringify({ kind: 'Status', message: 'nope', reason: 'Forbidden' }) };
    if (opts.failPage !== undefined && start / limit === opts.failPage)
      return { status: 500, body: JSON.stringify({ kind: 'Status', message: 'boom', reason: 'InternalError' }) };
    const items = Array.from({ length: Math.min(limit, n - start) }, (_, i) => ({
      metadata: { name: `o-${start + i}` },
    }));
    const next = start + limit < n ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
    const metadata = { resourceVersion: '42', ...(next ? { continue: next } : {}) };
    const body = opts.itemsFirst
      ? JSON.stringify({ kind: 'List', items, metadata })
      : JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata, items });
    return { status: 200, body };
  };
  return { get, log, maxInFlight: () => maxInFlight };
}

const name = (o: { metadata: { name: string } }) => o.metadata.name;

describe('continueToken', () => {
  it('reads metadata.continue from the head of a list body', () => {
    expect(
      continueToken(
        '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1","continue":"eyJ2Ijo","remainingItemCount":5},"items":[{"continue":"no"}]}',
      ),
    ).toBe('eyJ2Ijo');
  });
  it.each([
    ['the last page', '{"metadata":{"resourceVersion":"1"},"items":[]}'],
    ['an empty token', '{"metadata":{"continue":""},"items":[]}'],
    ['a token only inside items', '{"items":[{"metadata":{"continue":"x"}}],"metadata":{}}'],
    ['an escaped token', '{"metadata":{"continue":"a\\"b"},"items":[]}'],
  ])('is undefined for %s', (_what, body) => expect(continueToken(body)).toBeUndefined());
});

describe('rawPaginateVersioned', () => {
  it('reads every page in order, one request per page, with the next page requested while this one is parsed', async () => {
    const s = server(1234);
    const r = await rawPaginateVersioned(
      s.get,
      'list things',
      '/api/v1/things',
      { labelSelector: 'a=b', fieldSelector: undefined },
      100,
      name,
    );
    expect(r?.items).toHaveLength(1234);
    expect(r?.items[0]).toBe('o-0');
    expect(r?.items.at(-1)).toBe('o-1233');
    expect(r?.resourceVersion).toBe('42');
    expect(s.log).toHaveLength(13);
    expect(s.log[0]).toBe('/api/v1/things?limit=100&labelSelector=a%3Db');
    expect(s.maxInFlight()).toBe(1); // without an early head, the next request starts once the previous response is in
  });

  it('asks for later pages as soon as each head shows its token, at most LOOKAHEAD pages ahead of the one parsed', async () => {
    const s = server(1000, { streamHead: true });
    let mapped = 0;
    const slowMap = (o: { metadata: { name: string } }) => {
      mapped++;
      const until = Date.now() + (mapped % 100 === 0 ? 15 : 0); // the consumer is slower than the server
      while (Date.now() < until);
      return name(o);
    };
    const r = await rawPaginateVersioned(s.get, 'list things', '/x', {}, 100, slowMap);
    expect(r?.items).toEqual(Array.from({ length: 1000 }, (_, i) => `o-${i}`));
    expect(s.log).toHaveLength(10);
    expect(s.maxInFlight()).toBeGreaterThan(1);
    expect(s.maxInFlight()).toBeLessThanOrEqual(LOOKAHEAD + 1);
  });

  it('follows the parsed token when an early head showed a different one (the prefetch is wasted, the result is right)', async () => {
    const s = server(300, { streamHead: true, lyingHead: true });
    const items = await rawPaginate(s.get, 'list things', '/x', {}, 100, name);
    expect(items).toEqual(Array.from({ length: 300 }, (_, i) => `o-${i}`));
    expect(s.log.filter((p) => !p.includes('continue')).length).toBe(1);
  });

  it('asks for page N+1 before mapping the items of page N', async () => {
    const s = server(300);
    const requestsWhenMapped: number[] = [];
    await rawPaginate(s.get, 'list things', '/x', {}, 100, (o: { metadata: { name: string } }) => {
      requestsWhenMapped.push(s.log.length);
      return name(o);
    });
    expect(requestsWhenMapped[0]).toBe(2);
    expect(requestsWhenMapped[100]).toBe(3);
    expect(requestsWhenMapped[200]).toBe(3); // the last page: nothing more to ask for
  });

  it('follows the parsed token when the body puts metadata after items (no early guess, no wasted request)', async () => {
    const s = server(250, { itemsFirst: true });
    expect(await rawPaginate(s.get, 'list things', '/x', {}, 100, name)).toHaveLength(250);
    expect(s.log).toHaveLength(3);
  });

  it('is undefined for a collection that is not served, and throws a ClusterApiError for other failures', async () => {
    expect(await rawPaginate(server(10, { status: 404 }).get, 'list things', '/x', {}, 5, name)).toBeUndefined();
    await expect(rawPaginate(server(10, { status: 403 }).get, 'list things', '/x', {}, 5, name)).rejects.toThrow(
      /list things: nope \(the kubeconfig user lacks this permission\)/,
    );
    const err = await rawPaginate(server(1000, { failPage: 3 }).get, 'list things', '/x', {}, 100, name).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ClusterApiError);
    expect(err.status).toBe(500);
  });

  it('leaves no unhandled rejection when mapping fails while the next page is in flight', async () => {
    const s = server(300);
    let n = 0;
    const failing = (o: { metadata: { name: string } }) => {
      if (++n === 5) throw new Error('bad item');
      return name(o);
    };
    await expect(rawPaginate(s.get, 'list things', '/x', {}, 100, failing)).rejects.toThrow('bad item');
    await new Promise((r) => setTimeout(r, 20));
  });
});
