/** The run-state mirror in a sandbox ConfigMap: naming, coalesced writes (counted by the sandbox), read-back, errors reported not thrown. */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClusterClient, getConfigMap, putConfigMap } from '../../../src/cluster/index.js';
import { StateMirror, StateMirrorError, mirrorNameFor, readMirror } from '../../../src/upgrade/run/state-mirror.js';
import { StateFileError } from '../../../src/upgrade/run/state-store.js';
import { sampleState } from '../../unit/upgrade/sample-state.js';
import { raw, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

let t: TestSandbox;
let client: KubeClusterClient;

beforeAll(async () => {
  t = await startTestSandbox();
  client = new KubeClusterClient(t.kc, t.sandbox.url);
});
afterAll(async () => {
  client?.close();
  await t?.stop();
});

/** ConfigMap writes (create + update) the sandbox has counted since the last reset. */
async function configMapWrites(): Promise<number> {
  const { requests } = JSON.parse((await raw(t, '/sandbox/v1/stats')).text) as {
    requests: { verb: string; resource: string; count: number }[];
  };
  return requests
    .filter((r) => r.resource === 'configmaps' && (r.verb === 'create' || r.verb === 'update'))
    .reduce((a, r) => a + r.count, 0);
}
const resetStats = () => raw(t, '/sandbox/v1/stats', { method: 'DELETE' });

/** A plan's record key whose hash is derived from its name (each test plan gets its own record). */
const key = (name: string) => ({ name, contentHash: `sha256:${createHash('sha256').update(name).digest('hex')}` });
const HASH = `sha256:0123456789${'a'.repeat(54)}`;

describe('mirrorNameFor', () => {
  it.each([
    ['sandbox-v1.31.4-to-v1.32.0', 'k8s-upgrade-run-sandbox-0123456789'],
    ['prod-eu-v1.31.4-to-v1.33.1', 'k8s-upgrade-run-prod-eu-0123456789'],
    ['Prod_EU/West', 'k8s-upgrade-run-prod-eu-west-0123456789'],
    ['---', 'k8s-upgrade-run-plan-0123456789'],
  ])('%s → %s', (plan, name) => expect(mirrorNameFor({ name: plan, contentHash: HASH })).toBe(name));

  it('names two plans of one cluster and one version pair apart by their content hash', () => {
    const a = mirrorNameFor({ name: 'prod-v1.31.4-to-v1.32.0', contentHash: HASH });
    const b = mirrorNameFor({ name: 'prod-v1.31.4-to-v1.32.0', contentHash: `sha256:${'f'.repeat(64)}` });
    expect(a).not.toBe(b);
  });

  it('stays a DNS label (63 characters at most) for a very long plan name', () => {
    const name = mirrorNameFor({ name: 'x'.repeat(400), contentHash: HASH });
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.endsWith('-0123456789')).toBe(true);
  });
});

describe('StateMirror', () => {
  it('coalesces a burst of 100 updates into a handful of writes, and the newest state wins', async () => {
    const errors: Error[] = [];
    const mirror = new StateMirror(client, { plan: key('burst-plan'), onError: (e) => errors.push(e) });
    await resetStats();
    for (let i = 1; i <= 100; i++)
      mirror.update(sampleState({ runId: `r-${i}`, updatedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString() }));
    await mirror.flush();
    expect(errors).toEqual([]);
    const writes = await configMapWrites();
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(5);
    expect((await readMirror(client, key('burst-plan')))?.runId).toBe('r-100');
    const cm = await getConfigMap(client, 'kube-system', mirrorNameFor(key('burst-plan')));
    expect(cm?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'k8s-upgrade',
      'k8s-upgrade/record': 'run',
      'k8s-upgrade/run-id': 'r-100',
    });
    expect(Object.keys(cm?.data ?? {})).toEqual(['state.json']);
  });

  it('writes updates made after a flush too (one write in flight at a time, none lost)', async () => {
    const mirror = new StateMirror(client, { plan: key('sequence-plan') });
    for (const status of ['running', 'paused', 'done'] as const) {
      mirror.update(sampleState({ status }));
      await mirror.flush();
      expect((await readMirror(client, key('sequence-plan')))?.status).toBe(status);
    }
    // Updates while a write is in flight: the last one is written after it.
    mirror.update(sampleState({ runId: 'a' }));
    await new Promise((r) => setTimeout(r, 0));
    mirror.update(sampleState({ runId: 'b' }));
    await mirror.flush();
    expect((await readMirror(client, key('sequence-plan')))?.runId).toBe('b');
  });

  it('flush waits for what was queued before it, not for updates that keep coming while it waits', async () => {
    const mirror = new StateMirror(client, { plan: key('busy-plan'), minIntervalMs: 0 });
    let i = 0;
    let stop = false;
    const spin = (async () => {
      while (!stop) {
        mirror.update(sampleState({ runId: `b-${++i}` }));
        await new Promise((r) => setImmediate(r));
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    const before = i;
    await mirror.flush(); // a busy run's commit: resolves although the updates do not stop
    const recorded = Number((await readMirror(client, key('busy-plan')))!.runId.slice(2));
    stop = true;
    await spin;
    await mirror.flush();
    expect(recorded).toBeGreaterThanOrEqual(before);
  }, 10_000);

  it('reports a failed write through onError and never throws', async () => {
    const errors: Error[] = [];
    const mirror = new StateMirror(client, {
      plan: key('p'),
      namespace: 'no-such-namespace',
      onError: (e) => errors.push(e),
    });
    mirror.update(sampleState());
    await expect(mirror.flush()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StateMirrorError);
    expect(errors[0].message).toContain('ConfigMap no-such-namespace/k8s-upgrade-run-p');
    expect(errors[0].message).toContain('local state file stays the authority');
    expect(errors[0].cause).toBeDefined();
  });

  it('keeps a large state (a 500-node run is over 1 MB of JSON) gzipped under binaryData, and reads it back', async () => {
    const errors: Error[] = [];
    const mirror = new StateMirror(client, { plan: key('big-plan'), onError: (e) => errors.push(e) });
    const base = sampleState();
    const phase = base.phases[0]!;
    const nodes = Array.from({ length: 500 }, (_, i) => ({
      ...phase.nodes[0]!,
      node: `blue-${i}`,
      touched: Array.from({ length: 20 }, (_, k) => ({
        kind: 'ReplicaSet',
        name: `app-${i}-${k}-7c9d5b4f8`,
        uid: `0b6f2a44-1c2d-4e5f-8a9b-${String(i * 100 + k).padStart(12, '0')}`,
        apiVersion: 'apps/v1',
      })),
    }));
    const big = sampleState({ phases: [{ ...phase, nodes }] });
    expect(JSON.stringify(big).length).toBeGreaterThan(1_000_000);
    mirror.update(big);
    await mirror.flush();
    expect(errors).toEqual([]);
    const cm = await getConfigMap(client, 'kube-system', mirrorNameFor(key('big-plan')));
    expect(Object.keys(cm?.data ?? {})).toEqual([]);
    expect(Object.keys(cm?.binaryData ?? {})).toEqual(['state.json.gz']);
    expect(await readMirror(client, key('big-plan'))).toEqual(big);
  });

  it('does not send a state larger than a ConfigMap can hold, even gzipped', async () => {
    const errors: Error[] = [];
    const mirror = new StateMirror(client, { plan: key('huge-plan'), onError: (e) => errors.push(e) });
    await resetStats();
    mirror.update(sampleState({ runId: randomBytes(900_000).toString('base64') }));
    await mirror.flush();
    expect(errors[0]?.message).toMatch(/too large/);
    expect(await configMapWrites()).toBe(0);
  });
});

describe('readMirror', () => {
  it('is undefined when there is no mirror', async () => {
    expect(await readMirror(client, key('never-mirrored'))).toBeUndefined();
  });

  it('rejects a mirror that does not hold a run state', async () => {
    await putConfigMap(client, {
      namespace: 'kube-system',
      name: mirrorNameFor(key('garbled')),
      data: { 'state.json': '{"apiVersion":"v1"}' },
    });
    await expect(readMirror(client, key('garbled'))).rejects.toBeInstanceOf(StateFileError);
    await expect(readMirror(client, key('garbled'))).rejects.toThrow(/ConfigMap kube-system\/k8s-upgrade-run-garbled/);
  });
});
