/**
 * Watch streams: one JSON event per line over a chunked 200 response; the status line is flushed at once
 * (kubectl waits for it), and the events produced in one event-loop turn go out as one chunk, as kube-apiserver
 * flushes a watch stream only when its queue of pending events is empty. RV unset/"0" starts with synthetic ADDED events; a given RV replays history after it, or
 * answers an ERROR event with 410 Expired when history no longer reaches it. Objects leaving a selector
 * produce DELETED, bookmarks are sent when asked, `timeoutSeconds`/`timeout` end the stream, and the
 * drop-watches fault closes every open stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxCluster } from '../cluster.js';
import type { KObject, StoreEvent } from '../store/types.js';
import { toTable } from './tables.js';
import type { WatchStats } from './watch-stats.js';

export interface WatchRequest {
  resource: string;
  kind: string;
  apiVersion: string;
  namespace?: string;
  match: (o: KObject) => boolean;
  /** True when a label or field selector narrows the watch. */
  filtered: boolean;
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutMs: number;
  table: boolean;
  /** The object's JSON for this stream when it is not the stored form (a view such as events.k8s.io). */
  encode?: (o: KObject) => string;
}

/** Pending events are written at once when they reach this many characters (a large initial listing). */
const MAX_CHUNK = 256 * 1024;

export class WatchHub {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly cluster: SandboxCluster,
    private readonly stats?: WatchStats,
  ) {}

  /** Closes every open watch stream (the drop-watches fault, and shutdown). */
  dropAll(): void {
    for (const close of [...this.open]) close();
  }

  get count(): number {
    return this.open.size;
  }

  serve(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
    const store = this.cluster.store;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    const inScope = (o: KObject) => !w.namespace || o.metadata.namespace === w.namespace;
    // Per-stream knowledge of which objects match a selector, so objects leaving it produce DELETED.
    const state = w.filtered ? new Map<string, boolean>() : undefined;
    const keyOf = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    let closed = false;
    let pending: string[] = [];
    let pendingBytes = 0;
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      if (pending.length === 0) return;
      const chunk = pending.length === 1 ? pending[0]! : pending.join('');
      pending = [];
      pendingBytes = 0;
      if (!closed) res.write(chunk);
    };
    const write = (type: string, obj: KObject | Record<string, unknown>) => {
      const plain = type === 'BOOKMARK' || type === 'ERROR';
      const body =
        w.table && !plain
          ? JSON.stringify(
              toTable(w.kind, [obj as KObject], { resourceVersion: (obj as KObject).metadata.resourceVersion }),
            )
          : plain
            ? JSON.stringify(obj)
            : w.encode
              ? w.encode(obj as KObject)
              : store.json(w.resource, obj as KObject);
      const line = `{"type":"${type}","object":${body}}\n`;
      this.stats?.record(w.apiVersion, w.kind, line.length);
      pending.push(line);
      pendingBytes += line.length;
      if (pendingBytes >= MAX_CHUNK) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    };
    const deliver = (ev: StoreEvent) => {
      if (ev.resource !== w.resource || !inScope(ev.object)) return;
      if (!state) {
        write(ev.type, ev.object);
        return;
      }
      const key = keyOf(ev.object);
      const now = w.match(ev.object);
      const before = state.has(key) ? state.get(key)! : ev.type !== 'ADDED' && now;
      if (ev.type === 'DELETED') {
        state.delete(key);
        if (before) write('DELETED', ev.object);
        return;
      }
      state.set(key, now);
      if (now) write(before ? 'MODIFIED' : 'ADDED', ev.object);
      else if (before) write('DELETED', ev.object);
    };

    const rv = w.resourceVersion;
    if (!rv || rv === '0' || w.sendInitialEvents) {
      for (const o of store.list(w.resource, w.namespace)) {
        if (!w.match(o)) continue;
        state?.set(keyOf(o), true);
        write('ADDED', o);
      }
      if (w.sendInitialEvents) write('BOOKMARK', bookmark(w, store.resourceVersion, true));
    } else {
      const since = Number.isNaN(Number(rv)) ? 'expired' : store.eventsSince(Number(rv));
      if (since === 'expired') {
        write('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${rv} (${store.oldestWatchableRv})`,
          reason: 'Expired',
          code: 410,
        });
        flush();
        res.end();
        return;
      }
      for (const ev of since) deliver(ev);
    }

    const unsubscribe = store.subscribe(deliver);
    const bookmarks = w.allowBookmarks
      ? setInterval(() => write('BOOKMARK', bookmark(w, store.resourceVersion, false)), 5_000)
      : undefined;
    bookmarks?.unref();
    const timer = setTimeout(() => close(), w.timeoutMs);
    timer.unref();
    const close = () => {
      if (closed) return;
      flush();
      closed = true;
      unsubscribe();
      clearTimeout(timer);
      if (bookmarks) clearInterval(bookmarks);
      this.open.delete(close);
      res.end();
    };
    this.open.add(close);
    req.on('close', close);
    res.on('error', close);
  }
}

function bookmark(w: WatchRequest, rv: number, initialEnd: boolean) {
  return {
    kind: w.kind,
    apiVersion: w.apiVersion,
    metadata: {
      resourceVersion: String(rv),
      ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
    },
  };
}
