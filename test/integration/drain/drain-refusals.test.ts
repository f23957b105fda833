/**
 * What stops a drain, against the sandbox: unmanaged and emptyDir pods are refused before anything is
 * evicted (and removed with the options), a budget at its minimum blocks until the timeout and the pod is
 * never deleted (unless disableEvictionAfterMs), and a pod under two budgets fails naming both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrainError } from '../../../src/drain/index.js';
import { barePodOn, deploymentOn, drain, namespace, pdb, podsOn, settled, startDrainEnv, type Env } from './helpers.js';

const webPods = async (env: Env, node: string, ns: string) =>
  (await podsOn(env, node)).filter((p) => p.namespace === ns);

describe('drain refusals', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startDrainEnv();
    for (const ns of ['unsafe', 'strict', 'double']) await namespace(env, ns);
    await barePodOn(env, 'unsafe', 'lonely', 'blue-1');
    await deploymentOn(env, 'unsafe', 'scratch', 1, 'blue-1', true);
    await deploymentOn(env, 'unsafe', 'plain', 1, 'blue-1');
    await deploymentOn(env, 'strict', 'strict', 2, 'blue-2');
    await pdb(env, 'strict', 'strict-pdb', 'strict', { minAvailable: 2 });
    await deploymentOn(env, 'double', 'double', 1, 'blue-3');
    await pdb(env, 'double', 'double-a', 'double', { maxUnavailable: 1 });
    await pdb(env, 'double', 'double-b', 'double', { minAvailable: 0 });
    await settled(env);
  });
  afterAll(() => env?.t.stop());

  it('refuses unmanaged and emptyDir pods before evicting anything, naming each and its option', async () => {
    const { error, events } = await drain(env, 'blue-1');
    expect(error).toBeInstanceOf(DrainError);
    const e = error as DrainError;
    expect(e.code).toBe('UNSAFE_PODS');
    expect(e.pods.map((p) => p.pod)).toEqual(['unsafe/lonely', expect.stringMatching(/^unsafe\/scratch-/)]);
    expect(e.message).toContain('forceUnmanaged');
    expect(e.message).toContain('deleteEmptyDirData');
    expect(e.partial.evictionRequests).toBe(0);
    expect(events.filter((x) => x.type === 'pod-evicted')).toEqual([]);
    expect((await webPods(env, 'blue-1', 'unsafe')).length).toBe(3);
  });

  it('with the options, deletes the unmanaged pod and evicts the emptyDir one', async () => {
    const { result, error } = await drain(env, 'blue-1', { forceUnmanaged: true, deleteEmptyDirData: true });
    expect(error).toBeUndefined();
    expect(result!.deleted).toEqual(['unsafe/lonely']);
    expect(result!.evicted).toEqual(
      expect.arrayContaining([expect.stringMatching(/^unsafe\/scratch-/), expect.stringMatching(/^unsafe\/plain-/)]),
    );
    expect(await webPods(env, 'blue-1', 'unsafe')).toEqual([]);
    expect(await env.client.getPod('unsafe', 'lonely')).toBeUndefined();
  });

  it('reports a budget at its minimum, fails with PDB_BLOCKED at the timeout and never deletes the pod', async () => {
    const { error, events } = await drain(env, 'blue-2', { timeoutMs: 1_500 });
    const e = error as DrainError;
    expect(e.code).toBe('PDB_BLOCKED');
    expect(e.pods.length).toBe(2);
    for (const p of e.pods) {
      expect(p.pod).toMatch(/^strict\/strict-/);
      expect(p.pdb).toBe('strict-pdb');
      expect(p.message).toContain('The disruption budget strict-pdb needs 2 healthy pods');
    }
    expect(e.message).toContain('strict-pdb');
    // Only strict's refusals: another budget (the addons' coredns, still catching up on a loaded machine) may
    // refuse an eviction on this node too before it allows it.
    const blocked = events.filter((x) => x.type === 'eviction-blocked' && x.pdb === 'strict-pdb');
    expect(blocked.length).toBeGreaterThan(2);
    expect(blocked[0]).toMatchObject({
      pdb: 'strict-pdb',
      pod: expect.stringMatching(/^strict\//),
      message: expect.stringContaining('needs 2 healthy pods'),
    });
    expect(e.partial.evictionRequests).toBeGreaterThan(2);
    expect(e.partial.blockedMs).toBeGreaterThan(0);
    expect(e.partial.evicted.filter((p) => p.startsWith('strict/'))).toEqual([]);
    expect(e.partial.deleted).toEqual([]);
    expect((await webPods(env, 'blue-2', 'strict')).map((p) => p.name).sort()).toEqual(
      e.pods.map((p) => p.pod.split('/')[1]).sort(),
    );
  });

  it('with disableEvictionAfterMs, deletes the refused pods once that time has passed', async () => {
    const before = await webPods(env, 'blue-2', 'strict');
    const { result, error, events } = await drain(env, 'blue-2', { timeoutMs: 10_000, disableEvictionAfterMs: 300 });
    expect(error).toBeUndefined();
    expect(events.some((x) => x.type === 'eviction-blocked')).toBe(true);
    expect(result!.deleted.sort()).toEqual(before.map((p) => `strict/${p.name}`).sort());
    expect(
      events.filter((x) => x.type === 'pod-evicted').every((x) => x.type === 'pod-evicted' && x.how === 'deleted'),
    ).toBe(true);
    expect(await webPods(env, 'blue-2', 'strict')).toEqual([]);
  });

  it('fails with MULTIPLE_PDBS naming the pod and both budgets', async () => {
    const { error } = await drain(env, 'blue-3', { timeoutMs: 5_000 });
    const e = error as DrainError;
    expect(e.code).toBe('MULTIPLE_PDBS');
    expect(e.pods).toEqual([
      {
        pod: expect.stringMatching(/^double\/double-/),
        pdb: 'double-a, double-b',
        message: expect.stringContaining('double-a, double-b'),
      },
    ]);
    expect(e.message).toMatch(/double\/double-\S+ \(PodDisruptionBudgets double-a, double-b\)/);
    expect((await webPods(env, 'blue-3', 'double')).length).toBe(1);
  });
});
