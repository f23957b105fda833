/**
 * kube-scheduler, simplified: binds pending pods to a feasible node (NodeUnschedulable, TaintToleration,
 * NodeAffinity/nodeSelector, NodeResourcesFit filters, in that order) preferring the least-allocated node with
 * fewest pods of the same controller, ties broken by node name. Pods that fit nowhere get PodScheduled=False
 * (reason Unschedulable) with kube-scheduler's message, and are retried when nodes change or capacity frees.
 * Per-node requested resources are kept incrementally from pod events, never recomputed by scanning pods.
 */
import type { KObject, StoreEvent } from '../store/types.js';
import { controllerOf, objectKey } from '../store/types.js';
import type { NodeCache } from './node-cache.js';
import { cpuMillis, parseQuantity, podRequests, type Requests } from './quantity.js';
import { Trigger, WorkQueue } from './queue.js';
import { firstUntolerated, matchesNodeSelection, nodeTaints, NOT_READY_TAINT, taintText, tolerates, UNSCHEDULABLE_TAINT } from './taints.js';
import { type Ctx, findCondition, isTerminal, nodeReady, withCondition } from './util.js';

interface NodeUse {
  cpu: number;
  memory: number;
  pods: number;
  owners: Map<string, number>;
}

interface Contribution extends Requests {
  node: string;
  owner?: string;
}

interface Allocatable extends Requests {
  pods: number;
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

export function needsScheduling(p: KObject): boolean {
  const s = p.spec ?? {};
  return !s.nodeName && !p.metadata.deletionTimestamp && !isTerminal(p) && (s.schedulerName ?? 'default-scheduler') === 'default-scheduler';
}

export class Scheduler {
  private readonly usage = new Map<string, NodeUse>();
  private readonly contrib = new Map<string, Contribution>();
  private readonly unschedulable = new Set<string>();
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
    if (c.owner) u.owners.set(c.owner, (u.owners.get(c.owner) ?? 0) + 1);
  }

  private untrack(key: string): boolean {
    const c = this.contrib.get(key);
    if (!c) return false;
    this.contrib.delete(key);
    const u = this.use(c.node);
    u.cpu -= c.cpu;
    u.memory -= c.memory;
    u.pods--;
    if (c.owner) {
      const n = (u.owners.get(c.owner) ?? 1) - 1;
      if (n > 0) u.owners.set(c.owner, n);
      else u.owners.delete(c.owner);
    }
    return true;
  }

  private use(node: string): NodeUse {
    let u = this.usage.get(node);
    if (!u) {
      u = { cpu: 0, memory: 0, pods: 0, owners: new Map() };
      this.usage.set(node, u);
    }
    return u;
  }

  /** Why `node` cannot take the pod (kube-scheduler's reason strings), or undefined when it can. */
  private filter(pod: KObject, node: KObject, req: Requests): string[] | undefined {
    const tols = pod.spec?.tolerations;
    if (node.spec?.unschedulable && !(tols ?? []).some((t: object) => tolerates(t, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' }))) {
      return ['node(s) were unschedulable'];
    }
    let taints = nodeTaints(node);
    if (!nodeReady(node) && !taints.some((t) => t.key === NOT_READY_TAINT)) taints = [...taints, { key: NOT_READY_TAINT, effect: 'NoSchedule' }];
    const bad = firstUntolerated(tols, taints);
    if (bad) return [`node(s) had untolerated taint ${taintText(bad)}`];
    if (!matchesNodeSelection(pod.spec, node)) return ["node(s) didn't match Pod's node affinity/selector"];
    const a = allocatable(node);
    const u = this.use(node.metadata.name);
    const out: string[] = [];
    if (u.pods + 1 > a.pods) out.push('Too many pods');
    if (req.cpu > 0 && u.cpu + req.cpu > a.cpu) out.push('Insufficient cpu');
    if (req.memory > 0 && u.memory + req.memory > a.memory) out.push('Insufficient memory');
    return out.length > 0 ? out : undefined;
  }

  private score(node: KObject, req: Requests, owner: string | undefined): number {
    const a = allocatable(node);
    const u = this.use(node.metadata.name);
    const free = (x: number, used: number) => (x > 0 ? Math.max(0, x - used) / x : 0);
    const least = ((free(a.cpu, u.cpu + req.cpu) + free(a.memory, u.memory + req.memory)) / 2) * 100;
    return least - (owner ? (u.owners.get(owner) ?? 0) * 10 : 0);
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
    const reasons = new Map<string, number>();
    let best: KObject | undefined;
    let bestScore = -Infinity;
    for (const node of this.nodes.all()) {
      const why = this.filter(pod, node, req);
      if (why) {
        for (const r of why) reasons.set(r, (reasons.get(r) ?? 0) + 1);
        continue;
      }
      const s = this.score(node, req, owner);
      if (s > bestScore) {
        best = node;
        bestScore = s;
      }
    }
    if (best) {
      this.unschedulable.delete(key);
      this.bind(pod, best.metadata.name);
      return;
    }
    this.unschedulable.add(key);
    const parts = [...reasons].map(([r, n]) => `${n} ${r}`).sort();
    const message = this.nodes.size === 0 ? 'no nodes available to schedule pods' : `0/${this.nodes.size} nodes are available: ${parts.join(', ')}.`;
    const cur = findCondition(pod, 'PodScheduled');
    if (cur?.status === 'False' && cur.message === message) return;
    this.ctx.store.mutate('pods', ns, name, (d) => {
      d.status = { phase: 'Pending', ...d.status };
      d.status.conditions = withCondition(d.status.conditions, { type: 'PodScheduled', status: 'False', lastProbeTime: null, reason: 'Unschedulable', message });
    });
  }

  private bind(pod: KObject, node: string): void {
    this.ctx.store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (d) => {
      if (d.spec.nodeName || d.metadata.deletionTimestamp || d.metadata.uid !== pod.metadata.uid) return false;
      d.spec.nodeName = node;
      d.status = { phase: 'Pending', ...d.status };
      d.status.conditions = withCondition(d.status.conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null });
    });
  }
}
