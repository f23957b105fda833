/**
 * Watch streams over node:http(s), with the contract of client-node's `Watch.watch` (each JSON line handed to
 * `onEvent` as type and object; `onDone` called exactly once: a clean end with null, a failure, an HTTP
 * status other than 200 as an Error with `statusCode`, or the caller's abort), but cheaper at scale: every
 * stream of one client shares one TLS secure context and TLS session cache (client-node builds a new agent,
 * context and full handshake per watch: a drain opens one watch per node), and lines are cut from the raw
 * bytes instead of going through node-fetch, a PassThrough and readline. A line that is not JSON ends the
 * stream with an error, so a cache re-lists instead of silently missing an event.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent, type RequestOptions } from 'node:https';

/** `object` is the event's object as the server sent it (the caller names the wire type it expects). */
export type WatchEventHandler<T = unknown> = (type: string, object: T) => void;
export type WatchDoneHandler = (err: (Error & { statusCode?: number }) | null) => void;

/** Opens a watch on `path` (with `?watch=true` and `params`); resolves when the response head arrived (or it failed). */
export type RawWatch = <T = unknown>(
  path: string,
  params: Record<string, string | number | boolean | undefined>,
  onEvent: WatchEventHandler<T>,
  onDone: WatchDoneHandler,
) => Promise<AbortController>;

/** How to reach the server: its URL, the request options with credentials, and the agent for https. */
export interface WatchTransport {
  server: string;
  requestOptions: () => Promise<RequestOptions>;
  agent: () => Promise<HttpsAgent>;
  /** How long the response head may take (a stream is then idle for as long as nothing changes). */
  timeoutMs?: number;
}

const NEWLINE = 0x0a;

export function rawWatch(transport: WatchTransport): RawWatch {
  return async <T>(
    path: string,
    params: Record<string, string | number | boolean | undefined>,
    onEvent: WatchEventHandler<T>,
    onDone: WatchDoneHandler,
  ) => {
    const url = new URL(transport.server.replace(/\/+$/, '') + path);
    url.searchParams.set('watch', 'true');
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
    const ac = new AbortController();
    let done = false;
    const finish = (err: (Error & { statusCode?: number }) | null) => {
      if (done) return;
      done = true;
      onDone(err);
      if (!ac.signal.aborted) ac.abort();
    };
    let opts: RequestOptions;
    try {
      opts = {
        ...(await transport.requestOptions()),
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'GET',
      };
      opts.headers = { ...opts.headers, Accept: 'application/json' };
      if (url.protocol === 'https:') opts.agent = await transport.agent();
    } catch (e) {
      finish(e as Error);
      return ac;
    }
    await new Promise<void>((resolve) => {
      const req: ClientRequest = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
        opts,
        (res: IncomingMessage) => {
          resolve();
          req.setTimeout(0);
          if (res.statusCode !== 200) {
            res.resume();
            const err = Object.assign(new Error(res.statusMessage || `HTTP ${res.statusCode}`), {
              statusCode: res.statusCode,
            });
            return finish(err);
          }
          const lines = new LineSplitter((line) => {
            let ev: { type?: string; object?: T };
            try {
              ev = JSON.parse(line) as typeof ev;
            } catch (e) {
              req.destroy();
              return finish(
                new Error(`watch ${path}: a line of the stream is not JSON (${(e as Error).message})`, { cause: e }),
              );
            }
            if (!done) onEvent(ev.type ?? '', ev.object as T);
          });
          res.on('data', (chunk: Buffer) => lines.push(chunk));
          res.on('end', () => finish(null));
          res.on('error', (e) => finish(e));
          res.on('close', () => finish(null));
        },
      );
      req.on('socket', (s) => s.setKeepAlive(true, 30_000));
      // A server that accepts and never answers: the stream fails (its watcher re-opens it) instead of hanging.
      const headTimeout = transport.timeoutMs ?? 20_000;
      req.setTimeout(headTimeout, () =>
        req.destroy(
          new Error(`watch ${path}: no answer from the API server within ${Math.round(headTimeout / 1000)}s`),
        ),
      );
      // The caller's abort closes the connection without an error: the agent forgets the TLS session of a
      // socket closed with one, and every stream of a drain ends this way.
      ac.signal.addEventListener('abort', () => {
        req.destroy();
        finish(Object.assign(new Error('The watch was aborted'), { name: 'AbortError' }));
      });
      req.on('error', (e) => {
        resolve();
        finish(e);
      });
      req.end();
    });
    return ac;
  };
}

/** Cuts newline-terminated lines out of byte chunks; a line split across chunks is joined once. */
export class LineSplitter {
  private rest: Buffer | undefined;

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.rest) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = undefined;
    }
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE, start); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      if (nl > start) this.onLine(buf.toString('utf8', start, nl));
      start = nl + 1;
    }
    if (start < buf.length) this.rest = buf.subarray(start);
  }
}
