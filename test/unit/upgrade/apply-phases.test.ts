/** buildPhases and phaseBatches: the phases of a run built from multi-hop plans, in execution, group and batch order. */
import { describe, expect, it } from 'vitest';
import { buildPlan, blockedPlan, sandboxNodes } from '../plan-file/plan-builder.js';
import { buildPhases, phaseBatches, ETCD_PHASE_ID, POSTFLIGHT_PHASE_ID } from '../../../src/upgrade/run/phases.js';

const ids = (plan: Parameters<typeof buildPhases>[0]) => buildPhases(plan).map((p) => p.id);
const nodesOf = (plan: Parameters<typeof buildPhases>[0], id: string) =>
  buildPhases(plan).find((p) => p.id === id)!.nodes;

describe('buildPhases', () => {
  // 1.30 → 1.32: two control-plane hops; 1.30 kubelets may run under a 1.32 control plane, so workers hop once.
  const skip = buildPlan({
    nodes: sandboxNodes('v1.30.6'),
    target: 'v1.32.0',
    groups: ['pool=blue', { selector: 'pool=green', maxUnavailable: '2' }],
    canary: 1,
  });

  it('gives a multi-hop plan one etcd snapshot, two control-plane phases, then one worker phase per group when workers may skip', () => {
    expect(skip.workers.hops.map((h) => h.to)).toEqual(['v1.32.0']);
    expect(ids(skip)).toEqual([
      `${ETCD_PHASE_ID}/v1.31.0`,
      'control-plane/v1.31.0',
      'control-plane/v1.32.0',
      'workers/v1.32.0/pool=blue',
      'workers/v1.32.0/pool=green',
      POSTFLIGHT_PHASE_ID,
    ]);
    const phases = buildPhases(skip);
    expect(phases.map((p) => p.kind)).toEqual([
      'etcd-snapshot',
      'control-plane',
      'control-plane',
      'workers',
      'workers',
      'postflight',
    ]);
    for (const id of ['control-plane/v1.31.0', 'control-plane/v1.32.0']) {
      const to = id.split('/')[1];
      expect(nodesOf(skip, id).map((n) => [n.node, n.role, n.to])).toEqual(
        ['cp-1', 'cp-2', 'cp-3'].map((n) => [n, 'control-plane', to]),
      );
    }
    expect(phases.find((p) => p.id === 'workers/v1.32.0/pool=green')!.group).toEqual({
      selector: 'pool=green',
      maxUnavailable: 2,
    });
    // Every node starts pending, with nothing done.
    for (const n of phases.flatMap((p) => p.nodes))
      expect(n).toMatchObject({ status: 'pending', cordonedByUs: false, evictions: 0, blockedMs: 0, driverRuns: 0 });
  });

  it('interleaves a forced worker hop between the control-plane hops, and keeps group then batch order', () => {
    const plan = blockedPlan(); // blue at 1.28: must reach 1.31 before the control plane goes to 1.32
    expect(plan.options.etcdSnapshot.perHop).toBe(true); // a snapshot before each control-plane hop
    expect(ids(plan)).toEqual([
      `${ETCD_PHASE_ID}/v1.31.4`,
      'control-plane/v1.31.4',
      'workers/v1.31.4/pool=blue',
      `${ETCD_PHASE_ID}/v1.32.0`,
      'control-plane/v1.32.0',
      'workers/v1.32.0/pool=blue',
      'workers/v1.32.0/pool=green',
      'workers/v1.32.0/other workers',
      POSTFLIGHT_PHASE_ID,
    ]);
    expect(nodesOf(plan, 'workers/v1.31.4/pool=blue').map((n) => n.to)).toEqual([
      'v1.31.4',
      'v1.31.4',
      'v1.31.4',
      'v1.31.4',
    ]);
    // Batch order (the plan's batches flattened), not the hop's sorted node list.
    const blue = plan.groups.find((g) => g.selector === 'pool=blue')!;
    expect(nodesOf(plan, 'workers/v1.32.0/pool=blue').map((n) => n.node)).toEqual(blue.batches.flat());
    expect(buildPhases(plan).find((p) => p.id === 'workers/v1.32.0/other workers')!.group).toEqual({
      selector: '',
      maxUnavailable: 1,
    });
  });

  it("orders a group's nodes by its batches when they differ from name order, and leaves out nodes not in the hop", () => {
    const plan = buildPlan({
      nodes: sandboxNodes('v1.31.4', 1, { blue: 5 }),
      target: 'v1.32.0',
      groups: [{ selector: 'pool=blue', maxUnavailable: '2' }],
      canary: 1,
    });
    const blue = plan.groups[0]!;
    const order = nodesOf(plan, 'workers/v1.32.0/pool=blue').map((n) => n.node);
    expect(order).toEqual(blue.batches.flat());
    expect(new Set(order)).toEqual(new Set(['blue-1', 'blue-2', 'blue-3', 'blue-4', 'blue-5']));
    // blue-3 already at the target: not in the hop, so not in the phase.
    const partial = buildPlan({
      nodes: [
        ...sandboxNodes('v1.32.0', 1, {}),
        ...sandboxNodes('v1.31.4', 0, { blue: 3 }).map((n) => (n.name === 'blue-3' ? { ...n, version: 'v1.32.0' } : n)),
      ],
      target: 'v1.32.0',
      groups: ['pool=blue'],
    });
    expect(ids(partial)).toEqual(['workers/v1.32.0/pool=blue', POSTFLIGHT_PHASE_ID]); // no control-plane hop: no etcd phase
    expect(nodesOf(partial, 'workers/v1.32.0/pool=blue').map((n) => n.node)).toEqual(['blue-1', 'blue-2']);
  });

  it('is pure: the same plan gives the same phases', () => {
    expect(buildPhases(skip)).toEqual(buildPhases(skip));
  });
});

describe('phaseBatches', () => {
  it("restricts the group's batches to the phase's nodes and drops empty batches", () => {
    const plan = buildPlan({
      nodes: sandboxNodes('v1.31.4', 1, { blue: 5 }),
      target: 'v1.32.0',
      groups: [{ selector: 'pool=blue', maxUnavailable: '2' }],
      canary: 1,
    });
    const phase = buildPhases(plan).find((p) => p.kind === 'workers')!;
    expect(phaseBatches(plan, phase)).toEqual(plan.groups[0]!.batches.map((b) => [...b]));
    expect(phaseBatches(plan, phase)[0]).toHaveLength(1); // the canary
    const first = plan.groups[0]!.batches[0]![0]!;
    const without = { ...phase, nodes: phase.nodes.filter((n) => n.node !== first) };
    expect(phaseBatches(plan, without)).toEqual(plan.groups[0]!.batches.slice(1).map((b) => [...b]));
  });

  it('works for the implicit group, and gives one batch per node for a phase whose group is not in the plan', () => {
    const plan = blockedPlan();
    const other = buildPhases(plan).find((p) => p.id === 'workers/v1.32.0/other workers')!;
    expect(phaseBatches(plan, other)).toEqual([['edge-1']]);
    const stray = {
      ...other,
      group: { selector: 'pool=gone', maxUnavailable: 1 },
      nodes: [...other.nodes, { ...other.nodes[0]!, node: 'x-1' }],
    };
    expect(phaseBatches(plan, stray)).toEqual([['edge-1'], ['x-1']]);
  });
});
