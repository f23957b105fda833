/**
 * The HTTP health gate: one GET, healthy on a 2xx answer. Redirects are not followed; credentials in the
 * URL are sent as Basic auth but never appear in the detail (which shows only scheme, host and path).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpGateResult {
  ok: boolean;
  /** `https://shop.example.com/healthz: HTTP 503` — never the URL's credentials or query. */
  detail: string;
}

/** The URL as it may be shown: scheme, host and path; no user, password, query or fragment. */
export function redactUrl(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}

export function checkHttpGate(url: string, timeoutMs: number): Promise<HttpGateResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, detail: 'http gate: not a valid URL (expected http(s)://host/path)' });
  }
  const shown = redactUrl(u);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return Promise.resolve({ ok: false, detail: `${shown}: only http and https URLs can be health gates` });
  const auth = u.username ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` : undefined;
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: HttpGateResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = send(
      {
        protocol: u.protocol,
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        method: 'GET',
        headers: { Accept: '*/*', 'User-Agent': 'k8s-upgrade health gate' },
        ...(auth ? { auth } : {}),
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        res.resume(); // the body is not needed
        const ok = status >= 200 && status < 300;
        const redirect =
          status >= 300 && status < 400 ? ' (redirects are not followed: point the gate at the final URL)' : '';
        res.on('end', () => finish({ ok, detail: `${shown}: HTTP ${status}${redirect}` }));
        res.on('error', (e) => finish({ ok, detail: `${shown}: HTTP ${status} (${e.message})` }));
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, detail: `${shown}: no answer within ${timeoutMs / 1000}s` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish({ ok: false, detail: `${shown}: ${e.message}` }));
    req.end();
  });
}
