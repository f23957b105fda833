/**
 * The rolling window's choice of the next node for a worker phase, wired to the run: the pod placement read
 * (ahead of time while the phase before runs, then again as the window moves) feeding a DisruptionSpread,
 * with the nodes an earlier attempt left in progress always first.
 */
import type { PhaseRunState } from './run-state-types.js';
import type { ApplyContext } from './context.js';
import { readPlacement, spreadFor, type Placement } from './disruption-placement.js';
import type { DisruptionSpread } from './disruption-spread.js';
import type { WindowChooser } from './window.js';

/**
 * Pod placements read while the phase before runs (typically the control plane, whose drains move few pods),
 * so that a worker window opens at once; the first refresh of the window reads it again anyway.
 */
const prefetches = new WeakMap<ApplyContext, Map<string, Promise<Placement>>>();
const prefetchesOf = (ctx: ApplyContext) => {
  let m = prefetches.get(ctx);
  if (!m) prefetches.set(ctx, (m = new Map()));
  return m;
};

export function prefetchPlacement(ctx: ApplyContext, next: PhaseRunState | undefined): void {
  const prefetched = prefetchesOf(ctx);
  if (!next || next.kind !== 'workers' || prefetched.has(next.id)) return;
  const window = next.group?.maxUnavailable ?? 1;
  const todo = next.nodes.filter((n) => n.status !== 'done' && n.status !== 'skipped').map((n) => n.node);
  if (ctx.plan.options.strategy !== 'rolling' || window < 2 || todo.length <= window) return;
  const p = readPlacement(ctx, todo);
  p.catch(() => undefined); // used (or re-read) when the phase starts
  prefetched.set(next.id, p);
}

/**
 * For a worker window of more than one node: start next the node whose drain collides least with the
 * budgets the nodes in flight are spending (disruption-spread.ts). Nodes an earlier attempt left in progress
 * still go first. Without the pod placement (the list failed) the window keeps plan order, with a warning.
 */
export async function windowChooser(
  ctx: ApplyContext,
  phase: PhaseRunState,
  nodes: string[],
  window: number,
  startedEarlier: (status: string) => boolean,
): Promise<WindowChooser<string> | undefined> {
  const status = new Map(phase.nodes.map((n) => [n.node, n.status]));
  const todo = nodes.filter((n) => status.get(n) !== 'done' && status.get(n) !== 'skipped');
  if (phase.kind !== 'workers' || window < 2 || todo.length <= window) return undefined;
  let spread: DisruptionSpread;
  try {
    const early = prefetchesOf(ctx).get(phase.id);
    prefetchesOf(ctx).delete(phase.id);
    spread = await spreadFor(ctx, todo, window, await early?.catch(() => undefined));
  } catch (e) {
    ctx.emit({
      type: 'warning',
      message: `could not read where the pods are (${(e as Error).message}); the window takes the nodes in plan order`,
    });
    return undefined;
  }
  const first = new Set(nodes.filter((n) => startedEarlier(status.get(n) ?? '')));
  // Every window's worth of finished nodes, read the placement again: the pods they evicted now sit on
  // nodes still waiting. At most one read at a time; picks go on with the last placement meanwhile.
  const waiting = new Set(todo);
  let finished = 0;
  let reading = false;
  const refresh = () => {
    if (reading || waiting.size <= window) return;
    reading = true;
    readPlacement(ctx, [...waiting])
      .then((p) => spread.refresh(p.nodes, p.allowed))
      .catch(() => undefined) // the previous placement stays; the next refresh tries again
      .finally(() => (reading = false));
  };
  return {
    pick: (w) => (first.has(w[0]!) ? 0 : spread.pick(w)),
    start: (n) => {
      waiting.delete(n);
      spread.start(n);
    },
    finish: (n) => {
      spread.finish(n);
      if (++finished % window === 0) refresh();
    },
  };
}
