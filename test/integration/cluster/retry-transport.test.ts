/**
 * The retry policy wired into the client's transports, against a plain HTTP server that misbehaves on cue:
 * typed reads and raw list pages ride through 503s and a dropped connection; a request that is never
 * answered ends in a clear TransientApiError after the per-attempt timeout; an eviction POST is sent once;
 * a 503 that outlasts the budget names the request and keeps its cause.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterApiError, KubeClusterClient, RetryPolicy, TransientApiError } from '../../../src/cluster/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let url: string;
let handler: Handler;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen.length = 0;
});

function client(timeoutMs = 2_000): KubeClusterClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new KubeClusterClient(kc, url, new RetryPolicy({ baseDelayMs: 5, maxDelayMs: 20, timeoutMs }));
}

const status = (res: ServerResponse, code: number, message: string, headers: Record<string, string> = {}) =>
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers }).end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code,
      message,
      reason: 'ServiceUnavailable',
    }),
  );

/** Fails the first `n` requests with `fail`, then answers with `ok`. */
function failing(n: number, fail: Handler, ok: Handler): Handler {
  let i = 0;
  return (req, res) => (i++ < n ? fail(req, res) : ok(req, res));
}

const namespace = (_: IncomingMessage, res: ServerResponse) =>
  res
    .writeHead(200, { 'Content-Type': 'application/json' })
    .end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', uid: 'u-1' } }));
const emptyList = (_: IncomingMessage, res: ServerResponse) =>
  res
    .writeHead(200, { 'Content-Type': 'application/json' })
    .end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: '7' }, items: [] }));

describe('requests through the retry policy', () => {
  it('a typed read rides through 503s, a 429 with Retry-After and a dropped connection', async () => {
    const c = client();
    let i = 0;
    handler = (req, res) => {
      const n = i++;
      if (n === 0) return status(res, 503, 'restarting');
      if (n === 1) return status(res, 429, 'slow down', { 'Retry-After': '0' });
      if (n === 2) return req.socket.destroy();
      namespace(req, res);
    };
    expect((await c.identity()).kubeSystemUid).toBe('u-1');
    expect(seen).toHaveLength(4);
    expect(c.retries.retried).toBe(3);
    c.close();
  });

  it('raw list pages are retried too', async () => {
    const c = client();
    handler = failing(2, (_, res) => status(res, 500, 'etcd leader changed'), emptyList);
    expect(await c.listNodes()).toEqual([]);
    expect(seen).toHaveLength(3);
    c.close();
  });

  it('a 503 that outlasts the budget is a TransientApiError naming the request', async () => {
    const c = client();
    handler = (_, res) => status(res, 503, 'the server is currently unable to handle the request');
    const err = await c.listWorkloads().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientApiError);
    expect(err).toBeInstanceOf(ClusterApiError);
    const t = err as TransientApiError;
    expect(t.status).toBe(503);
    expect(t.request).toMatch(/^list (deployments|replicasets|statefulsets|daemonsets)$/);
    expect(t.message).toMatch(/still failing after 6 attempts/);
    c.close();
  });

  it('a server that accepts and never answers gives a clear timeout error, not a hang', async () => {
    const c = client(200);
    handler = () => undefined; // never answers
    const err = await c.identity().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientApiError);
    expect((err as Error).message).toMatch(
      /read namespace kube-system: cannot reach the API server .*did not answer within/,
    );
    expect((err as Error).cause).toBeInstanceOf(Error);
    // two timed-out attempts, then the error
    expect(seen.filter((s) => s === 'GET /api/v1/namespaces/kube-system')).toHaveLength(2);
    const raw = await c.listNodes().catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(TransientApiError);
    expect((raw as Error).message).toMatch(/did not answer within 200ms/);
    c.close();
  });

  it('an eviction (a POST) answered 503 is sent once and reported as transient', async () => {
    const c = client();
    handler = (_, res) => status(res, 503, 'unavailable');
    const err = await c.evictPod('a', 'p').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientApiError);
    expect(seen.filter((s) => s.startsWith('POST'))).toHaveLength(1);
    c.close();
  });

  it('a cordon (strategic merge PATCH) answered 503 is retried', async () => {
    const c = client();
    handler = failing(
      2,
      (_, res) => status(res, 503, 'unavailable'),
      (_, res) =>
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(
            JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { unschedulable: true } }),
          ),
    );
    expect((await c.setUnschedulable('n1', true)).unschedulable).toBe(true);
    expect(seen).toEqual(['PATCH /api/v1/nodes/n1', 'PATCH /api/v1/nodes/n1', 'PATCH /api/v1/nodes/n1']);
    c.close();
  });

  it('a 404 is not retried and is not transient', async () => {
    const c = client();
    handler = (_, res) => status(res, 404, 'not found');
    const err = await c.identity().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterApiError);
    expect(err).not.toBeInstanceOf(TransientApiError);
    expect(seen).toHaveLength(1);
    c.close();
  });
});
