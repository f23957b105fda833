/**
 * Per-node upgrade times (timings.nodeTimeJitter and explicit nodeTimeFactors): multipliers are deterministic
 * from the seed, stay in [1 − j, 1 + j], and a node with a larger multiplier takes longer in simulated time to
 * come back Ready after `sandbox node upgrade` (through the admin API, as the exec driver calls it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { SandboxAdminClient } from '../../../src/sandbox/index.js';
import { SandboxCluster } from '../../../src/sandbox/cluster.js';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';

let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const bare = (seed: number, nodeTimeJitter?: number) =>
  new SandboxCluster({
    version: 'v1.31.4',
    controlPlanes: 1,
    pools: [],
    workload: { kind: 'none' },
    seed,
    timeScale: 1,
    timings: { nodeTimeJitter },
  });

describe('node time jitter', () => {
  it('is 1 for every node without jitter, and deterministic within [1 − j, 1 + j] with it', () => {
    expect(bare(1).nodeTimeFactor('w-1')).toBe(1);
    expect(bare(1, 0).nodeTimeFactor('w-2')).toBe(1);
    const names = Array.from({ length: 200 }, (_, i) => `blue-${i + 1}`);
    const a = bare(3, 0.5);
    const factors = names.map((n) => a.nodeTimeFactor(n));
    expect(names.map((n) => bare(3, 0.5).nodeTimeFactor(n))).toEqual(factors);
    for (const f of factors) expect(f >= 0.5 && f <= 1.5).toBe(true);
    expect(Math.min(...factors)).toBeLessThan(0.6);
    expect(Math.max(...factors)).toBeGreaterThan(1.4);
    expect(names.map((n) => bare(4, 0.5).nodeTimeFactor(n))).not.toEqual(factors);
    expect(a.nodeUpgradeCommandMs('blue-1')).toBeCloseTo(3_000 * factors[0]);
    expect(a.nodeKubeletRestartMs('blue-1')).toBeCloseTo(6_000 * factors[0]);
  });

  it('refuses a jitter outside [0, 1) and negative timings', () => {
    expect(() => bare(1, 1)).toThrow(/nodeTimeJitter must be in \[0, 1\)/);
    expect(() => bare(1, -0.1)).toThrow(/nodeTimeJitter/);
    expect(
      () =>
        new SandboxCluster({
          version: 'v1.31.4',
          controlPlanes: 1,
          pools: [],
          workload: { kind: 'none' },
          seed: 1,
          timeScale: 1,
          timings: { podStartupMs: -1 },
        }),
    ).toThrow(/podStartupMs/);
  });

  it('a node with a larger multiplier comes back Ready later, in simulated time', async () => {
    t = await startTestSandbox({
      controlPlanes: 1,
      pools: [{ name: 'w', count: 2 }],
      workload: { kind: 'none' },
      timings: { upgradeCommandMs: 2_000, kubeletRestartMs: 4_000, nodeTimeJitter: 0.5 },
    });
    const c = t.sandbox.cluster;
    // Explicit factors win over the seeded draw (what a benchmark does to pin a slow node).
    c.nodeTimeFactors.set('w-1', 0.5);
    c.nodeTimeFactors.set('w-2', 1.5);
    const admin = SandboxAdminClient.fromKubeconfig(t.kubeconfigPath);
    const core = t.kc.makeApiClient(CoreV1Api);
    await admin.upgrade('cp-1', 'v1.31.5'); // kubelets may not be newer than the API server
    const back = new Map<string, number>();
    const start = c.clock.now();
    await Promise.all(['w-1', 'w-2'].map((n) => admin.upgrade(n, 'v1.31.5')));
    await waitFor(
      async () => {
        const nodes = (await core.listNode()).items;
        for (const n of nodes) {
          const name = n.metadata!.name!;
          if (!name.startsWith('w-')) continue;
          const ready = n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
          if (ready && n.status?.nodeInfo?.kubeletVersion === 'v1.31.5' && !back.has(name))
            back.set(name, c.clock.now() - start);
        }
        return back.size === 2;
      },
      'both nodes Ready at v1.31.5',
      20_000,
      10,
    );
    expect([...back.keys()]).toEqual(['w-1', 'w-2']);
    // Simulated lower bounds: 0.5 × 6,000 and 1.5 × 6,000 ms (timers never fire early by more than rounding).
    expect(back.get('w-1')!).toBeGreaterThanOrEqual(0.5 * 6_000 * 0.95);
    expect(back.get('w-2')!).toBeGreaterThanOrEqual(1.5 * 6_000 * 0.95);
  });
});
