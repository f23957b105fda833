/**
 * The write-through queue from the sandbox's in-memory store (the serving cache) to etcd: every committed
 * change becomes a put (the object's JSON without its resourceVersion, which etcd's revision stands for) or a
 * delete of its registry key. Changes are applied in commit order in transactions of up to 128 keys; pending
 * changes to one key collapse into the last one. `flushed()` resolves when everything committed so far is in etcd.
 */
import type { ObjectStore } from '../store/object-store.js';
import type { KObject, StoreEvent } from '../store/types.js';
import { MAX_TXN_OPS, type EtcdGateway, type EtcdOp } from './gateway.js';
import { etcdKey } from './keys.js';

export function etcdValue(obj: KObject): string {
  const metadata = { ...obj.metadata };
  delete (metadata as { resourceVersion?: string }).resourceVersion;
  return JSON.stringify({ ...obj, metadata });
}

export class WriteThrough {
  private pending = new Map<string, EtcdOp>();
  private running = false;
  private paused = false;
  private waiters: (() => void)[] = [];
  private unsubscribe?: () => void;
  /** The last write that failed (and was retried), for diagnostics. */
  lastError?: Error;

  constructor(
    private gateway: EtcdGateway,
    private readonly onError: (err: Error) => void = (e) => console.error(`sandbox etcd: ${e.message}`),
  ) {}

  /** Queues every object already in `store`, then follows its changes. */
  attach(store: ObjectStore, resources: string[]): void {
    for (const r of resources) for (const o of store.list(r)) this.enqueue(r, 'ADDED', o);
    this.unsubscribe = store.subscribe((ev: StoreEvent) => this.enqueue(ev.resource, ev.type, ev.object));
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Points the queue at another etcd (after a restore restarted it). */
  setGateway(gateway: EtcdGateway): void {
    this.gateway = gateway;
  }

  /** Stops sending (queued changes stay queued) until resume(). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.kick();
  }

  /** Drops every queued change (a restore replaces etcd's content wholesale). */
  discard(): void {
    this.pending.clear();
    this.settle();
  }

  get queued(): number {
    return this.pending.size;
  }

  flushed(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private enqueue(resource: string, type: StoreEvent['type'], obj: KObject): void {
    const key = etcdKey(resource, obj.metadata.namespace, obj.metadata.name);
    this.pending.delete(key);
    this.pending.set(key, type === 'DELETED' ? { type: 'delete', key } : { type: 'put', key, value: etcdValue(obj) });
    this.kick();
  }

  private idle(): boolean {
    return !this.running && (this.pending.size === 0 || this.paused);
  }

  private settle(): void {
    if (!this.idle()) return;
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  private kick(): void {
    if (this.running || this.paused || this.pending.size === 0) return;
    this.running = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.pending.size > 0 && !this.paused) {
      const batch: EtcdOp[] = [];
      for (const [key, op] of this.pending) {
        batch.push(op);
        this.pending.delete(key);
        if (batch.length >= MAX_TXN_OPS) break;
      }
      try {
        await this.gateway.txn(batch);
        failures = 0;
      } catch (e) {
        this.lastError = e as Error;
        // Put the batch back in front of anything newer for the same keys, then retry a few times.
        const rest = this.pending;
        this.pending = new Map(batch.filter((op) => !rest.has(op.key)).map((op) => [op.key, op]));
        for (const [k, op] of rest) this.pending.set(k, op);
        if (++failures >= 50) {
          this.onError(new Error(`giving up on ${this.pending.size} queued writes: ${(e as Error).message}`));
          this.pending.clear();
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.running = false;
    if (this.pending.size > 0 && !this.paused) this.kick();
    this.settle();
  }
}
