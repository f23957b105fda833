/**
 * A minimal client for etcd's v3 JSON gateway (HTTP on the client URL; keys and values base64): transactions
 * of puts and deletes, paged prefix ranges and the /health probe. The sandbox talks to its own etcd this way
 * instead of importing the product's etcd module.
 */
import { Agent, request } from 'node:http';

export class EtcdGatewayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EtcdGatewayError';
  }
}

export type EtcdOp = { type: 'put'; key: string; value: string } | { type: 'delete'; key: string };

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

/** The key just after every key starting with `prefix` (etcd's range_end for a prefix). */
export function prefixEnd(prefix: string): string {
  const b = Buffer.from(prefix, 'utf8');
  b[b.length - 1]++;
  return b.toString('utf8');
}

/** etcd's default --max-txn-ops. */
export const MAX_TXN_OPS = 128;

export class EtcdGateway {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });

  constructor(readonly endpoint: string) {}

  /** Applies `ops` atomically (distinct keys, at most MAX_TXN_OPS). */
  async txn(ops: EtcdOp[]): Promise<void> {
    const success = ops.map((op) =>
      op.type === 'put'
        ? { requestPut: { key: b64(op.key), value: b64(op.value) } }
        : { requestDeleteRange: { key: b64(op.key) } },
    );
    await this.post('/v3/kv/txn', { success });
  }

  /** Every key/value under `prefix`, in key order, fetched `pageSize` at a time. */
  async rangePrefix(prefix: string, pageSize = 1000): Promise<{ key: string; value: string }[]> {
    const end = b64(prefixEnd(prefix));
    const out: { key: string; value: string }[] = [];
    let from = prefix;
    for (;;) {
      const r = (await this.post('/v3/kv/range', { key: b64(from), range_end: end, limit: pageSize })) as {
        kvs?: { key: string; value?: string }[];
        more?: boolean;
      };
      const kvs = r.kvs ?? [];
      for (const kv of kvs) out.push({ key: unb64(kv.key), value: unb64(kv.value) });
      if (!r.more || kvs.length === 0) return out;
      from = `${out[out.length - 1].key}\0`;
    }
  }

  /** True when etcd answers /health with health "true". */
  async healthy(): Promise<boolean> {
    try {
      const r = (await this.call('GET', '/health')) as { health?: string };
      return r.health === 'true';
    } catch {
      return false;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return this.call('POST', path, body);
  }

  private call(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.endpoint);
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method,
          agent: this.agent,
          timeout: 10_000,
          headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch (e) {
              return reject(
                new EtcdGatewayError(
                  `etcd at ${this.endpoint} answered ${method} ${path} with HTTP ${res.statusCode} and no JSON: ${text.slice(0, 200)}`,
                  { cause: e },
                ),
              );
            }
            if ((res.statusCode ?? 500) >= 300)
              return reject(
                new EtcdGatewayError(
                  `etcd at ${this.endpoint} refused ${method} ${path} (HTTP ${res.statusCode}): ${text.slice(0, 300)}`,
                ),
              );
            resolve(parsed);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
      req.on('error', (e) =>
        reject(
          new EtcdGatewayError(`cannot reach etcd at ${this.endpoint} (${method} ${path}): ${e.message}`, { cause: e }),
        ),
      );
      if (data) req.write(data);
      req.end();
    });
  }
}
