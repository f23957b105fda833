/**
 * Events as the sandbox's components write them, the way client-go's recorders do: the legacy recorder
 * (`source`, `firstTimestamp`/`lastTimestamp`, `count`; what the kubelets and kube-controller-manager use) and the
 * events.k8s.io recorder (`eventTime`, `reportingController`/`reportingInstance`, `action`, a `series` for
 * repeats; what kube-scheduler uses). A repeat of the same event (same source, object, type, reason and message)
 * updates the stored one instead of adding another, like client-go's EventCorrelator. Events for cluster-scoped
 * objects (nodes) go to `default`. The EventPruner keeps at most MAX_EVENTS_PER_NAMESPACE per namespace, oldest
 * removed first (the apiserver expires events after --event-ttl, 1h by default; a bound on the count keeps a
 * 5,000-node sandbox's memory flat however long it runs).
 *
 * Must not be called from inside a store listener (it writes to the store).
 */
import type { ObjectStore } from '../store/object-store.js';
import { isoSeconds } from '../store/object-store.js';
import type { KObject, StoreEvent } from '../store/types.js';
import type { ErrorReporter } from './queue.js';
import { WorkQueue } from './queue.js';

export const MAX_EVENTS_PER_NAMESPACE = 1000;
/** How many distinct events the correlator remembers (client-go's LRU holds 4096). */
const CORRELATOR_SIZE = 4096;

export interface ObjectRef {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface EventSource {
  component: string;
  host?: string;
}

export type EventType = 'Normal' | 'Warning';

/** The reference an event carries to `obj` (its kind and apiVersion as stored). */
export function refOf(obj: KObject, fieldPath?: string): ObjectRef {
  const m = obj.metadata;
  return {
    kind: obj.kind ?? '',
    apiVersion: obj.apiVersion ?? 'v1',
    name: m.name,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    uid: m.uid,
    resourceVersion: m.resourceVersion,
    ...(fieldPath ? { fieldPath } : {}),
  };
}

/** The kubelet's reference to its Node: the uid is the node's name (kubelet has always done so). */
export function kubeletNodeRef(node: string): ObjectRef {
  return { kind: 'Node', apiVersion: 'v1', name: node, uid: node };
}

const microTime = (d: Date): string => d.toISOString().replace(/Z$/, '000Z');

export class EventRecorder {
  private readonly seen = new Map<string, { ns: string; name: string }>();
  private seq = 0;

  constructor(private readonly store: ObjectStore) {}

  /** Legacy recorder (client-go `record`): a repeat bumps `count` and `lastTimestamp`. */
  record(ref: ObjectRef, type: EventType, reason: string, message: string, source: EventSource): void {
    const key = [
      'legacy',
      source.component,
      source.host,
      ref.kind,
      ref.namespace,
      ref.name,
      ref.uid,
      ref.fieldPath,
      type,
      reason,
      message,
    ].join('\u0000');
    const t = isoSeconds(new Date());
    if (
      this.bump(key, (d) => {
        d.count = ((d.count as number | undefined) ?? 1) + 1;
        d.lastTimestamp = t;
      })
    )
      return;
    this.create(key, ref, {
      reason,
      message,
      source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
  }

  /** events.k8s.io recorder: `eventTime`, reporting controller/instance and action; a repeat becomes a series. */
  recordV1(
    ref: ObjectRef,
    type: EventType,
    reason: string,
    action: string,
    note: string,
    controller: string,
    instance: string,
  ): void {
    const key = [
      'v1',
      controller,
      instance,
      ref.kind,
      ref.namespace,
      ref.name,
      ref.uid,
      type,
      reason,
      action,
      note,
    ].join('\u0000');
    const t = microTime(new Date());
    if (
      this.bump(key, (d) => {
        const count = ((d.series as { count?: number } | undefined)?.count ?? 1) + 1;
        d.series = { count, lastObservedTime: t };
      })
    )
      return;
    this.create(key, ref, {
      reason,
      message: note,
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type,
      eventTime: t,
      action,
      reportingComponent: controller,
      reportingInstance: instance,
    });
  }

  /** Updates the stored event for `key`; false when there is none (never recorded, or pruned since). */
  private bump(key: string, fn: (d: KObject) => void): boolean {
    const at = this.seen.get(key);
    if (!at || !this.store.get('events', at.ns, at.name)) return false;
    this.seen.delete(key);
    this.seen.set(key, at);
    this.store.mutate('events', at.ns, at.name, (d) => {
      fn(d);
    });
    return true;
  }

  private create(key: string, ref: ObjectRef, fields: Record<string, unknown>): void {
    const ns = ref.namespace ?? 'default';
    if (!this.store.get('namespaces', undefined, ns)) return;
    // client-go: `<object>.<unix nanoseconds in hex>`; a sequence number keeps names in one millisecond apart.
    const nanos = BigInt(Date.now()) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
    const name = `${ref.name}.${nanos.toString(16)}`;
    this.store.create('events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns, uid: '', resourceVersion: '', creationTimestamp: '' },
      involvedObject: ref,
      ...fields,
    });
    this.seen.set(key, { ns, name });
    if (this.seen.size > CORRELATOR_SIZE) this.seen.delete(this.seen.keys().next().value!);
  }
}

/** Keeps the newest MAX_EVENTS_PER_NAMESPACE events of each namespace, whoever wrote them. */
export class EventPruner {
  private readonly order = new Map<string, string[]>();
  private readonly queue: WorkQueue;

  constructor(
    private readonly store: ObjectStore,
    report: ErrorReporter,
    private readonly limit = MAX_EVENTS_PER_NAMESPACE,
  ) {
    this.queue = new WorkQueue('event-pruner', (ns) => this.prune(ns), report);
  }

  resync(): void {
    const all = [...this.store.list('events')].sort(
      (a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
    );
    for (const e of all) this.add(e);
  }

  onEvent(ev: StoreEvent): void {
    if (ev.resource === 'events' && ev.type === 'ADDED') this.add(ev.object);
  }

  stop(): void {
    this.queue.stop();
  }

  private add(e: KObject): void {
    const ns = e.metadata.namespace ?? '';
    let list = this.order.get(ns);
    if (!list) this.order.set(ns, (list = []));
    list.push(e.metadata.name);
    if (list.length > this.limit) this.queue.add(ns);
  }

  private prune(ns: string): void {
    const list = this.order.get(ns);
    if (!list) return;
    const drop = list.splice(0, Math.max(0, list.length - this.limit));
    for (const name of drop) if (this.store.get('events', ns, name)) this.store.remove('events', ns, name);
  }
}
