/** Starts an in-process sandbox on port 0 with a kubeconfig in a temp dir, for integration tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { startSandbox, type StartOptions, type Sandbox } from '../../src/sandbox/index.js';

export interface TestSandbox {
  sandbox: Sandbox;
  dir: string;
  kubeconfigPath: string;
  kc: KubeConfig;
  stop(): Promise<void>;
}

export async function startTestSandbox(opts: StartOptions = {}): Promise<TestSandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-test-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const sandbox = await startSandbox({ timeScale: 0.05, ...opts, kubeconfigPath });
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return {
    sandbox,
    dir,
    kubeconfigPath,
    kc,
    async stop() {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A raw HTTPS request to the sandbox (for what client-node does not expose: headers, /metrics, discovery). */
export function raw(
  t: TestSandbox,
  path: string,
  init: { method?: string; body?: unknown; accept?: string; token?: string; contentType?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const url = new URL(t.sandbox.url);
  const data =
    init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: init.method ?? 'GET',
        ca: t.sandbox.caPem,
        headers: {
          Authorization: `Bearer ${init.token ?? t.sandbox.adminToken}`,
          Accept: init.accept ?? 'application/json',
          ...(data
            ? { 'Content-Type': init.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(data) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}
