/**
 * The drains apply will run, as data: the batches in execution order (control-plane nodes one at a time,
 * then the worker batches group by group), only with the nodes the version path actually upgrades, and what
 * each batch does to the pods on its nodes — classified by kube/'s drain rules, the ones apply's drain runs,
 * with the plan's options and "does this DaemonSet exist" answered from the inventory's workloads. Built
 * once per context from in-memory indexes.
 */
import type { PodInfo, WorkloadInfo } from '../cluster/index.js';
import { classifyPod, drainTakesReplica, isTerminal, topOwnerOf } from '../kube/index.js';
import type { PodDisposition, TopOwner } from '../kube/index.js';
import type { DrainBatch, Inventory, PreflightContext } from './types.js';

export interface DrainModel {
  batches: DrainBatch[];
  /**
   * The running pods each batch takes away — evicted, deleted, or refused until an option allows it (kube's
   * `drainTakesReplica`) — same order as `batches`.
   */
  evicted: PodInfo[][];
  /** What apply's drain does with a pod of a drained node (only pods in `evicted` are asked about). */
  disposition(p: PodInfo): PodDisposition;
  /** Every non-finished pod by node. */
  podsByNode: Map<string, PodInfo[]>;
  /** Pods by namespace (for PDB selectors). */
  podsByNamespace: Map<string, PodInfo[]>;
  workloads: WorkloadIndex;
}

const cache = new WeakMap<PreflightContext, DrainModel>();

export function drainModel(ctx: PreflightContext): DrainModel {
  const hit = cache.get(ctx);
  if (hit) return hit;
  const model = buildDrainModel(ctx);
  cache.set(ctx, model);
  return model;
}

function buildDrainModel(ctx: PreflightContext): DrainModel {
  const { inventory } = ctx;
  const podsByNode = new Map<string, PodInfo[]>();
  const podsByNamespace = new Map<string, PodInfo[]>();
  for (const p of inventory.pods) {
    if (isTerminal(p)) continue;
    push(podsByNamespace, p.namespace, p);
    if (p.nodeName) push(podsByNode, p.nodeName, p);
  }
  const batches = drainBatches(ctx);
  const workloads = indexWorkloads(inventory);
  const daemonSetExists = (namespace: string, name: string) =>
    workloads.get('DaemonSet', namespace, name) !== undefined;
  const dispositions = new Map<PodInfo, PodDisposition>();
  const disposition = (p: PodInfo): PodDisposition => {
    let d = dispositions.get(p);
    if (!d) dispositions.set(p, (d = classifyPod(p, ctx.options, daemonSetExists)));
    return d;
  };
  const takes = (p: PodInfo) => drainTakesReplica(p, disposition(p));
  const evicted = batches.map((b) => b.nodes.flatMap((n) => (podsByNode.get(n) ?? []).filter(takes)));
  return { batches, evicted, disposition, podsByNode, podsByNamespace, workloads };
}

const withBatch = new WeakMap<DrainModel, { pod: PodInfo; batch: string }[]>();

/** Every evicted pod with the label of the batch that evicts it (built once per model; callers must not change it). */
export function evictedWithBatch(model: DrainModel): readonly { pod: PodInfo; batch: string }[] {
  let out = withBatch.get(model);
  if (!out) {
    out = model.evicted.flatMap((pods, i) => pods.map((pod) => ({ pod, batch: model.batches[i]?.label ?? '' })));
    withBatch.set(model, out);
  }
  return out;
}

/** The batches apply drains, restricted to the nodes the path upgrades. */
export function drainBatches(ctx: Pick<PreflightContext, 'batches' | 'path'>): DrainBatch[] {
  const steps = ctx.path.steps;
  const controlPlaneMoves = steps.some((s) => s.kind === 'control-plane');
  const movedWorkers = new Set(steps.flatMap((s) => (s.kind === 'workers' ? s.nodes.map((n) => n.node) : [])));
  const out: DrainBatch[] = [];
  if (controlPlaneMoves)
    for (const n of ctx.batches.controlPlaneNodes) out.push({ label: `control-plane node ${n}`, nodes: [n] });
  for (const g of ctx.batches.groups) {
    const name = g.implicit ? 'remaining workers' : `workers "${g.selector}"`;
    g.batches.forEach((b, i) => {
      const nodes = b.filter((n) => movedWorkers.has(n));
      if (nodes.length > 0) out.push({ label: `${name} batch ${i + 1}/${g.batches.length}`, nodes: [...nodes] });
    });
  }
  return out;
}

export interface WorkloadIndex {
  get(kind: string, namespace: string, name: string): WorkloadInfo | undefined;
  /** The workload a pod belongs to for people: a ReplicaSet's Deployment, else the controller itself. */
  topOwner(p: PodInfo): TopOwner | undefined;
  /** Desired replicas of the pod's controller (the disruption controller's "scale"), when known. */
  scaleOf(p: PodInfo): number | undefined;
}

export function indexWorkloads(inventory: Pick<Inventory, 'workloads'>): WorkloadIndex {
  const byKey = new Map(inventory.workloads.map((w) => [`${w.kind}/${w.namespace}/${w.name}`, w]));
  const get = (kind: string, namespace: string, name: string) => byKey.get(`${kind}/${namespace}/${name}`);
  // Pods share controllers (a ReplicaSet has many pods): the answer is kept per controller.
  const byController = new Map<string, ReturnType<WorkloadIndex['topOwner']>>();
  const topOwner: WorkloadIndex['topOwner'] = (p) => {
    const c = p.controller;
    if (!c) return undefined;
    if (!c.uid) return resolveOwner(p);
    let hit = byController.get(c.uid);
    if (hit === undefined && !byController.has(c.uid)) byController.set(c.uid, (hit = resolveOwner(p)));
    return hit;
  };
  const resolveOwner: WorkloadIndex['topOwner'] = (p) => topOwnerOf(p, get);
  return { get, topOwner, scaleOf: (p) => topOwner(p)?.replicas };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
