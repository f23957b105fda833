/**
 * drainNode under the sandbox's faults: slow evictions, watches dropped while pods terminate (resumed from
 * the last resourceVersion), a history too short to resume from (410 → one re-list), pods that do not
 * terminate in time (TIMEOUT), an abort (ABORTED) and a pause (PAUSED: between evictions).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cordonNode,
  DrainError,
  drainNode,
  uncordonNode,
  type DrainEvent,
  type DrainOptions,
} from '../../../src/drain/index.js';
import {
  deploymentOn,
  drain,
  fault,
  namespace,
  pdb,
  podsOn,
  OPTS,
  resetStats,
  settled,
  startDrainEnv,
  stats,
  waitFor,
  type Env,
} from './helpers.js';

async function appOn(env: Env, name: string, node: string, replicas = 2): Promise<void> {
  await deploymentOn(env, 'apps', name, replicas, node);
  await settled(env);
}

/** Waits until the sandbox has counted `watches` pod watches (a stream is counted when it ends). */
async function countedStats(env: Env, watches: number): Promise<Map<string, number>> {
  return waitFor(async () => {
    const s = await stats(env);
    return (s.get('watch pods') ?? 0) >= watches ? s : undefined;
  }, `${watches} pod watch(es) counted`);
}

/** Drains `node`; `onFirstEviction` runs (once) when the first pod has been evicted. */
async function drainWith(env: Env, node: string, opts: Partial<DrainOptions>, onFirstEviction: () => void) {
  await cordonNode(env.client, node);
  const events: DrainEvent[] = [];
  let fired = false;
  try {
    const result = await drainNode(env.client, node, { ...OPTS, ...opts }, (e) => {
      events.push(e);
      if (e.type === 'pod-evicted' && !fired) {
        fired = true;
        onFirstEviction();
      }
    });
    return { result, events, error: undefined };
  } catch (error) {
    return { result: undefined, events, error };
  }
}

describe('drain under faults', () => {
  let env: Env;
  const nodes = ['blue-1', 'blue-2', 'blue-3'];
  beforeAll(async () => {
    // Pods take 1 s (real) to terminate, so a watch dropped after the first eviction drops while the drain waits.
    env = await startDrainEnv({ timings: { podTerminationMs: 20_000 } });
    await namespace(env, 'apps');
  });
  afterEach(async () => {
    env.t.sandbox.cluster.faults.clear();
    for (const n of nodes) await uncordonNode(env.client, n);
  });
  afterAll(() => env?.t.stop());

  it('completes with slow evictions', async () => {
    await appOn(env, 'slow', 'blue-1');
    await fault(env, { type: 'slow-eviction', delayMs: 4_000 });
    const { result, error } = await drain(env, 'blue-1');
    expect(error).toBeUndefined();
    expect(result!.evicted.filter((p) => p.startsWith('apps/slow-'))).toHaveLength(2);
  });

  it('resumes the watch from its resourceVersion when the watch is dropped', async () => {
    await appOn(env, 'dropped', 'blue-2');
    await resetStats(env);
    // The drain opens its watch alongside the evictions: drop it once it is surely open (the pods take 20 s).
    const { result, error, events } = await drainWith(env, 'blue-2', {}, () =>
      setTimeout(() => env.t.sandbox.cluster.faults.add({ type: 'drop-watches' }), 500),
    );
    expect(error).toBeUndefined();
    const evicted = result!.evicted.filter((p) => p.startsWith('apps/dropped-'));
    expect(evicted).toHaveLength(2);
    expect(events.filter((e) => e.type === 'pod-gone').map((e) => (e as { pod: string }).pod)).toEqual(
      expect.arrayContaining(evicted),
    );
    const s = await countedStats(env, 2);
    expect(s.get('watch pods')).toBe(2);
    expect(s.get('list pods')).toBe(1);
  });

  it('TIMEOUT names the pods still terminating; ABORTED stops at once', async () => {
    await appOn(env, 'stuck', 'blue-3');
    // Termination (1 s) outlasts the timeout: the evictions are accepted but the pods are not gone in time.
    const t = await drain(env, 'blue-3', { timeoutMs: 300 });
    const e = t.error as DrainError;
    expect(e).toBeInstanceOf(DrainError);
    expect(e.code).toBe('TIMEOUT');
    expect(e.pods.map((p) => p.pod)).toEqual(expect.arrayContaining([expect.stringMatching(/^apps\/stuck-/)]));
    expect(e.message).toContain('still terminating');

    await uncordonNode(env.client, 'blue-3');
    await settled(env);
    const ac = new AbortController();
    const a = await drainWith(env, 'blue-3', { signal: ac.signal }, () => ac.abort());
    expect((a.error as DrainError).code).toBe('ABORTED');
  });

  it('PAUSED stops between evictions: no eviction request after the pause, the node stays cordoned', async () => {
    // Three pods under a budget of one disruption: after the first eviction the others wait on the PDB.
    await deploymentOn(env, 'apps', 'pausing', 3, 'blue-1');
    await pdb(env, 'apps', 'pausing', 'pausing', { maxUnavailable: 1 });
    await settled(env);
    const pause = new AbortController();
    const p = await drainWith(env, 'blue-1', { pause: pause.signal, retryDelayMs: 200 }, () => pause.abort());
    const e = p.error as DrainError;
    expect(e).toBeInstanceOf(DrainError);
    expect(e.code).toBe('PAUSED');
    expect(e.message).toMatch(/paused between evictions \(1 pod removed so far\); the node stays cordoned/);
    expect(e.partial.evicted.filter((x) => x.startsWith('apps/pausing-'))).toHaveLength(1);
    // The two others are still on the node, not evicted (the evicted one is terminating); still cordoned.
    const left = (await podsOn(env, 'blue-1')).filter(
      (x) => x.name.startsWith('pausing-') && !e.partial.evicted.includes(`apps/${x.name}`),
    );
    expect(left).toHaveLength(2);
    expect((await env.core.readNode({ name: 'blue-1' })).spec?.unschedulable).toBe(true);
  });
});

describe('drain after the watch history is lost', () => {
  let env: Env;
  beforeAll(async () => {
    // A history of one change: resuming a dropped watch gets 410 Expired, so the drain re-lists once.
    env = await startDrainEnv({ timings: { podTerminationMs: 20_000 }, historySize: 1 });
    await namespace(env, 'apps');
    await appOn(env, 'expired', 'blue-1');
  });
  afterAll(() => env?.t.stop());

  it('re-lists the node’s pods on 410 and still sees every pod gone', async () => {
    await resetStats(env);
    const { result, error } = await drainWith(env, 'blue-1', {}, () =>
      env.t.sandbox.cluster.faults.add({ type: 'drop-watches' }),
    );
    expect(error).toBeUndefined();
    expect(result!.evicted.filter((p) => p.startsWith('apps/expired-'))).toHaveLength(2);
    const s = await stats(env);
    expect(s.get('list pods')).toBeGreaterThanOrEqual(2);
  });
});
