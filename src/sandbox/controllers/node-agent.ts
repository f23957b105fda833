/**
 * The node side of every simulated kubelet: Lease heartbeats in `kube-node-lease` (staggered over the
 * heartbeat interval so 5,000 nodes do not renew in one burst), and the kubelet restart after an upgrade
 * (Ready=False/KubeletNotReady for `timings.kubeletRestartMs`, then Ready at the new version — unless the
 * node-never-ready fault holds, which is re-checked on every heartbeat).
 */
import { randomUUID } from 'node:crypto';
import { parseVersion } from '../cluster.js';
import type { KObject } from '../store/types.js';
import type { Kubelet } from './kubelet.js';
import type { NodeCache } from './node-cache.js';
import { type Ctx, microTime, now, withCondition } from './util.js';
import { kubeletNodeRef } from './events.js';

const SLICES = 10;

export function leaseFor(node: KObject, durationSeconds = 40): KObject {
  const t = microTime();
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node.metadata.name,
      namespace: 'kube-node-lease',
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }],
    },
    spec: { holderIdentity: node.metadata.name, leaseDurationSeconds: durationSeconds, renewTime: t },
  };
}

/** What the kubelet reports in nodeInfo for a version: kubeProxyVersion is left empty from 1.33 on. */
export function kubeProxyVersionFor(version: string): string {
  return parseVersion(version).minor < 33 ? version : '';
}

export class NodeAgent {
  private tick = 0;
  /** Restarted kubelets waiting for their start-up delay or for a node-never-ready fault to clear: node → version. */
  private readonly restarting = new Map<string, { version: string; due: boolean; cancel: () => void }>();

  constructor(
    private readonly ctx: Ctx,
    private readonly nodes: NodeCache,
    private readonly kubelet: Kubelet,
  ) {}

  start(): void {
    const hb = this.ctx.cluster.timings.heartbeatMs;
    this.ctx.every(Math.max(1, hb / SLICES), () => this.heartbeat());
  }

  restartKubelet(node: string, version: string): void {
    parseVersion(version);
    this.restarting.get(node)?.cancel();
    const m = this.ctx.cluster.machines.get(node);
    if (m) m.kubelet = 'restarting';
    this.setReady(node, false);
    this.nodeEvent(node, 'NodeNotReady', `Node ${node} status is now: NodeNotReady`);
    const entry = { version, due: false, cancel: () => {} };
    entry.cancel = this.ctx.after(this.ctx.cluster.nodeKubeletRestartMs(node), () => {
      entry.due = true;
      this.tryComeUp(node);
    });
    this.restarting.set(node, entry);
  }

  /** Kubelet restarts still in progress: [node, version they come back at]. */
  pendingRestarts(): [string, string][] {
    return [...this.restarting].map(([node, e]) => [node, e.version]);
  }

  private tryComeUp(node: string): void {
    const entry = this.restarting.get(node);
    if (!entry || !entry.due || this.ctx.cluster.faults.nodeNeverReady(node)) return;
    this.restarting.delete(node);
    const m = this.ctx.cluster.machines.get(node);
    if (m) {
      m.kubelet = 'running';
      m.kubeletVersion = entry.version;
    }
    this.nodeEvent(node, 'Starting', 'Starting kubelet.');
    this.nodeEvent(node, 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    this.setReady(node, true, entry.version);
    this.nodeEvent(node, 'NodeReady', `Node ${node} status is now: NodeReady`);
    this.renew(node);
    this.kubelet.kick(node);
  }

  /** An event the kubelet records about its node (its reference's uid is the node name, as the kubelet's is). */
  private nodeEvent(node: string, reason: string, message: string): void {
    this.ctx.events.record(kubeletNodeRef(node), 'Normal', reason, message, { component: 'kubelet', host: node });
  }

  private setReady(node: string, ready: boolean, version?: string): void {
    const t = now();
    this.ctx.store.mutate('nodes', undefined, node, (d) => {
      d.status = d.status ?? {};
      const cond = ready
        ? {
            type: 'Ready',
            status: 'True' as const,
            lastHeartbeatTime: t,
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
          }
        : {
            type: 'Ready',
            status: 'False' as const,
            lastHeartbeatTime: t,
            reason: 'KubeletNotReady',
            message: 'container runtime status check may not have completed yet',
          };
      d.status.conditions = withCondition(d.status.conditions, cond, t);
      for (const c of d.status.conditions) if (c.lastHeartbeatTime) c.lastHeartbeatTime = t;
      if (version) {
        d.status.nodeInfo = {
          ...d.status.nodeInfo,
          kubeletVersion: version,
          kubeProxyVersion: kubeProxyVersionFor(version),
          bootID: randomUUID(),
        };
      }
    });
  }

  private heartbeat(): void {
    const slice = this.tick++ % SLICES;
    for (const node of this.restarting.keys()) if (slice === 0) this.tryComeUp(node);
    const all = this.nodes.all();
    for (let i = slice; i < all.length; i += SLICES) this.renew(all[i].metadata.name);
  }

  private renew(node: string): void {
    const m = this.ctx.cluster.machines.get(node);
    if (m && m.kubelet !== 'running') return;
    const store = this.ctx.store;
    const lease = store.get('coordination.k8s.io/leases', 'kube-node-lease', node);
    if (!lease) {
      const n = this.nodes.get(node);
      if (n && store.get('namespaces', undefined, 'kube-node-lease'))
        store.create('coordination.k8s.io/leases', leaseFor(n));
      return;
    }
    store.update('coordination.k8s.io/leases', {
      ...lease,
      metadata: { ...lease.metadata },
      spec: { ...lease.spec, renewTime: microTime() },
    });
  }

  stop(): void {
    for (const e of this.restarting.values()) e.cancel();
    this.restarting.clear();
  }
}
