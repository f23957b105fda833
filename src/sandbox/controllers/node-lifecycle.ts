/**
 * The node lifecycle controller's taint-by-condition part: `node.kubernetes.io/unschedulable:NoSchedule`
 * follows `spec.unschedulable` (so cordon/uncordon through the API add/remove it), and
 * `node.kubernetes.io/not-ready:NoSchedule` is present while the Ready condition is not True. When a node's
 * Ready condition leaves True it records the `NodeNotReady` event (source node-controller), as
 * RecordNodeStatusChange does.
 */
import type { KObject, StoreEvent } from '../store/types.js';
import { WorkQueue } from './queue.js';
import { NOT_READY_TAINT, type Taint, UNSCHEDULABLE_TAINT } from './taints.js';
import { type Ctx, nodeReady, now } from './util.js';
import { refOf } from './events.js';

/** The taints `node` should carry: its own, with the two condition taints added or removed. */
export function desiredTaints(node: KObject, time = now()): Taint[] | undefined {
  const cur = (node.spec?.taints ?? []) as Taint[];
  const want = new Map<string, boolean>([
    [UNSCHEDULABLE_TAINT, node.spec?.unschedulable === true],
    [NOT_READY_TAINT, !nodeReady(node)],
  ]);
  let out = cur.filter((t) => !(want.has(t.key) && t.effect === 'NoSchedule' && !want.get(t.key)));
  for (const [key, on] of want) {
    if (on && !out.some((t) => t.key === key && t.effect === 'NoSchedule'))
      out = [...out, { key, effect: 'NoSchedule', timeAdded: time }];
  }
  if (out.length === cur.length && out.every((t, i) => t === cur[i])) return undefined;
  return out;
}

export class NodeLifecycle {
  private readonly queue: WorkQueue;
  private readonly notReadyEvents: WorkQueue;
  private readonly lastReady = new Map<string, boolean>();

  constructor(private readonly ctx: Ctx) {
    this.queue = new WorkQueue('node-lifecycle', (n) => this.sync(n), ctx.report);
    this.notReadyEvents = new WorkQueue('node-lifecycle-events', (n) => this.recordNotReady(n), ctx.report);
  }

  resync(nodes: KObject[]): void {
    for (const n of nodes) {
      this.lastReady.set(n.metadata.name, nodeReady(n));
      if (desiredTaints(n)) this.queue.add(n.metadata.name);
    }
  }

  onEvent(ev: StoreEvent): void {
    if (ev.resource !== 'nodes') return;
    const name = ev.object.metadata.name;
    if (ev.type === 'DELETED') {
      this.lastReady.delete(name);
      return;
    }
    const ready = nodeReady(ev.object);
    if (this.lastReady.get(name) === true && !ready) this.notReadyEvents.add(name);
    this.lastReady.set(name, ready);
    if (desiredTaints(ev.object)) this.queue.add(name);
  }

  stop(): void {
    this.queue.stop();
    this.notReadyEvents.stop();
  }

  private recordNotReady(name: string): void {
    const node = this.ctx.store.get('nodes', undefined, name);
    if (!node) return;
    const message = `Node ${name} status is now: NodeNotReady`;
    this.ctx.events.record(refOf(node), 'Normal', 'NodeNotReady', message, { component: 'node-controller' });
  }

  private sync(name: string): void {
    this.ctx.store.mutate('nodes', undefined, name, (d) => {
      const taints = desiredTaints(d);
      if (!taints) return false;
      if (taints.length > 0) d.spec = { ...d.spec, taints };
      else if (d.spec) delete d.spec.taints;
    });
  }
}
