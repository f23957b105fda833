/**
 * The HTTP transport of the typed API clients: node:http(s) over the agent the request carries (our
 * keep-alive pool, or a proxy agent from the kubeconfig), instead of client-node's node-fetch. node-fetch 2
 * reports a false "Premature close" for chunked responses on reused keep-alive sockets (node-fetch#1767), so
 * with a connection pool it would fail good requests; without a pool every request paid a TLS handshake.
 * Bodies are buffered (API objects are small; large lists go through raw-list.ts). A request that failed on a
 * reused socket the server had just closed is sent again once, but only when repeating it is harmless (GET,
 * HEAD, PUT, DELETE are idempotent; POST and PATCH are never re-sent).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ResponseContext, wrapHttpLibrary, type HttpLibrary, type RequestContext } from '@kubernetes/client-node';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function pooledHttpLibrary(): HttpLibrary {
  return wrapHttpLibrary({ send });
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

async function send(req: RequestContext): Promise<ResponseContext> {
  try {
    return await once(req);
  } catch (e) {
    if (!isStaleSocketError(e) || !IDEMPOTENT.has(String(req.getHttpMethod()))) throw e;
    return once(req);
  }
}

function once(req: RequestContext): Promise<ResponseContext> {
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
    r.end(payload);
  });
}
