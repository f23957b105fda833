/**
 * A client for the sandbox's admin API (/sandbox/v1), configured from a kubeconfig the sandbox wrote. Used
 * by `k8s-upgrade sandbox node …` / `sandbox fault …` and by tests; it plays the part ssh plays for a real
 * node.
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { FaultSpec, ActiveFault } from './faults.js';
import type { Machine } from './cluster.js';
import type { RestoreEtcdResult } from './node-side/restore-etcd.js';

export class AdminError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AdminError';
  }
}

interface Target {
  server: URL;
  ca: string;
  token: string;
}

export class SandboxAdminClient {
  private constructor(private readonly t: Target) {}

  /** Reads the current context (or `context`) of a kubeconfig; a missing file or context is a 400 AdminError (bad input). */
  static fromKubeconfig(path: string, context?: string): SandboxAdminClient {
    let doc: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      doc = parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new AdminError(`cannot read kubeconfig ${path}: ${(e as Error).message}`, 400, { cause: e });
    }
    const ctxName = context ?? doc?.['current-context'];
    const ctx = doc?.contexts?.find((c: { name: string }) => c.name === ctxName)?.context;
    const cluster = doc?.clusters?.find((c: { name: string }) => c.name === ctx?.cluster)?.cluster;
    const user = doc?.users?.find((u: { name: string }) => u.name === ctx?.user)?.user;
    if (!cluster?.server || !user?.token)
      throw new AdminError(
        `kubeconfig ${path} has no sandbox context ${JSON.stringify(ctxName)} with a server and a token`,
        400,
      );
    const ca = cluster['certificate-authority-data']
      ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8')
      : '';
    return new SandboxAdminClient({ server: new URL(cluster.server), ca, token: user.token });
  }

  machines(): Promise<{ version: string; machines: Machine[] }> {
    return this.call('GET', '/sandbox/v1/machines');
  }

  upgrade(node: string, version: string): Promise<{ node: string; from: string; to: string; message: string }> {
    return this.call('POST', `/sandbox/v1/machines/${encodeURIComponent(node)}/upgrade`, { version });
  }

  downgrade(node: string, version: string): Promise<{ node: string; from: string; to: string; message: string }> {
    return this.call('POST', `/sandbox/v1/machines/${encodeURIComponent(node)}/downgrade`, { version });
  }

  /** Restores the sandbox's etcd from `snapshot` (an absolute path on this machine) as the node side of `node`. */
  restoreEtcd(node: string, snapshot: string): Promise<RestoreEtcdResult> {
    return this.call('POST', `/sandbox/v1/machines/${encodeURIComponent(node)}/restore-etcd`, { snapshot });
  }

  /** The sandbox's etcd (404 AdminError when it runs without --etcd). */
  etcd(): Promise<{ endpoints: string[]; dataDir: string; member: string; node: string; restores: number }> {
    return this.call('GET', '/sandbox/v1/etcd');
  }

  addFault(spec: FaultSpec): Promise<ActiveFault> {
    return this.call('POST', '/sandbox/v1/faults', spec);
  }

  faults(): Promise<{ faults: ActiveFault[] }> {
    return this.call('GET', '/sandbox/v1/faults');
  }

  clearFaults(id?: number): Promise<{ faults: ActiveFault[] }> {
    return this.call('DELETE', `/sandbox/v1/faults${id === undefined ? '' : `/${id}`}`);
  }

  stats(): Promise<{
    requests: { verb: string; resource: string; count: number }[];
    protobuf: { responses: number; fallbacks: number; refusals: number; lastFailure?: string };
  }> {
    return this.call('GET', '/sandbox/v1/stats');
  }

  resetStats(): Promise<unknown> {
    return this.call('DELETE', '/sandbox/v1/stats');
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          host: this.t.server.hostname,
          port: this.t.server.port,
          path,
          method,
          ca: this.t.ca || undefined,
          headers: {
            Authorization: `Bearer ${this.t.token}`,
            'Content-Type': 'application/json',
            ...(data ? { 'Content-Length': Buffer.byteLength(data) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: { error?: string } | undefined;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            if ((res.statusCode ?? 500) >= 300)
              reject(
                new AdminError(
                  parsed?.error ?? `sandbox admin API answered HTTP ${res.statusCode}: ${text}`,
                  res.statusCode,
                ),
              );
            else resolve(parsed as T);
          });
        },
      );
      req.on('error', (e) =>
        reject(
          new AdminError(
            `cannot reach the sandbox at ${this.t.server.origin}: ${e.message}. Is \`k8s-upgrade sandbox up\` running?`,
            undefined,
            { cause: e },
          ),
        ),
      );
      if (data) req.write(data);
      req.end();
    });
  }
}
