/**
 * Which node the rolling window starts next. Taken in plan order, the window holds neighbouring nodes, and
 * schedulers often put the replicas of one workload on neighbouring nodes: the window then drains several
 * pods under the same PodDisruptionBudget at once, the budget lets them through one at a time, and every
 * node in the window waits for the others' replacements. Instead, among the next waiting nodes (a bounded
 * look-ahead, so the order stays close to the plan's, which spreads zones), the window starts the one whose
 * evictions need the least budget that the nodes in flight are already spending; then the one sharing the
 * fewest controllers with them (its health gate waits for those workloads); ties go to plan order.
 *
 * It reorders, never skips or adds: every node still goes through the same steps. Pure bookkeeping over a
 * pod placement read at the start of the phase and refreshed as the window moves (evicted pods land on
 * nodes still waiting), plus the budgets' live status.
 */

/** What draining one node takes from each budget, and which controllers it disturbs. */
export interface NodeDisruption {
  /** Evicted pods per PodDisruptionBudget (`namespace/name`). */
  pdbs: ReadonlyMap<string, number>;
  /** Evicted pods per controller uid. */
  controllers: ReadonlyMap<string, number>;
}

export class DisruptionSpread {
  private readonly pdbLoad = new Map<string, number>();
  private readonly controllerLoad = new Map<string, number>();
  /** What each node in flight was counted for when it started (a refreshed placement does not change it). */
  private readonly counted = new Map<string, NodeDisruption>();

  /**
   * @param nodes what each node's drain takes (nodes not in it take nothing)
   * @param allowed disruptions each budget allows when its pods are healthy
   * @param lookahead how many waiting nodes, in plan order, are considered for each start
   * @param liveAllowed disruptions a budget allows right now (the disruption controller's status), when known
   */
  constructor(
    private nodes: ReadonlyMap<string, NodeDisruption>,
    private allowed: ReadonlyMap<string, number>,
    private readonly lookahead: number,
    private readonly liveAllowed: (pdb: string) => number | undefined = () => undefined,
  ) {}

  /** A newer placement (pods evicted earlier have landed on nodes still waiting). */
  refresh(nodes: ReadonlyMap<string, NodeDisruption>, allowed: ReadonlyMap<string, number>): void {
    this.nodes = nodes;
    this.allowed = allowed;
  }

  /** The index in `waiting` (plan order) of the node to start next. */
  pick(waiting: readonly string[]): number {
    let best = 0;
    let bestScore: [number, number] | undefined;
    const n = Math.min(waiting.length, Math.max(1, this.lookahead));
    for (let i = 0; i < n; i++) {
      const score = this.score(waiting[i]!);
      if (!bestScore || score[0] < bestScore[0] || (score[0] === bestScore[0] && score[1] < bestScore[1])) {
        best = i;
        bestScore = score;
        if (score[0] === 0 && score[1] === 0) break; // nothing shared: plan order wins
      }
    }
    return best;
  }

  /** Records a node entering the window. */
  start(node: string): void {
    const d = this.nodes.get(node);
    if (!d) return;
    this.counted.set(node, d);
    this.add(d, 1);
  }

  /** Records a node leaving the window (done, failed or stopped). */
  finish(node: string): void {
    const d = this.counted.get(node);
    if (!d) return;
    this.counted.delete(node);
    this.add(d, -1);
  }

  /**
   * [evictions that would have to wait — beyond what the budgets allow given the nodes in flight, or beyond
   * what they allow right now —; pods of controllers shared with the nodes in flight].
   */
  private score(node: string): [number, number] {
    const d = this.nodes.get(node);
    if (!d) return [0, 0];
    let over = 0;
    for (const [pdb, pods] of d.pdbs) {
      const inFlight = this.pdbLoad.get(pdb) ?? 0;
      // The node's own pods alone cause no wait the window could avoid.
      const planned = inFlight === 0 ? 0 : Math.max(0, Math.min(pods, inFlight + pods - (this.allowed.get(pdb) ?? 1)));
      const live = this.liveAllowed(pdb);
      over += Math.max(planned, live === undefined ? 0 : Math.max(0, Math.min(pods, pods - live)));
    }
    let shared = 0;
    for (const [c, pods] of d.controllers) if ((this.controllerLoad.get(c) ?? 0) > 0) shared += pods;
    return [over, shared];
  }

  private add(d: NodeDisruption, sign: 1 | -1): void {
    for (const [pdb, pods] of d.pdbs) bump(this.pdbLoad, pdb, sign * pods);
    for (const [c, pods] of d.controllers) bump(this.controllerLoad, c, sign * pods);
  }
}

function bump(m: Map<string, number>, k: string, by: number): void {
  const v = (m.get(k) ?? 0) + by;
  if (v <= 0) m.delete(k);
  else m.set(k, v);
}
