/**
 * The watch transport (raw-watch.ts) against a sandbox over real HTTPS: events in order, `onDone` exactly once
 * (server end, the caller's abort, an HTTP error with its status), the 410 ERROR event as an event, and many
 * streams of one client sharing one TLS session cache (a new stream resumes the session).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { KubeClusterClient } from '../../../src/cluster/index.js';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('raw watch', () => {
  let t: TestSandbox;
  let client: KubeClusterClient;
  let core: CoreV1Api;

  beforeAll(async () => {
    t = await startTestSandbox({ workload: { kind: 'none' }, controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
    client = new KubeClusterClient(t.kc, t.sandbox.url);
    core = t.kc.makeApiClient(CoreV1Api);
  });
  afterAll(async () => {
    client?.close();
    await t?.stop();
  });

  it('delivers the initial ADDED events and later changes, and reports the abort once', async () => {
    const events: string[] = [];
    const done: unknown[] = [];
    const ac = await client.watch<{ metadata: { name: string } }>(
      '/api/v1/nodes',
      { allowWatchBookmarks: true },
      (type, o) => events.push(`${type} ${o.metadata.name}`),
      (err) => done.push(err),
    );
    await waitFor(() => events.length >= 3, '3 ADDED');
    expect(events.slice(0, 3).sort()).toEqual(['ADDED blue-1', 'ADDED blue-2', 'ADDED cp-1']);
    await core.patchNode({ name: 'blue-2', body: { metadata: { labels: { seen: 'yes' } } } }, merge);
    await waitFor(() => events.includes('MODIFIED blue-2'), 'MODIFIED blue-2');
    ac.abort();
    await waitFor(() => done.length > 0, 'done after abort');
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toHaveLength(1);
  });

  it('ends with null when the server closes the stream (timeoutSeconds)', async () => {
    const done: unknown[] = [];
    await client.watch(
      '/api/v1/nodes',
      { timeoutSeconds: 1, resourceVersion: '999999999' },
      () => {},
      (err) => done.push(err),
    );
    await waitFor(() => done.length > 0, 'server end', 5000);
    expect(done).toEqual([null]);
  });

  it('passes an ERROR event (410 Expired) through as an event', async () => {
    const events: { type: string; code?: number }[] = [];
    const done: unknown[] = [];
    // The sandbox answers a resourceVersion it cannot resume from (here: not a number) as an expired one.
    await client.watch<{ code?: number }>(
      '/api/v1/nodes',
      { resourceVersion: 'not-a-version' },
      (type, o) => events.push({ type, code: o.code }),
      (err) => done.push(err),
    );
    await waitFor(() => done.length > 0, 'end after ERROR');
    expect(events).toEqual([{ type: 'ERROR', code: 410 }]);
  });

  it('reports an HTTP error status as an error with statusCode', async () => {
    const done: (Error & { statusCode?: number })[] = [];
    await client.watch(
      '/api/v1/nosuchthings',
      {},
      () => {},
      (err) => done.push(err!),
    );
    await waitFor(() => done.length > 0, 'error');
    expect(done[0]!.statusCode).toBe(404);
  });

  it('resumes the TLS session for later streams of the same client', async () => {
    const reused: boolean[] = [];
    const agent = await (client as unknown as { streams(): Promise<import('node:https').Agent> }).streams();
    const orig = agent.createConnection.bind(agent);
    agent.createConnection = ((...a: Parameters<typeof orig>) => {
      const s = orig(...a) as unknown as import('node:tls').TLSSocket;
      s.once('secureConnect', () => reused.push(s.isSessionReused()));
      return s;
    }) as typeof agent.createConnection;
    try {
      for (let i = 0; i < 3; i++) {
        const events: string[] = [];
        const ac = await client.watch(
          '/api/v1/nodes',
          {},
          (type) => events.push(type),
          () => {},
        );
        await waitFor(() => events.length >= 3, 'ADDED events');
        ac.abort();
      }
    } finally {
      agent.createConnection = orig;
    }
    expect(reused).toHaveLength(3);
    expect(reused.slice(1)).toEqual([true, true]); // the first may resume a session of an earlier test
  });
});
