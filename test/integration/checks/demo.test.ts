/**
 * The demo workload (the default sandbox) shows what it was built to show: a budget that never allows an
 * eviction, a bare pod, emptyDir pods and a single replica without a budget — and, with three nodes drained
 * at once, not enough room. The inventory reads every component's version. Preflight's request count does
 * not grow with the number of nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAdminClient } from '../../../src/sandbox/index.js';
import { gatherInventory } from '../../../src/checks/index.js';
import { ids, names, preflight, startEnv, withId, type Env } from './helpers.js';

describe('demo workload', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv({});
  });
  afterAll(() => env?.t.stop());

  it('reads identity, versions and components', async () => {
    const inv = await gatherInventory(env.client);
    expect(inv.identity.server).toBe(env.t.sandbox.url);
    expect(inv.identity.kubeSystemUid).toMatch(/^[0-9a-f-]{36}$/);
    expect(inv.serverVersion).toBe('v1.31.4');
    expect(inv.nodes.filter((n) => n.controlPlane).map((n) => n.name)).toEqual(['cp-1', 'cp-2', 'cp-3']);
    const byComponent = (c: string) => inv.components.filter((x) => x.component === c);
    expect(byComponent('kube-apiserver').map((c) => `${c.node} ${c.version} ${c.ready}`)).toEqual([
      'cp-1 v1.31.4 true',
      'cp-2 v1.31.4 true',
      'cp-3 v1.31.4 true',
    ]);
    expect(byComponent('etcd').map((c) => c.version)).toEqual(['3.5.15-0', '3.5.15-0', '3.5.15-0']);
    expect(byComponent('kube-proxy')).toEqual([
      { component: 'kube-proxy', version: 'v1.31.4', image: 'registry.k8s.io/kube-proxy:v1.31.4' },
    ]);
    expect(byComponent('coredns')[0]?.image).toMatch(/coredns:v\d+\.\d+\.\d+$/);
  });

  it('shows the demo findings', async () => {
    const findings = await preflight(env, { target: 'v1.32.0' });
    expect(ids(findings)).toEqual([
      'pdb-never-allows-eviction',
      'pod-emptydir',
      'pod-unmanaged',
      'single-replica-no-pdb',
    ]);
    expect(names(withId(findings, 'pdb-never-allows-eviction')[0], 'PodDisruptionBudget')).toEqual(['payments/ledger']);
    expect(names(withId(findings, 'pod-unmanaged')[0])).toEqual(['default/debug-toolbox']);
    expect(names(withId(findings, 'pod-emptydir')[0]).every((n) => n.startsWith('shop/catalog-'))).toBe(true);
    expect(names(withId(findings, 'single-replica-no-pdb')[0], 'Deployment')).toEqual(['payments/fraud-check']);
  });

  it('finds no room when three workers drain at once', async () => {
    const findings = await preflight(env, {
      target: 'v1.32.0',
      batching: { groups: ['pool=blue', 'pool=green'], maxUnavailable: 3 },
    });
    const capacity = withId(findings, 'capacity-insufficient');
    expect(capacity.map((f) => names(f, 'Node'))).toEqual([
      ['blue-1', 'blue-2', 'blue-3'],
      ['green-1', 'green-2', 'green-3'],
    ]);
    expect(capacity[0]!.message).toContain('workers "pool=blue" batch 1/1');
  });

  it('makes the same number of requests whatever the cluster size', async () => {
    const count = async (e: Env) => {
      const admin = SandboxAdminClient.fromKubeconfig(e.t.kubeconfigPath);
      await admin.resetStats();
      await preflight(e, { target: 'v1.32.0' });
      const { requests } = await admin.stats();
      return requests.reduce((n, r) => n + r.count, 0);
    };
    const small = await startEnv({ controlPlanes: 1, pools: [{ name: 'blue', count: 2 }], workload: { kind: 'none' } });
    const large = await startEnv({
      controlPlanes: 3,
      pools: [
        { name: 'blue', count: 20 },
        { name: 'green', count: 20 },
      ],
      workload: { kind: 'none' },
    });
    try {
      const [a, b] = [await count(small), await count(large)];
      expect(a).toBeGreaterThan(0);
      expect(b).toBe(a);
    } finally {
      await small.t.stop();
      await large.t.stop();
    }
  });
});
