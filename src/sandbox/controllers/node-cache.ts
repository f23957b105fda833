/**
 * The controllers' view of the nodes, kept from store events: by name, and as a name-sorted list rebuilt only
 * when nodes come or go (5,000 nodes must not be re-sorted on every pod event).
 */
import type { ObjectStore } from '../store/object-store.js';
import type { KObject, StoreEvent } from '../store/types.js';

export class NodeCache {
  private readonly nodes = new Map<string, KObject>();
  private names: string[] | undefined;
  private sorted: KObject[] | undefined;

  load(store: ObjectStore): void {
    this.nodes.clear();
    for (const n of store.list('nodes')) this.nodes.set(n.metadata.name, n);
    this.names = undefined;
    this.sorted = undefined;
  }

  onEvent(ev: StoreEvent): void {
    if (ev.resource !== 'nodes') return;
    const name = ev.object.metadata.name;
    if (ev.type !== 'MODIFIED') this.names = undefined;
    if (ev.type === 'DELETED') this.nodes.delete(name);
    else this.nodes.set(name, ev.object);
    this.sorted = undefined;
  }

  get(name: string): KObject | undefined {
    return this.nodes.get(name);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** All nodes, sorted by name. The array is shared: do not modify it. */
  all(): KObject[] {
    if (!this.names) this.names = [...this.nodes.keys()].sort();
    if (!this.sorted) this.sorted = this.names.map((n) => this.nodes.get(n)!);
    return this.sorted;
  }
}
