/**
 * kube-scheduler, simplified: binds pending pods to a feasible node (NodeUnschedulable, TaintToleration,
 * NodeAffinity/nodeSelector, NodeResourcesFit filters, in that order) preferring the least-allocated node with
 * fewest pods of the same controller, ties broken by node name. Pods that fit nowhere get PodScheduled=False
 * (reason Unschedulable) with kube-scheduler's message, and are retried when nodes change or capacity frees.
 * Per-node requested resources are kept incrementally from pod events, never recomputed by scanning pods.
 * The filters that do not depend on resources are cached per node object and pod scheduling signature
 * (tolerations, nodeSelector, required node affinity), so the pods of one template check each node once, and
 * while no node changes they only go through the nodes that passed them.
 */
import type { KObject, StoreEvent } from '../store/types.js';
import { controllerOf, objectKey } from '../store/types.js';
import type { NodeCache } from './node-cache.js';
import { cpuMillis, parseQuantity, podRequests, type Requests } from './quantity.js';
import { Trigger, WorkQueue } from './queue.js';
import {
  firstUntolerated,
  matchesNodeSelection,
  nodeTaints,
  NOT_READY_TAINT,
  taintText,
  tolerates,
  UNSCHEDULABLE_TAINT,
} from './taints.js';
import { type Ctx, findCondition, isTerminal, nodeReady, withCondition } from './util.js';
import { refOf } from './events.js';

interface NodeUse {
  cpu: number;
  memory: number;
  pods: number;
}

interface Contribution extends Requests {
  node: string;
  owner?: string;
}

interface Allocatable extends Requests {
  pods: number;
}

/** A node that passed staticFilter, with what fit and score read. */
interface Candidate {
  node: KObject;
  alloc: Allocatable;
  use: NodeUse;
  /** 10 per pod of the controller being scheduled on the node (set only while one pod is scored). */
  penalty: number;
}

/** staticFilter for one pod scheduling signature: per node object, and over one `NodeCache.all()` array. */
interface StaticPass {
  /** Reason per node object (null: the node passes). */
  verdicts: WeakMap<KObject, string | null>;
  nodes?: KObject[];
  feasible: Candidate[];
  byName: Map<string, Candidate>;
  reasons: [string, number][];
}

const allocCache = new WeakMap<KObject, Allocatable>();

function allocatable(node: KObject): Allocatable {
  let a = allocCache.get(node);
  if (!a) {
    const al = node.status?.allocatable ?? node.status?.capacity ?? {};
    a = { cpu: cpuMillis(al.cpu), memory: parseQuantity(al.memory), pods: parseQuantity(al.pods ?? '110') };
    allocCache.set(node, a);
  }
  return a;
}

/** Why `node` cannot take a pod with this spec whatever the resources (kube-scheduler's reason), or undefined. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function staticFilter(spec: any, node: KObject): string | undefined {
  const tols = spec?.tolerations;
  if (
    node.spec?.unschedulable &&
    !(tols ?? []).some((t: object) => tolerates(t, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' }))
  ) {
    return 'node(s) were unschedulable';
  }
  let taints = nodeTaints(node);
  if (!nodeReady(node) && !taints.some((t) => t.key === NOT_READY_TAINT))
    taints = [...taints, { key: NOT_READY_TAINT, effect: 'NoSchedule' }];
  const bad = firstUntolerated(tols, taints);
  if (bad) return `node(s) had untolerated taint ${taintText(bad)}`;
  if (!matchesNodeSelection(spec, node)) return "node(s) didn't match Pod's node affinity/selector";
  return undefined;
}

/** What staticFilter reads of a pod spec, as a string (JSON, with undefined and non-finite numbers kept apart). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function schedulingSignature(spec: any): string {
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return JSON.stringify([spec?.tolerations, spec?.nodeSelector, terms], (_k, v: unknown) =>
    v === undefined ? '\u0000undefined' : typeof v === 'number' && !Number.isFinite(v) ? `\u0000${v}` : v,
  );
}

/** Why the candidate has no room for the pod (NodeResourcesFit's reason strings), or undefined when it has. */
function fit(c: Candidate, req: Requests): string[] | undefined {
  const a = c.alloc;
  const u = c.use;
  const pods = u.pods + 1 > a.pods;
  const cpu = req.cpu > 0 && u.cpu + req.cpu > a.cpu;
  const memory = req.memory > 0 && u.memory + req.memory > a.memory;
  if (!pods && !cpu && !memory) return undefined;
  const out: string[] = [];
  if (pods) out.push('Too many pods');
  if (cpu) out.push('Insufficient cpu');
  if (memory) out.push('Insufficient memory');
  return out;
}

const free = (x: number, used: number): number => (x > 0 ? Math.max(0, x - used) / x : 0);

/** LeastAllocated, minus 10 per pod of the same controller already on the node (the candidate's penalty). */
function score(c: Candidate, req: Requests): number {
  const a = c.alloc;
  const u = c.use;
  const least = ((free(a.cpu, u.cpu + req.cpu) + free(a.memory, u.memory + req.memory)) / 2) * 100;
  return least - c.penalty;
}

export function needsScheduling(p: KObject): boolean {
  const s = p.spec ?? {};
  return (
    !s.nodeName &&
    !p.metadata.deletionTimestamp &&
    !isTerminal(p) &&
    (s.schedulerName ?? 'default-scheduler') === 'default-scheduler'
  );
}

export class Scheduler {
  private readonly usage = new Map<string, NodeUse>();
  private readonly contrib = new Map<string, Contribution>();
  /** Per controller uid, how many of its pods each node has. */
  private readonly owned = new Map<string, Map<string, number>>();
  private readonly unschedulable = new Set<string>();
  /** By pod scheduling signature. */
  private readonly passes = new Map<string, StaticPass>();
  private readonly queue: WorkQueue;
  private readonly retry: Trigger;

  constructor(
    private readonly ctx: Ctx,
    private readonly nodes: NodeCache,
  ) {
    this.queue = new WorkQueue('scheduler', (k) => this.schedule(k), ctx.report);
    this.retry = new Trigger('scheduler-retry', () => this.unschedulable.forEach((k) => this.queue.add(k)), ctx.report);
  }

  resync(pods: KObject[]): void {
    for (const p of pods) {
      this.track(p);
      if (needsScheduling(p)) this.queue.add(objectKey(p.metadata.namespace, p.metadata.name));
    }
  }

  onEvent(ev: StoreEvent): void {
    if (ev.resource === 'nodes') {
      this.retry.fire();
      return;
    }
    if (ev.resource !== 'pods') return;
    const p = ev.object;
    const key = objectKey(p.metadata.namespace, p.metadata.name);
    const had = this.untrack(key);
    if (ev.type === 'DELETED') {
      this.unschedulable.delete(key);
    } else {
      this.track(p);
      if (needsScheduling(p)) this.queue.add(key);
      else this.unschedulable.delete(key);
    }
    if (had && !this.contrib.has(key)) this.retry.fire();
  }

  stop(): void {
    this.queue.stop();
    this.retry.stop();
  }

  private track(p: KObject): void {
    const node = p.spec?.nodeName;
    if (!node || isTerminal(p)) return;
    const c: Contribution = { node, ...podRequests(p), owner: controllerOf(p)?.uid };
    this.contrib.set(objectKey(p.metadata.namespace, p.metadata.name), c);
    const u = this.use(node);
    u.cpu += c.cpu;
    u.memory += c.memory;
    u.pods++;
    if (c.owner) {
      let counts = this.owned.get(c.owner);
      if (!counts) this.owned.set(c.owner, (counts = new Map()));
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
  }

  private untrack(key: string): boolean {
    const c = this.contrib.get(key);
    if (!c) return false;
    this.contrib.delete(key);
    const u = this.use(c.node);
    u.cpu -= c.cpu;
    u.memory -= c.memory;
    u.pods--;
    const counts = c.owner ? this.owned.get(c.owner) : undefined;
    if (counts) {
      const n = (counts.get(c.node) ?? 1) - 1;
      if (n > 0) counts.set(c.node, n);
      else counts.delete(c.node);
      if (counts.size === 0) this.owned.delete(c.owner!);
    }
    return true;
  }

  private use(node: string): NodeUse {
    let u = this.usage.get(node);
    if (!u) {
      u = { cpu: 0, memory: 0, pods: 0 };
      this.usage.set(node, u);
    }
    return u;
  }

  /** staticFilter over the current nodes for pods with `spec`'s scheduling signature: who passes, in order, and why the others do not. */
  private staticPass(spec: unknown): StaticPass {
    const sig = schedulingSignature(spec);
    const nodes = this.nodes.all();
    let pass = this.passes.get(sig);
    if (pass?.nodes === nodes) return pass;
    if (!pass) {
      if (this.passes.size >= 200) this.passes.clear();
      pass = { verdicts: new WeakMap(), feasible: [], byName: new Map(), reasons: [] };
      this.passes.set(sig, pass);
    }
    const reasons = new Map<string, number>();
    const feasible: Candidate[] = [];
    for (const node of nodes) {
      let why = pass.verdicts.get(node);
      if (why === undefined) {
        why = staticFilter(spec, node) ?? null;
        pass.verdicts.set(node, why);
      }
      if (why === null)
        feasible.push({ node, alloc: allocatable(node), use: this.use(node.metadata.name), penalty: 0 });
      else reasons.set(why, (reasons.get(why) ?? 0) + 1);
    }
    pass.nodes = nodes;
    pass.feasible = feasible;
    pass.byName = new Map(feasible.map((c) => [c.node.metadata.name, c]));
    pass.reasons = [...reasons];
    return pass;
  }

  private schedule(key: string): void {
    const [ns, name] = key.split('/');
    const pod = this.ctx.store.get('pods', ns, name);
    if (!pod || !needsScheduling(pod)) {
      this.unschedulable.delete(key);
      return;
    }
    const req = podRequests(pod);
    const owner = controllerOf(pod)?.uid;
    const pass = this.staticPass(pod.spec);
    const reasons = new Map<string, number>(pass.reasons);
    let best: KObject | undefined;
    let bestScore = -Infinity;
    const penalized: Candidate[] = [];
    for (const [node, n] of (owner && this.owned.get(owner)) || []) {
      const c = pass.byName.get(node);
      if (c) {
        c.penalty = n * 10;
        penalized.push(c);
      }
    }
    try {
      for (const c of pass.feasible) {
        const why = fit(c, req);
        if (why) {
          for (const r of why) reasons.set(r, (reasons.get(r) ?? 0) + 1);
          continue;
        }
        const s = score(c, req);
        if (s > bestScore) {
          best = c.node;
          bestScore = s;
        }
      }
    } finally {
      for (const c of penalized) c.penalty = 0;
    }
    if (best) {
      this.unschedulable.delete(key);
      this.bind(pod, best.metadata.name);
      return;
    }
    this.unschedulable.add(key);
    const parts = [...reasons].map(([r, n]) => `${n} ${r}`).sort();
    const message =
      this.nodes.size === 0
        ? 'no nodes available to schedule pods'
        : `0/${this.nodes.size} nodes are available: ${parts.join(', ')}.`;
    const cur = findCondition(pod, 'PodScheduled');
    if (cur?.status === 'False' && cur.message === message) return;
    const stored = this.ctx.store.mutate('pods', ns, name, (d) => {
      d.status = { phase: 'Pending', ...d.status };
      d.status.conditions = withCondition(d.status.conditions, {
        type: 'PodScheduled',
        status: 'False',
        lastProbeTime: null,
        reason: 'Unschedulable',
        message,
      });
    });
    if (stored) this.event(stored, 'Warning', 'FailedScheduling', 'Scheduling', message);
  }

  /** kube-scheduler writes events.k8s.io events, reported as `default-scheduler` from its host. */
  private event(pod: KObject, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void {
    const host = this.ctx.cluster.controlPlaneMachines()[0]?.name ?? 'sandbox';
    this.ctx.events.recordV1(refOf(pod), type, reason, action, note, 'default-scheduler', `default-scheduler-${host}`);
  }

  private bind(pod: KObject, node: string): void {
    let bound = false;
    const stored = this.ctx.store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (d) => {
      if (d.spec.nodeName || d.metadata.deletionTimestamp || d.metadata.uid !== pod.metadata.uid) return false;
      d.spec.nodeName = node;
      d.status = { phase: 'Pending', ...d.status };
      d.status.conditions = withCondition(d.status.conditions, {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
      });
      bound = true;
    });
    if (!bound || !stored) return;
    const note = `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`;
    this.event(stored, 'Normal', 'Scheduled', 'Binding', note);
  }
}
