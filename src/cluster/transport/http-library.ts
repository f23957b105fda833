/**
 * The HTTP transport of the typed API clients: node:http(s) over the agent the request carries (our
 * keep-alive pool, or a proxy agent from the kubeconfig), instead of client-node's node-fetch. node-fetch 2
 * reports a false "Premature close" for chunked responses on reused keep-alive sockets (node-fetch#1767), so
 * with a connection pool it would fail good requests; without a pool every request paid a TLS handshake.
 * Bodies are buffered (API objects are small; large lists go through raw-list.ts). A request that failed on a
 * reused socket the server had just closed is sent again once, but only when repeating it is harmless (GET,
 * HEAD, PUT, DELETE are idempotent; POST and PATCH are never re-sent). Above that, every request goes through
 * the retry policy (retry-policy.ts): transient failures and 429/5xx answers are sent again when repeating is
 * harmless, and each attempt has a timeout, so a server that accepts and never answers cannot hang a call.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ResponseContext, wrapHttpLibrary, type HttpLibrary, type RequestContext } from '@kubernetes/client-node';
import { isRepeatable, RequestTimeoutError, RetryPolicy, verdictOnStatus } from './retry-policy.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function pooledHttpLibrary(policy: RetryPolicy = new RetryPolicy()): HttpLibrary {
  return wrapHttpLibrary({ send: (req) => sendWithRetries(req, policy) });
}

/** A header of the request whatever the case it was set in. */
function header(req: RequestContext, name: string): string {
  const h = req.getHeaders();
  const key = Object.keys(h).find((k) => k.toLowerCase() === name);
  return key ? String(h[key]) : '';
}

function sendWithRetries(req: RequestContext, policy: RetryPolicy): Promise<ResponseContext> {
  const method = String(req.getHttpMethod());
  const path = new URL(req.getUrl()).pathname;
  return policy.run(
    () => send(req, policy.options.timeoutMs),
    (res) => verdictOnStatus(res.httpStatusCode, res.headers['retry-after']),
    { repeatable: isRepeatable(method, path, header(req, 'content-type')), signal: req.getSignal() },
  );
}

/**
 * A request that failed because the pooled keep-alive socket it was written to had just been closed by the
 * server (the request carries `reusedSocket`, as both transports here attach it): safe to send once more on a
 * new socket when the request is idempotent.
 */
export function isStaleSocketError(e: unknown): boolean {
  return (
    (e as { reusedSocket?: boolean }).reusedSocket === true &&
    /ECONNRESET|socket hang up|EPIPE/i.test(`${(e as NodeJS.ErrnoException).code ?? ''} ${(e as Error).message}`)
  );
}

async function send(req: RequestContext, timeoutMs: number): Promise<ResponseContext> {
  try {
    return await once(req, timeoutMs);
  } catch (e) {
    if (!isStaleSocketError(e) || !IDEMPOTENT.has(String(req.getHttpMethod()))) throw e;
    return once(req, timeoutMs);
  }
}

function once(req: RequestContext, timeoutMs: number): Promise<ResponseContext> {
  const url = new URL(req.getUrl());
  const body = req.getBody();
  const signal = req.getSignal();
  const payload =
    body === undefined || body === null || body === ''
      ? undefined
      : Buffer.from(typeof body === 'string' ? body : String(body));
  // A body goes with its length (as node-fetch sent it): some servers do not read a chunked DELETE body.
  const headers = payload ? { ...req.getHeaders(), 'Content-Length': String(payload.length) } : req.getHeaders();
  const opts = { method: String(req.getHttpMethod()), headers, agent: req.getAgent(), ...(signal ? { signal } : {}) };
  return new Promise<ResponseContext>((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve(
          new ResponseContext(res.statusCode ?? 0, headers, {
            text: async () => data.toString('utf8'),
            binary: async () => data,
          }),
        );
      });
    };
    const r = url.protocol === 'https:' ? httpsRequest(url, opts, onResponse) : httpRequest(url, opts, onResponse);
    r.on('error', (e) => reject(Object.assign(e, { reusedSocket: r.reusedSocket })));
    // Idle that long (no answer, or a body that stopped arriving): the attempt fails with a clear error.
    r.setTimeout(timeoutMs, () => r.destroy(new RequestTimeoutError(timeoutMs)));
    r.end(payload);
  });
}
