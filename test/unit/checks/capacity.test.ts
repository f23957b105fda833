/**
 * The capacity simulation: first-fit-decreasing placement of a batch's evicted pods on the nodes that stay
 * schedulable, with cpu, memory and pod slots, nodeSelector and taints honoured, and the numbers reported.
 */
import { describe, expect, it } from 'vitest';
import { drainBatches, simulateCapacity } from '../../../src/checks/index.js';
import { checkCapacity } from '../../../src/checks/capacity.js';
import type { PodInfo } from '../../../src/cluster/index.js';
import { app, context, inventory, node, pod } from './fixtures.js';

const byNode = (pods: PodInfo[]) => {
  const m = new Map<string, PodInfo[]>();
  for (const p of pods) if (p.nodeName) m.set(p.nodeName, [...(m.get(p.nodeName) ?? []), p]);
  return m;
};

describe('simulateCapacity', () => {
  const nodes = [node('w1'), node('w2'), node('w3')];

  it('places evicted pods on the free nodes, largest first', () => {
    const a = app('shop', 'web', ['w1', 'w1', 'w2'], { cpu: 1.5 });
    const [r] = simulateCapacity(
      nodes,
      byNode(a.pods),
      [{ label: 'b1', nodes: ['w1'] }],
      [a.pods.filter((p) => p.nodeName === 'w1')],
    );
    expect(r!.unplaced).toEqual([]);
    expect(r!.requested.cpuMilli).toBe(3000);
    // w2 has 4 - 1.5 = 2.5 free, w3 4: total 6.5 cpu free outside the batch.
    expect(r!.free.cpuMilli).toBe(6500);
  });

  it('reports what does not fit, and restores the free capacity between batches', () => {
    const a = app('shop', 'big', ['w1', 'w2', 'w3'], { cpu: 3 });
    const evicted = nodes.map((n) => a.pods.filter((p) => p.nodeName === n.name));
    const results = simulateCapacity(
      nodes,
      byNode(a.pods),
      nodes.map((n) => ({ label: n.name, nodes: [n.name] })),
      evicted,
    );
    expect(results.map((r) => r.unplaced.map((p) => p.nodeName))).toEqual([['w1'], ['w2'], ['w3']]);
    expect(results[0]!.free.cpuMilli).toBe(2000);
  });

  it('counts pod slots, not just cpu and memory', () => {
    const tiny = [node('w1', { pods: 3 }), node('w2', { pods: 3 })];
    const a = app('shop', 'tiny', ['w1', 'w1', 'w1', 'w2', 'w2'], { cpu: 0.01, memGi: 0.01 });
    const [r] = simulateCapacity(
      tiny,
      byNode(a.pods),
      [{ label: 'b', nodes: ['w1'] }],
      [a.pods.filter((p) => p.nodeName === 'w1')],
    );
    expect(r!.unplaced).toHaveLength(2);
  });

  it('honours nodeSelector and taints, and skips cordoned and NotReady nodes', () => {
    const cluster = [
      node('w1', { labels: { disk: 'ssd' } }),
      node('w2', { labels: { disk: 'hdd' } }),
      node('w3', { labels: { disk: 'ssd' }, unschedulable: true }),
      node('w4', { labels: { disk: 'ssd' }, ready: false }),
      node('w5', { labels: { disk: 'ssd' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }),
    ];
    const a = app('db', 'pg', ['w1'], { cpu: 1, nodeSelector: { disk: 'ssd' } });
    const [r] = simulateCapacity(cluster, byNode(a.pods), [{ label: 'b', nodes: ['w1'] }], [a.pods]);
    expect(r!.unplaced.map((p) => p.name)).toEqual(['pg-abc-0']);
    const tolerating = a.pods.map((p) => ({
      ...p,
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }],
    }));
    const [ok] = simulateCapacity(cluster, byNode(tolerating), [{ label: 'b', nodes: ['w1'] }], [tolerating]);
    expect(ok!.unplaced).toEqual([]);
  });
});

describe('checkCapacity', () => {
  it('fires per batch with the numbers, and not when the batch fits', () => {
    const big = app('shop', 'big', ['w1', 'w2'], { cpu: 3 });
    const inv = inventory({
      nodes: [node('cp-1', { controlPlane: true, cpu: 2 }), node('w1'), node('w2')],
      pods: big.pods,
      workloads: big.workloads,
    });
    const findings = checkCapacity(context(inv));
    expect(findings.map((f) => f.objects.filter((o) => o.kind === 'Node').map((o) => o.name))).toEqual([
      ['w1'],
      ['w2'],
    ]);
    const f = findings[0]!;
    expect(f.severity).toBe('blocker');
    expect(f.message).toContain('requesting cpu 3, memory 128Mi, 1 pod');
    expect(f.message).toContain('have cpu 1, memory 15.9Gi, 109 pods free');
    expect(f.objects.find((o) => o.kind === 'Pod')?.detail).toContain('requests cpu 3');

    const small = app('shop', 'small', ['w1', 'w2'], { cpu: 1 });
    expect(
      checkCapacity(context(inventory({ nodes: inv.nodes, pods: small.pods, workloads: small.workloads }))),
    ).toEqual([]);
  });

  it('ignores DaemonSet, mirror and bare pods, which are not recreated elsewhere', () => {
    const inv = inventory({
      nodes: [node('cp-1', { controlPlane: true }), node('w1'), node('w2', { cpu: 1 })],
      pods: [
        pod('kube-system', 'agent-w1', 'w1', { cpu: 3, owner: { kind: 'DaemonSet', name: 'agent' } }),
        pod('kube-system', 'static-w1', 'w1', { cpu: 3, mirror: true }),
        pod('default', 'bare', 'w1', { cpu: 3 }),
      ],
    });
    expect(checkCapacity(context(inv))).toEqual([]);
  });

  it('drains control-plane nodes one at a time when the control plane moves', () => {
    const dns = app('kube-system', 'coredns', ['cp-1'], { cpu: 1.5 });
    const pods = dns.pods.map((p) => ({
      ...p,
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    }));
    const inv = inventory({
      nodes: [node('cp-1', { controlPlane: true, cpu: 2 }), node('w1', { cpu: 1 })],
      pods,
      workloads: dns.workloads,
    });
    const [f] = checkCapacity(context(inv));
    expect(f?.message).toContain('control-plane node cp-1');
    // No control-plane hop (already at the target): the control-plane node is not drained.
    expect(checkCapacity(context(inv, { target: 'v1.31.4' }))).toEqual([]);
  });
});

describe('drainBatches', () => {
  it("keeps the plan's order and only the nodes the path upgrades", () => {
    const inv = inventory({
      nodes: [
        node('cp-1', { controlPlane: true }),
        node('a-1', { labels: { pool: 'a' } }),
        node('a-2', { labels: { pool: 'a' }, kubeletVersion: 'v1.32.0' }),
        node('b-1', { labels: { pool: 'b' } }),
      ],
    });
    const ctx = context(inv, { batching: { groups: ['pool=b', 'pool=a'] } });
    expect(drainBatches(ctx)).toEqual([
      { label: 'control-plane node cp-1', nodes: ['cp-1'] },
      { label: 'workers "pool=b" batch 1/1', nodes: ['b-1'] },
      { label: 'workers "pool=a" batch 1/2', nodes: ['a-1'] },
    ]);
  });
});
