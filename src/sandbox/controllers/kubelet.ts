/**
 * The pod side of every simulated kubelet: a pod bound to a node starts (Running, IPs, container statuses)
 * and turns Ready after `timings.podStartupMs`; a pod with a deletionTimestamp is removed after
 * min(grace period, podTerminationMs + slow-eviction delay). Nothing happens on a node whose kubelet is down
 * (restarting, or NotReady): its pods are picked up again when the node turns Ready. Pods bound to a node that
 * no longer exists are removed (pod GC). Mirror pods' readiness belongs to the static-pod controller.
 */
import type { KObject, StoreEvent } from '../store/types.js';
import { objectKey } from '../store/types.js';
import type { NodeCache } from './node-cache.js';
import { nodeInternalIP, podIpFor, runningStatus, setReady } from './pods.js';
import { WorkQueue } from './queue.js';
import { type Ctx, isMirrorPod, isPodReady, isTerminal, nodeReady, now } from './util.js';
import { refOf } from './events.js';

export class Kubelet {
  private readonly starting = new Map<string, () => void>();
  private readonly terminating = new Map<string, () => void>();
  private readonly lastReady = new Map<string, boolean>();
  private readonly ipNext = new Map<string, number>();
  private readonly queue: WorkQueue;
  private readonly nodeQueue: WorkQueue;

  constructor(
    private readonly ctx: Ctx,
    private readonly nodes: NodeCache,
  ) {
    this.queue = new WorkQueue('kubelet', (k) => this.sync(k), ctx.report);
    this.nodeQueue = new WorkQueue('kubelet-node', (n) => this.syncNode(n), ctx.report);
  }

  resync(pods: KObject[]): void {
    for (const n of this.nodes.all()) this.lastReady.set(n.metadata.name, nodeReady(n));
    for (const p of pods) if (this.needsWork(p)) this.queue.add(objectKey(p.metadata.namespace, p.metadata.name));
  }

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.resource === 'pods') {
      if (ev.type === 'DELETED') {
        this.cancel(o.metadata.uid);
        return;
      }
      if (this.needsWork(o)) this.queue.add(objectKey(o.metadata.namespace, o.metadata.name));
    } else if (ev.resource === 'nodes') {
      const name = o.metadata.name;
      const ready = ev.type !== 'DELETED' && nodeReady(o);
      if (ev.type === 'DELETED' || (ready && !this.lastReady.get(name))) this.nodeQueue.add(name);
      if (ev.type === 'DELETED') this.lastReady.delete(name);
      else this.lastReady.set(name, ready);
    }
  }

  /** Re-examines every pod of a node (its kubelet just came back). */
  kick(node: string): void {
    this.nodeQueue.add(node);
  }

  stop(): void {
    this.queue.stop();
    this.nodeQueue.stop();
  }

  /** The kubelet of `node` is running and its node Ready. Nodes without a machine entry count as running. */
  kubeletUp(node: string): boolean {
    const m = this.ctx.cluster.machines.get(node);
    return (m === undefined || m.kubelet === 'running') && nodeReady(this.nodes.get(node));
  }

  private needsWork(p: KObject): boolean {
    if (p.metadata.deletionTimestamp) return !this.terminating.has(p.metadata.uid);
    if (!p.spec?.nodeName || isTerminal(p) || isMirrorPod(p)) return false;
    return p.status?.phase !== 'Running' || (!isPodReady(p) && !this.starting.has(p.metadata.uid));
  }

  private cancel(uid: string): void {
    this.starting.get(uid)?.();
    this.starting.delete(uid);
    this.terminating.get(uid)?.();
    this.terminating.delete(uid);
  }

  private syncNode(name: string): void {
    const gone = !this.nodes.get(name);
    for (const p of this.ctx.store.byIndex('pods', 'node', name)) {
      if (gone) this.remove(p);
      else if (this.needsWork(p)) this.queue.add(objectKey(p.metadata.namespace, p.metadata.name));
    }
  }

  private remove(p: KObject): void {
    const cur = this.ctx.store.get('pods', p.metadata.namespace, p.metadata.name);
    if (cur && cur.metadata.uid === p.metadata.uid)
      this.ctx.store.remove('pods', p.metadata.namespace, p.metadata.name);
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const pod = this.ctx.store.get('pods', ns, name);
    if (!pod) return;
    const node = pod.spec?.nodeName as string | undefined;
    if (pod.metadata.deletionTimestamp) {
      this.terminate(pod, node);
      return;
    }
    if (!node || isTerminal(pod) || isMirrorPod(pod) || !this.kubeletUp(node)) return;
    if (pod.status?.phase !== 'Running') this.start(pod, node);
    else if (!isPodReady(pod) && !this.starting.has(pod.metadata.uid)) this.scheduleReady(pod);
  }

  private terminate(pod: KObject, node: string | undefined): void {
    if (!node || !this.nodes.get(node)) return this.remove(pod);
    const uid = pod.metadata.uid;
    if (this.terminating.has(uid) || pod.metadata.finalizers?.length || !this.kubeletUp(node)) return;
    this.starting.get(uid)?.();
    this.starting.delete(uid);
    if (pod.status?.phase === 'Running') {
      this.containerEvents(pod, node, [['Killing', (c) => `Stopping container ${c}`]]);
    }
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const delay = Math.min(
      grace * 1000,
      this.ctx.cluster.timings.podTerminationMs + this.ctx.cluster.faults.evictionDelayMs(),
    );
    if (delay <= 0) return this.remove(pod);
    this.terminating.set(
      uid,
      this.ctx.after(delay, () => {
        this.terminating.delete(uid);
        // A kubelet that went down meanwhile finishes the termination when it is back (kick → sync).
        if (this.kubeletUp(node)) this.remove(pod);
      }),
    );
  }

  private start(pod: KObject, node: string): void {
    const nodeObj = this.nodes.get(node);
    const hostIP = nodeInternalIP(nodeObj);
    const podIP = pod.spec?.hostNetwork ? hostIP : this.allocateIp(node, nodeObj?.spec?.podCIDR);
    const stored = this.ctx.store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (d) => {
      if (d.metadata.uid !== pod.metadata.uid || d.metadata.deletionTimestamp || d.status?.phase === 'Running')
        return false;
      d.status = runningStatus(d, hostIP, podIP, false, now());
    });
    if (stored && stored.status?.phase === 'Running' && !isPodReady(stored)) {
      this.containerEvents(stored, node, [
        ['Pulled', (c, image) => `Container image "${image}" already present on machine`],
        ['Created', (c) => `Created container: ${c}`],
        ['Started', (c) => `Started container ${c}`],
      ]);
      this.scheduleReady(stored);
    }
  }

  /** The kubelet's events (legacy recorder, source kubelet on the node) for each container of the pod, in order. */
  private containerEvents(pod: KObject, node: string, events: [string, (c: string, image: string) => string][]): void {
    const containers = (pod.spec?.containers ?? []) as { name: string; image?: string }[];
    for (const [reason, message] of events) {
      for (const c of containers) {
        const ref = refOf(pod, `spec.containers{${c.name}}`);
        const source = { component: 'kubelet', host: node };
        this.ctx.events.record(ref, 'Normal', reason, message(c.name, c.image ?? ''), source);
      }
    }
  }

  private scheduleReady(pod: KObject): void {
    const uid = pod.metadata.uid;
    const node = pod.spec.nodeName as string;
    this.starting.set(
      uid,
      this.ctx.after(this.ctx.cluster.timings.podStartupMs, () => {
        this.starting.delete(uid);
        if (!this.kubeletUp(node)) return;
        this.ctx.store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (d) => {
          if (d.metadata.uid !== uid || d.metadata.deletionTimestamp || d.status?.phase !== 'Running' || isPodReady(d))
            return false;
          setReady(d.status, true);
        });
      }),
    );
  }

  private allocateIp(node: string, podCIDR: string | undefined): string {
    const used = new Set<string>();
    for (const p of this.ctx.store.byIndex('pods', 'node', node)) if (p.status?.podIP) used.add(p.status.podIP);
    const start = this.ipNext.get(node) ?? 2 + used.size;
    for (let i = 0; i < 253; i++) {
      const octet = 2 + ((start - 2 + i) % 253);
      const ip = podIpFor(podCIDR, octet);
      if (!used.has(ip)) {
        this.ipNext.set(node, octet + 1);
        return ip;
      }
    }
    return podIpFor(podCIDR, 254);
  }
}
