/**
 * Reads, once at the start of a worker phase, what draining each of its nodes will take from each
 * PodDisruptionBudget and which controllers it disturbs — the input of the window's {@link DisruptionSpread}.
 * One paginated pod list (requests grow with pages, not nodes); budgets come from the watch cache, with the
 * disruption controller's numbers when current, else computed from the spec as preflight does.
 */
import type { PdbInfo, PodInfo } from '../../cluster/index.js';
import { budgetOf, PodSelectorIndex } from '../../checks/index.js';
import { drainEvicts, isTerminal, type DaemonSetExists } from '../../kube/index.js';
import type { ApplyContext } from './context.js';
import { DisruptionSpread, type NodeDisruption } from './disruption-spread.js';

/** Candidates considered per start: a few windows ahead, bounded so large phases stay cheap. */
export const lookaheadFor = (window: number): number => Math.min(512, Math.max(8, 4 * window));

/** The window's spread over `nodes`, from a placement read earlier when given, else read now. */
export async function spreadFor(
  ctx: Pick<ApplyContext, 'client' | 'cache'>,
  nodes: readonly string[],
  window: number,
  early?: Placement,
): Promise<DisruptionSpread> {
  const p = early ?? (await readPlacement(ctx, nodes));
  return new DisruptionSpread(p.nodes, p.allowed, lookaheadFor(window), (key) => {
    const b = ctx.cache.pdbs.get(key);
    return b?.current ? b.disruptionsAllowed : undefined;
  });
}

/** Reads the placement again (for `DisruptionSpread.refresh`). */
export async function readPlacement(
  ctx: Pick<ApplyContext, 'client' | 'cache'>,
  nodes: readonly string[],
): Promise<Placement> {
  const pods = (await ctx.client.listPods()).filter((p) => !isTerminal(p));
  const daemonSetExists = (namespace: string, name: string) =>
    ctx.cache.workload('DaemonSet', namespace, name) !== undefined;
  return placementOf(pods, ctx.cache.pdbs.all(), nodes, daemonSetExists);
}

export interface Placement {
  nodes: Map<string, NodeDisruption>;
  allowed: Map<string, number>;
}

/**
 * The spread for `nodes` given every pod and budget of the cluster (pure; exported for tests). Without
 * `daemonSetExists`, every DaemonSet counts as existing.
 */
export function disruptionSpreadOf(
  pods: readonly PodInfo[],
  pdbs: readonly PdbInfo[],
  nodes: readonly string[],
  window: number,
  daemonSetExists: DaemonSetExists = () => true,
): DisruptionSpread {
  const p = placementOf(pods, pdbs, nodes, daemonSetExists);
  return new DisruptionSpread(p.nodes, p.allowed, lookaheadFor(window));
}

/**
 * What draining each of `nodes` takes from each budget and controller, and what each budget allows. The pods
 * counted are those kube/'s drain rules evict through the Eviction API (`drainEvicts`), as apply's drain does.
 */
export function placementOf(
  pods: readonly PodInfo[],
  pdbs: readonly PdbInfo[],
  nodes: readonly string[],
  daemonSetExists: DaemonSetExists,
): Placement {
  const wanted = new Set(nodes);
  const byNamespace = new Map<string, PodInfo[]>();
  for (const p of pods) {
    const list = byNamespace.get(p.namespace);
    if (list) list.push(p);
    else byNamespace.set(p.namespace, [p]);
  }
  const index = new PodSelectorIndex(byNamespace);
  const perNode = new Map<string, { pdbs: Map<string, number>; controllers: Map<string, number> }>();
  const of = (node: string) => {
    let d = perNode.get(node);
    if (!d) perNode.set(node, (d = { pdbs: new Map(), controllers: new Map() }));
    return d;
  };
  const evicted = (p: PodInfo): p is PodInfo & { nodeName: string } =>
    p.nodeName !== undefined && wanted.has(p.nodeName) && drainEvicts(p, daemonSetExists);
  const allowed = new Map<string, number>();
  for (const b of pdbs) {
    const key = `${b.namespace}/${b.name}`;
    const selected = index.select(b.namespace, b.selector);
    allowed.set(
      key,
      Math.max(
        0,
        b.current ? b.expectedPods - b.desiredHealthy : budgetOf(b, selected, () => undefined).bestCaseAllowed,
      ),
    );
    for (const p of selected) if (evicted(p)) bump(of(p.nodeName).pdbs, key);
  }
  for (const p of pods) if (evicted(p) && p.controller?.uid) bump(of(p.nodeName).controllers, p.controller.uid);
  return { nodes: perNode as Map<string, NodeDisruption>, allowed };
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}
