/**
 * The demo workload comes up fully Ready with the budgets it is meant to exercise, and its size fits the
 * default workers: one drained node can be absorbed, three cannot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { podRequests } from '../../../../src/sandbox/controllers/quantity.js';
import { allReady, pods, startCluster, type TestCluster, waitFor } from './helpers.js';

let t: TestCluster | undefined;
afterEach(() => {
  expect(t?.errors ?? []).toEqual([]);
  t?.stop();
});

describe('demo workload', () => {
  it('becomes fully Ready on the default shape (3 control planes, 2×3 workers)', async () => {
    t = startCluster({
      controlPlanes: 3,
      pools: [
        { name: 'blue', count: 3 },
        { name: 'green', count: 3 },
      ],
      workload: { kind: 'demo' },
    });
    const c = t.cluster;
    const budget = (ns: string, name: string) => c.store.get('policy/poddisruptionbudgets', ns, name)?.status;
    await waitFor(
      () => allReady(c) && pods(c).length === 55 && budget('shop', 'redis')?.currentHealthy === 3,
      20_000,
      'all demo pods Ready',
    );
    await waitFor(
      () =>
        c.store.list('policy/poddisruptionbudgets').every((p) => p.status?.currentHealthy === p.status?.expectedPods),
      5_000,
      'budgets settled',
    );

    expect(c.store.get('namespaces', undefined, 'kube-system')!.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'shop', 'payments', 'monitoring']) {
      expect(c.store.get('namespaces', undefined, ns)?.status.phase).toBe('Active');
    }
    expect(budget('shop', 'frontend')).toMatchObject({ expectedPods: 5, desiredHealthy: 3, disruptionsAllowed: 2 });
    expect(budget('shop', 'cart')).toMatchObject({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(budget('shop', 'catalog')).toMatchObject({ expectedPods: 3, desiredHealthy: 1, disruptionsAllowed: 2 });
    expect(budget('shop', 'redis')).toMatchObject({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(budget('payments', 'api')).toMatchObject({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(budget('payments', 'ledger')).toMatchObject({ expectedPods: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    expect(budget('kube-system', 'coredns')).toMatchObject({
      expectedPods: 2,
      desiredHealthy: 1,
      disruptionsAllowed: 1,
    });
    expect(c.store.get('apps/deployments', 'payments', 'fraud-check')!.status.availableReplicas).toBe(1);
    expect(c.store.get('pods', 'default', 'debug-toolbox')!.metadata.ownerReferences).toBeUndefined();
    expect(pods(c).some((p) => p.spec.volumes?.some((v: { emptyDir?: object }) => v.emptyDir))).toBe(true);

    // Capacity: worker requests (beyond the per-node DaemonSets) fit on 5 workers but not on 3.
    const workerCpu = 4000;
    const perNodeDs = 100;
    const movable = pods(c).filter(
      (p) => !p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet' || o.kind === 'Node'),
    );
    const cpu = movable.reduce((a, p) => a + podRequests(p).cpu, 0);
    expect(cpu).toBeLessThanOrEqual(5 * (workerCpu - perNodeDs));
    expect(cpu - 200).toBeGreaterThan(3 * (workerCpu - perNodeDs)); // even with CoreDNS on the control planes
  });
});
