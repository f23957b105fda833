/**
 * The disruption controller's PDB status math (kubernetes-facts.md §5): minAvailable/maxUnavailable as counts
 * and percentages, a budget that never allows a disruption, disruptedPods handling, unmanaged pods and
 * controllers without a scale subresource.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxCluster } from '../../../../src/sandbox/cluster.js';
import { barePod, daemonSet, deployment, pdb } from '../../../../src/sandbox/workloads/objects.js';
import { deletePodGracefully, ready, startCluster, type TestCluster, waitFor } from './helpers.js';

let t: TestCluster | undefined;
afterEach(() => {
  expect(t?.errors ?? []).toEqual([]);
  t?.stop();
});

const app = { image: 'registry.example.com/web:1', cpu: '100m', memory: '64Mi' };
const budget = (c: SandboxCluster, name: string) => c.store.get('policy/poddisruptionbudgets', 'default', name)!;
const allowedCond = (c: SandboxCluster, name: string) =>
  budget(c, name).status?.conditions?.find((x: { type: string }) => x.type === 'DisruptionAllowed');
const readyCount = (c: SandboxCluster, label: string) =>
  c.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === label && ready(p)).length;

function withApp(
  c: SandboxCluster,
  name: string,
  replicas: number,
  b: { minAvailable: number | string } | { maxUnavailable: number | string },
): void {
  c.store.create('apps/deployments', deployment('default', name, replicas, app));
  c.store.create('policy/poddisruptionbudgets', pdb('default', name, { app: name }, b));
}

async function settled(c: SandboxCluster, name: string, healthy: number): Promise<Record<string, unknown>> {
  return waitFor(
    () => {
      const s = budget(c, name).status;
      return s?.currentHealthy === healthy && readyCount(c, name) === healthy && s;
    },
    10_000,
    `${name} settled at ${healthy} healthy`,
  );
}

describe('disruption controller', () => {
  it.each([
    ['min-int', 4, { minAvailable: 2 }, { expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2 }],
    ['min-pct', 5, { minAvailable: '50%' }, { expectedPods: 5, desiredHealthy: 3, disruptionsAllowed: 2 }],
    ['max-int', 3, { maxUnavailable: 1 }, { expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 }],
    ['max-pct', 5, { maxUnavailable: '30%' }, { expectedPods: 5, desiredHealthy: 3, disruptionsAllowed: 2 }],
    ['min-pct-exact', 5, { minAvailable: '60%' }, { expectedPods: 5, desiredHealthy: 3, disruptionsAllowed: 2 }],
  ] as const)('%s', async (name, replicas, b, want) => {
    t = startCluster();
    const c = t.cluster;
    withApp(c, name, replicas, b);
    const s = await settled(c, name, replicas);
    expect(s).toMatchObject({ ...want, currentHealthy: replicas, observedGeneration: 1 });
    expect(allowedCond(c, name)).toMatchObject({ status: 'True', reason: 'SufficientPods' });
  });

  it('never allows a disruption when minAvailable equals the replicas', async () => {
    t = startCluster();
    const c = t.cluster;
    withApp(c, 'ledger', 2, { minAvailable: 2 });
    const s = await settled(c, 'ledger', 2);
    expect(s).toMatchObject({ expectedPods: 2, desiredHealthy: 2, currentHealthy: 2, disruptionsAllowed: 0 });
    expect(allowedCond(c, 'ledger')).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
  });

  it('uses the controller replicas for percentages and follows scaling', async () => {
    t = startCluster();
    const c = t.cluster;
    withApp(c, 'web', 4, { maxUnavailable: '50%' });
    await settled(c, 'web', 4);
    c.store.mutate('apps/deployments', 'default', 'web', (d) => {
      d.spec.replicas = 6;
    });
    expect(await settled(c, 'web', 6)).toMatchObject({ expectedPods: 6, desiredHealthy: 3, disruptionsAllowed: 3 });
  });

  it('excludes terminating pods and disruptedPods from currentHealthy, and drops stale entries', async () => {
    t = startCluster();
    const c = t.cluster;
    withApp(c, 'web', 3, { maxUnavailable: 1 });
    await settled(c, 'web', 3);
    const [p1, p2] = c.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'web');
    const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    // What the eviction API does: record the pod, decrement the budget.
    c.store.mutate('policy/poddisruptionbudgets', 'default', 'web', (d) => {
      d.status.disruptedPods = { [p1.metadata.name]: stamp, [p2.metadata.name]: stamp };
      d.status.disruptionsAllowed = 0;
    });
    await waitFor(() => budget(c, 'web').status.currentHealthy === 1, 5_000, 'disrupted pods not healthy');
    expect(budget(c, 'web').status.disruptionsAllowed).toBe(0);
    deletePodGracefully(c, p1);
    await waitFor(
      () => !(p1.metadata.name in (budget(c, 'web').status.disruptedPods ?? {})),
      5_000,
      'entry dropped once the pod terminates',
    );
    // p2's entry expires after 2 simulated minutes (2.4 s at this time scale) and p2 counts again.
    const s = await waitFor(
      () => {
        const st = budget(c, 'web').status;
        return !st.disruptedPods && st.currentHealthy === 3 && st;
      },
      10_000,
      'stale entry dropped',
    );
    expect(s).toMatchObject({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
  });

  it('counts unmanaged pods for an integer minAvailable, and fails safe for a DaemonSet with maxUnavailable', async () => {
    t = startCluster();
    const c = t.cluster;
    c.store.create('pods', barePod('default', 'solo', { ...app, labels: { app: 'solo' } }));
    c.store.create('policy/poddisruptionbudgets', pdb('default', 'solo', { app: 'solo' }, { minAvailable: 1 }));
    expect(await settled(c, 'solo', 1)).toMatchObject({ expectedPods: 1, desiredHealthy: 1, disruptionsAllowed: 0 });

    c.store.create('apps/daemonsets', daemonSet('default', 'agent', app));
    c.store.create('policy/poddisruptionbudgets', pdb('default', 'agent', { app: 'agent' }, { maxUnavailable: 1 }));
    await waitFor(() => allowedCond(c, 'agent')?.reason === 'SyncFailed', 10_000, 'SyncFailed');
    expect(budget(c, 'agent').status.disruptionsAllowed).toBe(0);
  });

  it('selects every pod of the namespace with an empty selector and none without one', async () => {
    t = startCluster();
    const c = t.cluster;
    c.store.create('apps/deployments', deployment('default', 'web', 2, app));
    const all = pdb('default', 'all', {}, { minAvailable: 1 });
    all.spec.selector = {};
    const none = pdb('default', 'none', {}, { minAvailable: 1 });
    delete none.spec.selector;
    c.store.create('policy/poddisruptionbudgets', all);
    c.store.create('policy/poddisruptionbudgets', none);
    await waitFor(() => budget(c, 'all').status?.currentHealthy === 2, 10_000, 'all healthy');
    expect(budget(c, 'all').status).toMatchObject({ expectedPods: 2, disruptionsAllowed: 1 });
    expect(budget(c, 'none').status).toMatchObject({ expectedPods: 0, currentHealthy: 0, disruptionsAllowed: 0 });
  });

  it('recomputes the budget a pod leaves when its labels change, and leaves budgets over other pods alone', async () => {
    t = startCluster();
    const c = t.cluster;
    withApp(c, 'web', 3, { maxUnavailable: 1 });
    withApp(c, 'api', 2, { minAvailable: 1 });
    await settled(c, 'web', 3);
    await settled(c, 'api', 2);
    const apiVersion = budget(c, 'api').metadata.resourceVersion;
    // Relabel one web pod out of its budget (as an operator quarantining a pod would).
    const pod = c.store.list('pods', 'default').find((p) => p.metadata.labels?.app === 'web')!;
    c.store.mutate('pods', 'default', pod.metadata.name, (d) => {
      d.metadata.labels = { ...d.metadata.labels, app: 'quarantined' };
    });
    // The web budget no longer counts the relabelled pod (only the new labels' budgets would be marked otherwise).
    await waitFor(
      () => budget(c, 'web').status?.currentHealthy === readyCount(c, 'web'),
      10_000,
      'web budget to count only the pods it still selects',
    );
    expect(readyCount(c, 'web')).toBeLessThan(3);
    expect(budget(c, 'api').metadata.resourceVersion).toBe(apiVersion);
  });

  it('counts a pod relabelled into a budget (the pod label index follows label changes)', async () => {
    t = startCluster();
    const c = t.cluster;
    withApp(c, 'web', 3, { maxUnavailable: 1 });
    withApp(c, 'api', 2, { minAvailable: 1 });
    await settled(c, 'web', 3);
    await settled(c, 'api', 2);
    const pod = c.store.list('pods', 'default').find((p) => p.metadata.labels?.app === 'api')!;
    c.store.mutate('pods', 'default', pod.metadata.name, (d) => {
      d.metadata.labels = { ...d.metadata.labels, app: 'web' };
    });
    const s = await settled(c, 'web', 4);
    // Its owner (the api Deployment, 2 replicas) now counts towards the web budget's expected pods.
    expect(s).toMatchObject({ currentHealthy: 4, expectedPods: 5, desiredHealthy: 4, disruptionsAllowed: 0 });
    await settled(c, 'api', 1);
  });
});
