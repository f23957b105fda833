/**
 * PodDisruptionBudget math (the disruption controller's expected/desired/allowed) and
 * the drain checks built on them: budgets that never allow an eviction, pods under several budgets, budgets
 * blocked by unhealthy pods, unmanaged and emptyDir pods, single replicas without a budget.
 */
import { describe, expect, it } from 'vitest';
import { budgetOf } from '../../../src/checks/index.js';
import { checkPdbs } from '../../../src/checks/pdb.js';
import { checkEmptyDir, checkSingleReplica, checkUnmanaged } from '../../../src/checks/pods.js';
import { app, context, inventory, node, pdb, pod } from './fixtures.js';

const nodes = [node('cp-1', { controlPlane: true }), node('w1'), node('w2'), node('w3')];

describe('budgetOf', () => {
  const three = app('ns', 'web', ['w1', 'w2', 'w3']).pods;
  const scale = () => 3;
  it.each([
    {
      name: 'minAvailable = replicas never allows',
      budget: { minAvailable: 3 },
      want: { expectedPods: 3, desiredHealthy: 3, bestCaseAllowed: 0 },
    },
    {
      name: 'minAvailable 2 of 3 allows 1',
      budget: { minAvailable: 2 },
      want: { expectedPods: 3, desiredHealthy: 2, bestCaseAllowed: 1 },
    },
    {
      name: 'minAvailable 100% never allows',
      budget: { minAvailable: '100%' },
      want: { expectedPods: 3, desiredHealthy: 3, bestCaseAllowed: 0 },
    },
    {
      name: 'minAvailable 60% rounds up (2 of 3)',
      budget: { minAvailable: '60%' },
      want: { expectedPods: 3, desiredHealthy: 2, bestCaseAllowed: 1 },
    },
    {
      name: 'maxUnavailable 0 never allows',
      budget: { maxUnavailable: 0 },
      want: { expectedPods: 3, desiredHealthy: 3, bestCaseAllowed: 0 },
    },
    {
      name: 'maxUnavailable 25% rounds up to 1',
      budget: { maxUnavailable: '25%' },
      want: { expectedPods: 3, desiredHealthy: 2, bestCaseAllowed: 1 },
    },
    {
      name: 'maxUnavailable 0% never allows',
      budget: { maxUnavailable: '0%' },
      want: { expectedPods: 3, desiredHealthy: 3, bestCaseAllowed: 0 },
    },
    {
      name: 'neither field allows nothing',
      budget: {},
      want: { expectedPods: 0, desiredHealthy: 0, bestCaseAllowed: 0 },
    },
  ])('$name', ({ budget, want }) => {
    expect(budgetOf(budget, three, scale)).toEqual(want);
  });

  it('leaves pods without a controller out of the replica sum (percentages)', () => {
    const bare = [pod('ns', 'a', 'w1'), pod('ns', 'b', 'w2')];
    expect(budgetOf({ maxUnavailable: 1 }, bare, () => undefined).bestCaseAllowed).toBe(0);
    expect(budgetOf({ minAvailable: 1 }, bare, () => undefined).bestCaseAllowed).toBe(1);
  });
});

describe('checkPdbs', () => {
  const web = app('shop', 'web', ['w1', 'w2', 'w3']);
  const run = (pdbs: ReturnType<typeof pdb>[], extra = web) =>
    checkPdbs(context(inventory({ nodes, pods: extra.pods, workloads: extra.workloads, pdbs })));

  it('is quiet for a budget that allows a disruption', () => {
    expect(run([pdb('shop', 'web', { app: 'web' }, { maxUnavailable: 1 })])).toEqual([]);
  });

  it('names the budget, the evicted pods and the patch when it can never allow one', () => {
    const [f] = run([pdb('shop', 'web', { app: 'web' }, { minAvailable: 3 })]);
    expect(f?.id).toBe('pdb-never-allows-eviction');
    expect(f?.objects[0]).toMatchObject({ kind: 'PodDisruptionBudget', namespace: 'shop', name: 'web' });
    expect(f?.objects.filter((o) => o.kind === 'Pod')).toHaveLength(3);
    expect(f?.remediation).toContain(
      `kubectl patch pdb web -n shop --type merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`,
    );
    expect(f?.remediation).toContain('kubectl scale deployment/web -n shop --replicas=4');
  });

  it('trusts a current status that allows nothing while it counts every pod healthy', () => {
    const [f] = run([
      pdb('shop', 'web', { app: 'web' }, { minAvailable: 1, disruptionsAllowed: 0, currentHealthy: 3, current: true }),
    ]);
    expect(f?.id).toBe('pdb-never-allows-eviction');
  });

  it('only warns when the status lags behind pods that are all Ready again (right after an eviction)', () => {
    const findings = run([
      pdb(
        'shop',
        'web',
        { app: 'web' },
        { minAvailable: 2, disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, current: true },
      ),
    ]);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['pdb-currently-blocked', 'warning']]);
    expect(findings[0]!.message).toContain('has not caught up');
    expect(findings[0]!.message).not.toMatch(/undefined|NaN/);
  });

  it('warns when unhealthy pods block it for now', () => {
    const sick = { ...web, pods: web.pods.map((p, i) => (i === 0 ? { ...p, ready: false } : p)) };
    const [f] = run(
      [
        pdb(
          'shop',
          'web',
          { app: 'web' },
          { maxUnavailable: 1, disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 },
        ),
      ],
      sick,
    );
    expect(f).toMatchObject({ id: 'pdb-currently-blocked', severity: 'warning' });
    expect(f?.message).toContain('web-abc-0');
  });

  it('reports pods under two budgets once, with both budgets', () => {
    const findings = run([
      pdb('shop', 'web', { app: 'web' }, { maxUnavailable: 1 }),
      pdb('shop', 'all', {}, { maxUnavailable: 1 }),
    ]);
    expect(findings.map((f) => f.id)).toEqual(['pdb-multiple-match']);
    expect(findings[0]!.objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.name)).toEqual([
      'all',
      'web',
    ]);
    expect(findings[0]!.objects.filter((o) => o.kind === 'Pod')).toHaveLength(3);
  });

  it('ignores budgets in other namespaces and budgets over pods nobody drains', () => {
    expect(run([pdb('other', 'web', { app: 'web' }, { minAvailable: 3 })])).toEqual([]);
    const ds = {
      workloads: [],
      pods: ['w1', 'w2'].map((n) =>
        pod('shop', `agent-${n}`, n, { owner: { kind: 'DaemonSet', name: 'agent' }, labels: { app: 'agent' } }),
      ),
    };
    expect(run([pdb('shop', 'agent', { app: 'agent' }, { minAvailable: 2 })], ds)).toEqual([]);
  });
});

describe('pod checks', () => {
  const cache = app('shop', 'cache', ['w1', 'w2'], { emptyDir: true });
  const lone = app('pay', 'fraud', ['w3']);
  const bare = pod('default', 'toolbox', 'w1');
  const inv = inventory({
    nodes,
    pods: [...cache.pods, ...lone.pods, bare],
    workloads: [...cache.workloads, ...lone.workloads],
  });

  it('blocks unmanaged pods unless --force, then warns', () => {
    expect(checkUnmanaged(context(inv))).toMatchObject([
      { id: 'pod-unmanaged', severity: 'blocker', objects: [{ name: 'toolbox', namespace: 'default' }] },
    ]);
    expect(checkUnmanaged(context(inv, { forceUnmanaged: true }))[0]?.severity).toBe('warning');
  });

  it('blocks emptyDir pods unless --delete-emptydir-data, then warns', () => {
    const [f] = checkEmptyDir(context(inv));
    expect(f).toMatchObject({ id: 'pod-emptydir', severity: 'blocker' });
    expect(f?.objects.map((o) => o.detail)).toEqual([
      expect.stringContaining('emptyDir: cache'),
      expect.stringContaining('emptyDir: cache'),
    ]);
    expect(checkEmptyDir(context(inv, { deleteEmptyDirData: true }))[0]?.severity).toBe('warning');
  });

  it('warns about single-replica workloads without a budget, by Deployment', () => {
    const [f, ...rest] = checkSingleReplica(context(inv));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      id: 'single-replica-no-pdb',
      severity: 'warning',
      objects: [{ kind: 'Deployment', name: 'fraud', namespace: 'pay' }, { kind: 'Pod' }],
    });
    expect(f?.remediation).toContain('kubectl scale deployment/fraud -n pay --replicas=2');
    const covered = { ...inv, pdbs: [pdb('pay', 'fraud', { app: 'fraud' }, { maxUnavailable: 1 })] };
    expect(checkSingleReplica(context(covered))).toEqual([]);
  });
});
