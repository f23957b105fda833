/**
 * Health gates against a sandbox over real HTTP: failing while a node is NotReady, a drained Deployment is
 * below its replicas or a budget over its pods is unhealthy, and passing once the cluster recovers — all
 * through the watch caches, with no API request while waiting. The HTTP gate against a local server (2xx,
 * 500, timeout, credentials kept out of the detail), and a soak that restarts when a gate flips.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppsV1Api, CoreV1Api, PatchStrategy, PolicyV1Api, setHeaderOptions } from '@kubernetes/client-node';
import { KubeClusterClient, startClusterCache, type ClusterCache, type OwnerRef } from '../../../src/cluster/index.js';
import { checkHttpGate, evaluateHealth, waitForHealth } from '../../../src/checks/index.js';
import { raw, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const noCommand = async () => ({ ok: true, output: '' });

/** A local HTTP server whose answer the test sets: a status code, or `hang` (never answers). */
async function gateServer(): Promise<{
  url: string;
  set(s: number | 'hang'): void;
  lastAuth(): string | undefined;
  close(): Promise<void>;
}> {
  let answer: number | 'hang' = 200;
  let auth: string | undefined;
  const server: Server = createServer((req, res) => {
    auth = req.headers.authorization;
    if (answer === 'hang') return;
    res.writeHead(answer, { 'Content-Type': 'text/plain' }).end(answer < 300 ? 'ok' : 'broken');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/healthz`,
    set: (s) => (answer = s),
    lastAuth: () => auth,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('checkHttpGate', () => {
  let srv: Awaited<ReturnType<typeof gateServer>>;
  beforeAll(async () => {
    srv = await gateServer();
  });
  afterAll(async () => {
    await srv.close();
  });

  it('is ok on 2xx, fails on 500 and on a timeout, and never shows credentials', async () => {
    srv.set(204);
    expect(await checkHttpGate(srv.url, 2_000)).toEqual({ ok: true, detail: `${srv.url}: HTTP 204` });
    srv.set(500);
    expect(await checkHttpGate(srv.url, 2_000)).toEqual({ ok: false, detail: `${srv.url}: HTTP 500` });
    srv.set(302);
    expect((await checkHttpGate(srv.url, 2_000)).detail).toMatch(/HTTP 302 \(redirects are not followed/);
    srv.set('hang');
    expect(await checkHttpGate(srv.url, 300)).toEqual({ ok: false, detail: `${srv.url}: no answer within 0.3s` });

    srv.set(200);
    const withCreds = srv.url.replace('http://', 'http://gate-user:s3cr%3Et@') + '?token=hunter2';
    const r = await checkHttpGate(withCreds, 2_000);
    expect(r).toEqual({ ok: true, detail: `${srv.url}: HTTP 200` });
    expect(srv.lastAuth()).toBe(`Basic ${Buffer.from('gate-user:s3cr>t').toString('base64')}`);
    srv.set(500);
    const failed = await checkHttpGate(withCreds, 2_000);
    expect(failed.detail).not.toMatch(/s3cr|hunter2|gate-user/);
    expect((await checkHttpGate('http://127.0.0.1:1/x', 2_000)).ok).toBe(false);
    expect(await checkHttpGate('not a url', 2_000)).toEqual({
      ok: false,
      detail: expect.stringMatching(/not a valid URL/),
    });
  });
});

describe('health gates on a sandbox', () => {
  let t: TestSandbox;
  let cache: ClusterCache;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let policy: PolicyV1Api;
  let srv: Awaited<ReturnType<typeof gateServer>> | undefined;

  beforeAll(async () => {
    t = await startTestSandbox({ workload: { kind: 'none' }, controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
    core = t.kc.makeApiClient(CoreV1Api);
    apps = t.kc.makeApiClient(AppsV1Api);
    policy = t.kc.makeApiClient(PolicyV1Api);
    cache = await startClusterCache(new KubeClusterClient(t.kc, t.sandbox.url));
  });
  afterAll(async () => {
    cache?.stop();
    await t?.stop();
  });
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
    t.sandbox.cluster.faults.clear();
  });

  const healthyNow = (input: { inFlight?: Set<string>; touched?: OwnerRef[] } = {}) =>
    cache.waitFor(
      () => evaluateHealth(cache, { inFlight: input.inFlight ?? new Set(), touched: input.touched ?? [] }).healthy,
      { timeoutMs: 20_000, what: 'a healthy cluster' },
    );

  it('fails while a node is NotReady (unless it is in flight) and passes once it is back, with no API request while waiting', async () => {
    await healthyNow();
    t.sandbox.cluster.faults.add({ type: 'node-never-ready', node: 'blue-1' });
    t.sandbox.controllers.restartKubelet('blue-1', 'v1.31.4');
    await cache.waitForNode('blue-1', (n) => !n.ready, { timeoutMs: 10_000 });
    expect(evaluateHealth(cache, { inFlight: new Set(), touched: [] }).failing).toEqual(['node blue-1 NotReady']);
    expect(evaluateHealth(cache, { inFlight: new Set(['blue-1']), touched: [] }).healthy).toBe(true);

    await raw(t, '/sandbox/v1/stats', { method: 'DELETE' });
    const waiting: string[][] = [];
    const result = waitForHealth(cache, {
      inFlight: new Set(),
      touched: [],
      timeoutMs: 20_000,
      soakMs: 200,
      http: [],
      commands: [],
      runCommand: noCommand,
      onWaiting: (f) => waiting.push(f),
    });
    await new Promise((r) => setTimeout(r, 300));
    t.sandbox.cluster.faults.clear();
    await expect(result).resolves.toEqual({ healthy: true, failing: [] });
    expect(waiting[0]).toEqual(['node blue-1 NotReady']);
    const requests = JSON.parse((await raw(t, '/sandbox/v1/stats')).text).requests as { verb: string; count: number }[];
    expect(requests.filter((r) => r.verb === 'list' || r.verb === 'get')).toEqual([]);
  });

  it('fails while a drained Deployment is below its replicas and its budget unhealthy, passes once they recover', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } },
        },
      },
    });
    await policy.createNamespacedPodDisruptionBudget({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec: { minAvailable: 3, selector: { matchLabels: { app: 'web' } } } },
    });
    const rs = await cache.waitFor(
      () => cache.workloads.ReplicaSet.all().find((w) => w.owner?.name === 'web' && w.availableReplicas === 2),
      { timeoutMs: 20_000, what: 'web available' },
    );
    const touched = [{ kind: 'ReplicaSet', name: rs.name, uid: rs.uid, apiVersion: 'apps/v1' }];
    // Nowhere to schedule the third replica: every worker cordoned.
    for (const n of ['blue-1', 'blue-2'])
      await core.patchNode({ name: n, body: { spec: { unschedulable: true } } }, merge);
    await apps.patchNamespacedDeployment({ namespace: 'default', name: 'web', body: { spec: { replicas: 3 } } }, merge);
    const failing = await cache.waitFor(
      () => {
        const r = evaluateHealth(cache, { inFlight: new Set(), touched });
        return r.failing.includes('deployment default/web: 2/3 available') &&
          r.failing.some((f) => f.startsWith('pdb '))
          ? r.failing
          : undefined;
      },
      { timeoutMs: 20_000, what: 'web and its budget failing' },
    );
    expect(failing).toEqual(['deployment default/web: 2/3 available', 'pdb default/web: 2/3 healthy']);

    const waiting: string[][] = [];
    const result = waitForHealth(cache, {
      inFlight: new Set(),
      touched,
      timeoutMs: 20_000,
      soakMs: 200,
      http: [],
      commands: [],
      runCommand: noCommand,
      onWaiting: (f) => waiting.push(f),
    });
    for (const n of ['blue-1', 'blue-2'])
      await core.patchNode({ name: n, body: { spec: { unschedulable: null } } }, merge);
    await expect(result).resolves.toEqual({ healthy: true, failing: [] });
    expect(waiting[0]).toEqual(['deployment default/web: 2/3 available', 'pdb default/web: 2/3 healthy']);
  });

  it('runs the HTTP gate while the cluster is healthy and restarts the soak when it flips; returns the failing gate at the timeout', async () => {
    srv = await gateServer();
    const waiting: string[][] = [];
    let passed = false;
    const result = waitForHealth(cache, {
      inFlight: new Set(),
      touched: [],
      timeoutMs: 20_000,
      soakMs: 1_500,
      gateIntervalMs: 50,
      http: [{ url: srv.url, timeoutSeconds: 1 }],
      commands: [],
      runCommand: noCommand,
      onWaiting: (f) => waiting.push(f),
    }).then((r) => ((passed = true), r));
    await new Promise((r) => setTimeout(r, 300));
    srv.set(500);
    await new Promise((r) => setTimeout(r, 300));
    srv.set(200);
    expect(passed).toBe(false);
    await expect(result).resolves.toEqual({ healthy: true, failing: [] });
    expect(waiting).toEqual([[`http gate ${srv.url}: HTTP 500`]]);

    srv.set(503);
    const commandRuns: string[][] = [];
    const timedOut = await waitForHealth(cache, {
      inFlight: new Set(),
      touched: [],
      timeoutMs: 500,
      soakMs: 100,
      gateIntervalMs: 50,
      http: [{ url: srv.url }],
      commands: [{ argv: ['check-app', '--strict'] }],
      runCommand: async (argv) => {
        commandRuns.push([...argv]);
        return { ok: false, output: 'app says no' };
      },
    });
    expect(timedOut).toEqual({
      healthy: false,
      failing: [`http gate ${srv.url}: HTTP 503`, 'command "check-app --strict" failed: app says no'],
    });
    expect(commandRuns[0]).toEqual(['check-app', '--strict']);
  });
});
