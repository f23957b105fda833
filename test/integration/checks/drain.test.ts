/**
 * Drain feasibility against the sandbox: a healthy cluster with replicated, budgeted apps has no blocker,
 * and each drain check fires on a scenario built through client-node — a budget that never allows an
 * eviction, two budgets over one app, a bare pod, an emptyDir pod, a single replica without a budget, pods
 * too big to fit elsewhere, a cordoned node — naming exactly the objects concerned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/plan/index.js';
import { ids, names, preflight, settled, startEnv, withId, type Env } from './helpers.js';
import { createApp, createBarePod, createPdb, ensureNamespace } from './workloads.js';

const TARGET = 'v1.32.0';
const blockers = (f: Finding[]) => f.filter((x) => x.severity === 'blocker');

describe('drain checks', () => {
  let env: Env;
  let healthy: Finding[];
  let scenario: Finding[];

  beforeAll(async () => {
    env = await startEnv({
      version: 'v1.31.4',
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 3 }],
      workload: { kind: 'none' },
    });
    await ensureNamespace(env, 'web');
    for (const app of ['front', 'api']) {
      await createApp(env, 'web', app, { replicas: 3 });
      await createPdb(env, 'web', app, { app }, { maxUnavailable: 1 });
    }
    await settled(env);
    healthy = await preflight(env, { target: TARGET });

    await ensureNamespace(env, 'scn');
    await createApp(env, 'scn', 'strict', { replicas: 2 });
    await createPdb(env, 'scn', 'strict', { app: 'strict' }, { minAvailable: 2 });
    await createApp(env, 'scn', 'double', { replicas: 3 });
    await createPdb(env, 'scn', 'double-a', { app: 'double' }, { maxUnavailable: 1 });
    await createPdb(env, 'scn', 'double-b', { app: 'double' }, { minAvailable: 1 });
    await createBarePod(env, 'scn', 'lonely');
    await createApp(env, 'scn', 'scratch', { replicas: 2, emptyDir: true });
    await createPdb(env, 'scn', 'scratch', { app: 'scratch' }, { maxUnavailable: 1 });
    await createApp(env, 'scn', 'solo', { replicas: 1 });
    await createApp(env, 'scn', 'big', { replicas: 3, cpu: '3' });
    await createPdb(env, 'scn', 'big', { app: 'big' }, { maxUnavailable: 1 });
    await settled(env);
    await env.client.setUnschedulable('blue-3', true);
    scenario = await preflight(env, { target: TARGET });
  });
  afterAll(() => env?.t.stop());

  it('finds no blocker (and nothing to warn about) on a healthy cluster', () => {
    expect(blockers(healthy)).toEqual([]);
    expect(healthy.filter((f) => f.severity === 'warning')).toEqual([]);
  });

  it('fires every drain check on the scenario', () => {
    expect(ids(scenario)).toEqual(
      expect.arrayContaining([
        'pdb-never-allows-eviction',
        'pdb-multiple-match',
        'pod-unmanaged',
        'pod-emptydir',
        'single-replica-no-pdb',
        'capacity-insufficient',
        'node-cordoned',
      ]),
    );
  });

  it('names the budget that never allows an eviction, and only that one', () => {
    const [f, ...rest] = withId(scenario, 'pdb-never-allows-eviction');
    expect(rest).toEqual([]);
    expect(names(f, 'PodDisruptionBudget')).toEqual(['scn/strict']);
    expect(names(f, 'Pod')).toHaveLength(2);
    expect(f?.remediation).toContain('kubectl patch pdb strict -n scn');
  });

  it('names both budgets over one app, and its pods', () => {
    const [f] = withId(scenario, 'pdb-multiple-match');
    expect(names(f, 'PodDisruptionBudget')).toEqual(['scn/double-a', 'scn/double-b']);
    expect(names(f, 'Pod').every((n) => n.startsWith('scn/double-'))).toBe(true);
    expect(names(f, 'Pod')).toHaveLength(3);
  });

  it('names the bare pod, the emptyDir pods and the single replica', () => {
    expect(names(withId(scenario, 'pod-unmanaged')[0])).toEqual(['scn/lonely']);
    const emptyDir = withId(scenario, 'pod-emptydir')[0];
    expect(names(emptyDir)).toHaveLength(2);
    expect(emptyDir?.objects.every((o) => o.detail?.includes('emptyDir: scratch'))).toBe(true);
    const single = withId(scenario, 'single-replica-no-pdb');
    expect(single.map((f) => names(f, 'Deployment'))).toEqual([['scn/solo']]);
  });

  it('shows the capacity shortfall per batch with the numbers', () => {
    const capacity = withId(scenario, 'capacity-insufficient');
    expect(capacity.length).toBeGreaterThan(0);
    for (const f of capacity) {
      expect(names(f, 'Pod').some((n) => n.startsWith('scn/big-'))).toBe(true);
      expect(f.message).toMatch(
        /requesting cpu [\d.m]+, memory \S+, \d+ pods?; the nodes that stay schedulable have cpu/,
      );
    }
  });

  it('warns that the cordoned node stays cordoned', () => {
    expect(names(withId(scenario, 'node-cordoned')[0])).toEqual(['blue-3']);
  });

  it('turns emptyDir and unmanaged pods into warnings with the drain flags', async () => {
    const flagged = await preflight(env, {
      target: TARGET,
      options: { deleteEmptyDirData: true, forceUnmanaged: true },
    });
    expect(withId(flagged, 'pod-emptydir')[0]?.severity).toBe('warning');
    expect(withId(flagged, 'pod-unmanaged')[0]?.severity).toBe('warning');
  });
});
