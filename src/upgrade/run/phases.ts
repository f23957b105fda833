/**
 * The phases of a run, built from a plan: the plan's hops in execution order, an etcd-snapshot phase before the
 * first control-plane hop (before each with `perHop`),
 * (`planSequence`): a control-plane hop is one phase (its nodes one at a time, `nodes[0]` first); a worker hop
 * is one phase per worker group, in group order, its nodes in the group's batch order. Postflight closes the
 * run. Pure: the same plan always gives the same phases, so a resumed run finds its journal entries again.
 */
import { planSequence, type PlanGroup, type UpgradePlan } from '../../plan/index.js';
import type { NodeRunState, PhaseRunState } from './run-state-types.js';

export const ETCD_PHASE_ID = 'etcd-snapshot';
export const POSTFLIGHT_PHASE_ID = 'postflight';

/** A group's label for ids and titles: its selector, or `other workers` for the implicit last group. */
export const groupLabel = (g: Pick<PlanGroup, 'selector' | 'implicit'>): string =>
  g.implicit || g.selector === '' ? 'other workers' : g.selector;

function node(name: string, role: NodeRunState['role'], to: string): NodeRunState {
  return { node: name, role, to, status: 'pending', cordonedByUs: false, evictions: 0, blockedMs: 0, driverRuns: 0 };
}

export function buildPhases(plan: UpgradePlan): PhaseRunState[] {
  const phases: PhaseRunState[] = [];
  let cpHops = 0;
  for (const step of planSequence(plan)) {
    if (step.kind === 'control-plane') {
      const { to, nodes } = step.hop;
      // A verified etcd snapshot right before the first control-plane change (and before every hop with perHop).
      if (cpHops++ === 0 || plan.options.etcdSnapshot.perHop) {
        phases.push({
          id: `${ETCD_PHASE_ID}/${to}`,
          kind: 'etcd-snapshot',
          title: `etcd snapshot before ${to}`,
          to,
          status: 'pending',
          nodes: [],
        });
      }
      phases.push({
        id: `control-plane/${to}`,
        kind: 'control-plane',
        title: `control plane → ${to}`,
        to,
        status: 'pending',
        nodes: nodes.map((n) => node(n, 'control-plane', to)),
      });
      continue;
    }
    const { to, nodes } = step.hop;
    const inHop = new Set(nodes);
    for (const g of plan.groups) {
      const ordered = g.batches.flat().filter((n) => inHop.has(n));
      if (ordered.length === 0) continue;
      const label = groupLabel(g);
      phases.push({
        id: `workers/${to}/${label}`,
        kind: 'workers',
        title: `workers ${label} → ${to}`,
        to,
        group: { selector: g.selector, maxUnavailable: Math.max(1, g.maxUnavailable) },
        status: 'pending',
        nodes: ordered.map((n) => node(n, 'worker', to)),
      });
    }
  }
  phases.push({ id: POSTFLIGHT_PHASE_ID, kind: 'postflight', title: 'postflight', status: 'pending', nodes: [] });
  return phases;
}

/** The batches of a worker phase for `--strategy batch`: the plan's batches restricted to the phase's nodes. */
export function phaseBatches(plan: UpgradePlan, phase: PhaseRunState): string[][] {
  const group = plan.groups.find((g) => g.selector === phase.group?.selector);
  const members = new Set(phase.nodes.map((n) => n.node));
  if (!group) return phase.nodes.map((n) => [n.node]);
  return group.batches.map((b) => b.filter((n) => members.has(n))).filter((b) => b.length > 0);
}
