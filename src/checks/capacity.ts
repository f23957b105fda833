/**
 * Capacity (`capacity-insufficient`): for every drain batch, whether the pods it evicts that will be
 * recreated (everything with a controller) fit on the nodes that stay schedulable — not in the batch, not
 * cordoned, Ready, taints tolerated, nodeSelector matched — by cpu, memory and pod slots, placed
 * first-fit-decreasing on what those nodes have free today. Each batch is simulated on its own from the
 * current state. Free capacity and the eligible nodes per scheduling signature are computed once, so a
 * batch costs the pods it moves, not the size of the cluster.
 */
import type { NodeInfo, PodInfo, Resources } from '../cluster/index.js';
import { evictedByDrain, formatBytes, formatCpu } from '../kube/index.js';
import type { Finding } from '../plan/index.js';
import { drainModel } from './drain-model.js';
import { count, finding, listNames, obj, podObj } from './finding.js';
import { freeResources, podFitsNode, schedulingSignature } from './scheduling.js';
import type { DrainBatch, PreflightContext } from './types.js';

export interface BatchCapacity {
  batch: DrainBatch;
  /** Sum of the requests of the pods to place. */
  requested: Resources;
  /** Free resources, before placement, on the nodes outside the batch that the evicted pods may use. */
  free: Resources;
  moved: PodInfo[];
  unplaced: PodInfo[];
}

interface Eligible {
  nodes: number[];
  members: Set<number>;
  maxCpu: number;
  maxMem: number;
}

const zero = (): Resources => ({ cpuMilli: 0, memoryBytes: 0, pods: 0 });
const add = (a: Resources, b: Resources, sign = 1): void => {
  a.cpuMilli += sign * b.cpuMilli;
  a.memoryBytes += sign * b.memoryBytes;
  a.pods += sign * b.pods;
};
const positive = (r: Resources): Resources => ({
  cpuMilli: Math.max(0, r.cpuMilli),
  memoryBytes: Math.max(0, r.memoryBytes),
  pods: Math.max(0, r.pods),
});

/** Simulates every batch from the current state; the nodes' free resources are restored after each. */
export function simulateCapacity(
  nodes: readonly NodeInfo[],
  podsByNode: ReadonlyMap<string, readonly PodInfo[]>,
  batches: readonly DrainBatch[],
  evicted: readonly (readonly PodInfo[])[],
): BatchCapacity[] {
  const sorted = [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const index = new Map(sorted.map((n, i) => [n.name, i]));
  const free = freeResources(sorted, podsByNode);
  const base = free.map(positive);
  const eligibleCache = new Map<string, Eligible>();
  const eligibleFor = (p: PodInfo, sig: string): Eligible => {
    let e = eligibleCache.get(sig);
    if (!e) {
      const list = sorted.flatMap((n, i) => (podFitsNode(p, n) ? [i] : []));
      e = { nodes: list, members: new Set(list), maxCpu: -1, maxMem: -1 };
      for (const i of list) {
        e.maxCpu = Math.max(e.maxCpu, base[i]!.cpuMilli);
        e.maxMem = Math.max(e.maxMem, base[i]!.memoryBytes);
      }
      eligibleCache.set(sig, e);
    }
    return e;
  };
  // Free resources over the nodes any of a set of signatures may use, computed once per combination.
  const unionFree = new Map<string, Resources>();
  const freeFor = (sets: Eligible[], key: string): Resources => {
    let r = unionFree.get(key);
    if (!r) {
      r = zero();
      const seen = new Set<number>();
      for (const e of sets) for (const i of e.nodes) if (!seen.has(i) && seen.add(i)) add(r, base[i]!);
      unionFree.set(key, r);
    }
    return r;
  };
  return batches.map((batch, b) => {
    const inBatch = new Set(batch.nodes.map((n) => index.get(n)).filter((i): i is number => i !== undefined));
    const moved = (evicted[b] ?? []).filter((p) => p.controller !== undefined);
    const order = [...moved].sort(
      (x, y) => y.requests.cpuMilli - x.requests.cpuMilli || y.requests.memoryBytes - x.requests.memoryBytes,
    );
    const taken: { i: number; r: Resources }[] = [];
    const unplaced: PodInfo[] = [];
    const requested = zero();
    const sigs = new Map<string, Eligible>();
    for (const p of order) {
      const r = p.requests;
      add(requested, { ...r, pods: r.pods || 1 });
      const sig = schedulingSignature(p);
      const e = eligibleFor(p, sig);
      sigs.set(sig, e);
      const slot =
        r.cpuMilli > e.maxCpu || r.memoryBytes > e.maxMem
          ? undefined
          : e.nodes.find((i) => !inBatch.has(i) && fits(free[i]!, r));
      if (slot === undefined) {
        unplaced.push(p);
        continue;
      }
      take(free[slot]!, r, -1);
      taken.push({ i: slot, r });
    }
    for (const t of taken) take(free[t.i]!, t.r, 1);
    const sets = [...sigs.values()];
    const available = { ...freeFor(sets, [...sigs.keys()].sort().join('\n')) };
    for (const i of inBatch) if (sets.some((e) => e.members.has(i))) add(available, base[i]!, -1);
    return { batch, requested, free: available, moved, unplaced };
  });
}

const fits = (free: Resources, r: Resources): boolean =>
  free.cpuMilli >= r.cpuMilli && free.memoryBytes >= r.memoryBytes && free.pods >= (r.pods || 1);
const take = (free: Resources, r: Resources, sign: 1 | -1): void => {
  free.cpuMilli += sign * r.cpuMilli;
  free.memoryBytes += sign * r.memoryBytes;
  free.pods += sign * (r.pods || 1);
};

const fmt = (r: Resources): string =>
  `cpu ${formatCpu(r.cpuMilli)}, memory ${formatBytes(r.memoryBytes)}, ${count(r.pods, 'pod')}`;

export function checkCapacity(ctx: PreflightContext): Finding[] {
  const model = drainModel(ctx);
  // Only the pods a controller recreates need room elsewhere (not those deleted for good, e.g. DaemonSet gone).
  const moved = model.evicted.map((pods) => pods.filter((p) => evictedByDrain(p, model.disposition(p))));
  const results = simulateCapacity(ctx.inventory.nodes, model.podsByNode, model.batches, moved);
  return results
    .filter((r) => r.unplaced.length > 0)
    .map((r) => {
      const short = zero();
      for (const p of r.unplaced) add(short, p.requests);
      const names = r.unplaced.map((p) => `${p.namespace}/${p.name}`);
      return finding(
        'capacity-insufficient',
        'blocker',
        `Draining ${r.batch.label} (${r.batch.nodes.join(', ')}) evicts ${count(r.moved.length, 'pod')} requesting ${fmt(r.requested)}; the nodes that stay schedulable have ${fmt(r.free)} free, and ${count(r.unplaced.length, 'pod')} (${fmt(short)}) fit nowhere: ${listNames(names)}. They would stay Pending.`,
        [
          ...r.batch.nodes.map((n) => obj('Node', n, undefined, r.batch.label)),
          ...r.unplaced.map((p) =>
            podObj(
              p,
              `requests ${fmt(p.requests)}${
                Object.keys(p.nodeSelector).length > 0
                  ? `; nodeSelector ${Object.entries(p.nodeSelector)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(',')}`
                  : ''
              }`,
            ),
          ),
        ],
        `Add capacity first (at least ${formatCpu(short.cpuMilli)} cpu and ${formatBytes(short.memoryBytes)} memory on nodes these pods can use), lower --max-unavailable so fewer nodes drain at once, uncordon spare nodes, or reduce the pods' requests/replicas.`,
      );
    });
}
