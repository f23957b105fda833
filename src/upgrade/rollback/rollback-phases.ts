/**
 * What a rollback does, derived from the run's journal: the workers this run changed, back to the version
 * each had before the run (groups and nodes in reverse order, each group in its own window); then, when the
 * run changed the control plane, the etcd snapshot restored on every member and the control-plane nodes taken
 * back hop by hop (kubeadm goes one minor at a time) to their recorded versions; then postflight. Pure.
 */
import type { UpgradePlan } from '../../plan/index.js';
import { groupLabel, type NodeRunState, type PhaseRunState, type RunState } from '../run/index.js';

/** The run changed this node (its driver ran, or it finished). */
const touched = (n: NodeRunState): boolean => n.driverRuns > 0 || n.status === 'done';

const fresh = (name: string, role: NodeRunState['role'], to: string): NodeRunState => ({
  node: name,
  role,
  to,
  status: 'pending',
  cordonedByUs: false,
  evictions: 0,
  blockedMs: 0,
  driverRuns: 0,
});

export interface RollbackScope {
  workers: { node: string; to: string }[];
  controlPlane: boolean;
}

export function rollbackScope(state: RunState): RollbackScope {
  const original = new Map<string, string>();
  for (const p of state.phases)
    for (const n of p.nodes) if (n.from && !original.has(n.node)) original.set(n.node, n.from);
  const workers = new Map<string, string>();
  for (const p of state.phases) {
    if (p.kind !== 'workers') continue;
    for (const n of p.nodes) if (touched(n)) workers.set(n.node, original.get(n.node) ?? n.from ?? state.plan.from);
  }
  const controlPlane = state.phases.some((p) => p.kind === 'control-plane' && p.nodes.some(touched));
  return { workers: [...workers].map(([node, to]) => ({ node, to })), controlPlane };
}

export function buildRollbackPhases(
  plan: UpgradePlan,
  state: RunState,
  etcdMembers: readonly string[],
): PhaseRunState[] {
  const scope = rollbackScope(state);
  const phases: PhaseRunState[] = [];
  const workerTo = new Map(scope.workers.map((w) => [w.node, w.to]));
  for (const g of [...plan.groups].reverse()) {
    const nodes = g.batches
      .flat()
      .filter((n) => workerTo.has(n))
      .reverse();
    if (nodes.length === 0) continue;
    const label = groupLabel(g);
    phases.push({
      id: `rollback/workers/${label}`,
      kind: 'workers',
      title: `roll back workers ${label}`,
      action: 'downgrade',
      group: { selector: g.selector, maxUnavailable: Math.max(1, g.maxUnavailable) },
      status: 'pending',
      nodes: nodes.map((n) => fresh(n, 'worker', workerTo.get(n)!)),
    });
    for (const n of nodes) workerTo.delete(n);
  }
  if (workerTo.size > 0) {
    // Workers no group lists any more (should not happen with an unchanged plan): one last window of one.
    phases.push({
      id: 'rollback/workers/other',
      kind: 'workers',
      title: 'roll back other workers',
      action: 'downgrade',
      group: { selector: '', maxUnavailable: 1 },
      status: 'pending',
      nodes: [...workerTo].map(([n, to]) => fresh(n, 'worker', to)),
    });
  }
  if (scope.controlPlane) {
    phases.push({
      id: 'rollback/etcd-restore',
      kind: 'etcd-restore',
      title: 'restore the etcd snapshot',
      status: 'pending',
      nodes: etcdMembers.map((m) => fresh(m, 'control-plane', '')),
    });
    const cpPhases = state.phases.filter((p) => p.kind === 'control-plane');
    for (let i = cpPhases.length - 1; i >= 0; i--) {
      const hop = cpPhases[i]!;
      const changed = hop.nodes.filter(touched);
      if (changed.length === 0) continue;
      // Back to the version before this hop: the previous hop's target, or what the node ran before the run.
      const before = (n: NodeRunState) => (i > 0 ? (cpPhases[i - 1]!.to ?? n.from) : n.from) ?? state.plan.from;
      phases.push({
        id: `rollback/control-plane/${hop.to}`,
        kind: 'control-plane',
        title: `roll back the control plane from ${hop.to}`,
        to: before(changed[0]!),
        action: 'downgrade',
        status: 'pending',
        nodes: [...changed].reverse().map((n) => fresh(n.node, 'control-plane', before(n))),
      });
    }
  }
  phases.push({ id: 'rollback/postflight', kind: 'postflight', title: 'postflight', status: 'pending', nodes: [] });
  return phases;
}
