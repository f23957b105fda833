/**
 * The garbage collector (background propagation): when an owner is removed from the store, its dependents
 * (found by the owner's uid through the `owner` indexes of pods and ReplicaSets) are deleted — ReplicaSets at
 * once, pods gracefully so that the kubelet terminates them.
 */
import type { StoreEvent } from '../store/types.js';
import { WorkQueue } from './queue.js';
import { type Ctx, deletePod } from './util.js';

export class GarbageCollector {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: Ctx) {
    this.queue = new WorkQueue('garbage-collector', (uid) => this.sync(uid), ctx.report);
  }

  onEvent(ev: StoreEvent): void {
    if (ev.type === 'DELETED' && ev.resource !== 'pods') this.queue.add(ev.object.metadata.uid);
  }

  stop(): void {
    this.queue.stop();
  }

  private sync(uid: string): void {
    const store = this.ctx.store;
    for (const rs of store.byIndex('apps/replicasets', 'owner', uid))
      store.remove('apps/replicasets', rs.metadata.namespace, rs.metadata.name);
    for (const p of store.byIndex('pods', 'owner', uid)) if (!p.metadata.deletionTimestamp) deletePod(store, p);
  }
}
