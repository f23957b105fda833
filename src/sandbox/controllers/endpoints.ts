/**
 * The endpoint controllers of kube-controller-manager (the EndpointSlice controller and the legacy Endpoints
 * controller, one queue for both): for every Service with a selector, keeps its managed EndpointSlices and its
 * `v1/Endpoints` in step with the pods it selects (see endpoint-slices.ts for what they hold). Existing slices are
 * updated in place, endpoints that are gone are dropped, new ones fill slices with room before a new slice is
 * created, empty slices are deleted, and a Service without endpoints keeps one empty placeholder slice, as the
 * real reconciler does. A deleted Service loses its slices and Endpoints.
 *
 * Incremental: a pod event requeues only the Services that select the pod now or did before (Services indexed by
 * one selector label, pods found through the pod label index), so a 100,000-pod cluster costs a few lookups per
 * pod change. Must not write to the store from inside a store listener.
 */
import type { ObjectStore } from '../store/object-store.js';
import type { KObject, StoreEvent } from '../store/types.js';
import { objectKey } from '../store/types.js';
import { seededRandom } from '../clock.js';
import {
  CONTROLLER_NAME,
  desiredEndpoints,
  type Endpoint,
  endpointsObject,
  MANAGED_BY_LABEL,
  MAX_ENDPOINTS_PER_SLICE,
  newSlice,
  portsKey,
  selectedPods,
  selects,
  SERVICE_NAME_LABEL,
  serviceSelector,
  sliceLabels,
  type SlicePort,
  zoneLookup,
} from './endpoint-slices.js';
import { WorkQueue } from './queue.js';
import { type Ctx, randomSuffix, sameJson } from './util.js';

const SLICES = 'discovery.k8s.io/endpointslices';
/** Services by their first selector label (`<ns>/<key>=<value>`; `<ns>/` for an empty selector). */
export const SERVICE_SELECTOR_INDEX = 'selector';
/** EndpointSlices by the Service named in their `kubernetes.io/service-name` label (`<ns>/<service>`). */
export const SLICE_SERVICE_INDEX = 'service';

/** The store indexes the endpoint controllers read. Idempotent. */
export function ensureEndpointIndexes(store: ObjectStore): void {
  if (!store.hasIndex('services', SERVICE_SELECTOR_INDEX)) {
    store.addIndex('services', SERVICE_SELECTOR_INDEX, (s) => {
      const sel = serviceSelector(s);
      if (!sel) return undefined;
      const first = Object.keys(sel).sort()[0];
      return first === undefined ? `${s.metadata.namespace}/` : `${s.metadata.namespace}/${first}=${sel[first]}`;
    });
  }
  if (!store.hasIndex(SLICES, SLICE_SERVICE_INDEX)) {
    store.addIndex(SLICES, SLICE_SERVICE_INDEX, (s) => {
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      return svc ? `${s.metadata.namespace}/${svc}` : undefined;
    });
  }
}

const managed = (s: KObject): boolean => s.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME;
const uidOf = (e: Endpoint): string | undefined => e.targetRef?.uid;

interface PlannedSlice {
  slice?: KObject;
  ports: SlicePort[] | null;
  endpoints: Endpoint[] | null;
}

/** How the Service's current slices become the desired ones: keep, refill, add, and which to delete. */
export function planSlices(
  existing: KObject[],
  desired: Map<string, { ports: SlicePort[]; endpoints: Endpoint[] }>,
): { keep: PlannedSlice[]; remove: KObject[] } {
  const byKey = new Map<string, KObject[]>();
  for (const s of existing) {
    const k = portsKey(s.ports as SlicePort[] | null);
    const list = byKey.get(k);
    if (list) list.push(s);
    else byKey.set(k, [s]);
  }
  const keep: PlannedSlice[] = [];
  const remove: KObject[] = [];
  for (const [key, group] of desired) {
    const want = new Map<string, Endpoint>();
    for (const e of group.endpoints) want.set(uidOf(e)!, e);
    const slices = byKey.get(key) ?? [];
    byKey.delete(key);
    const planned: PlannedSlice[] = slices.map((s) => {
      const endpoints: Endpoint[] = [];
      for (const e of (s.endpoints ?? []) as Endpoint[]) {
        const uid = uidOf(e);
        const next = uid === undefined ? undefined : want.get(uid);
        if (next) {
          endpoints.push(next);
          want.delete(uid!);
        }
      }
      return { slice: s, ports: group.ports, endpoints };
    });
    const rest = [...want.values()];
    for (const p of planned)
      if (rest.length > 0 && p.endpoints!.length < MAX_ENDPOINTS_PER_SLICE)
        p.endpoints!.push(...rest.splice(0, MAX_ENDPOINTS_PER_SLICE - p.endpoints!.length));
    while (rest.length > 0) planned.push({ ports: group.ports, endpoints: rest.splice(0, MAX_ENDPOINTS_PER_SLICE) });
    for (const p of planned) {
      if (p.endpoints!.length > 0) keep.push(p);
      else if (p.slice) remove.push(p.slice);
    }
  }
  for (const list of byKey.values()) remove.push(...list);
  if (keep.length === 0) {
    // No endpoints: one placeholder slice (no ports, no endpoints) stays, reusing a current one when there is one.
    const reuse = remove.shift();
    keep.push({ slice: reuse, ports: null, endpoints: null });
  }
  return { keep, remove };
}

export class EndpointsController {
  private readonly queue: WorkQueue;
  /** Per pod (`ns/name`), the Services (`ns/name`) that selected it at its last event. */
  private readonly podServices = new Map<string, string[]>();
  private readonly random: () => number;

  constructor(private readonly ctx: Ctx) {
    this.queue = new WorkQueue('endpointslice', (k) => this.sync(k), ctx.report);
    this.random = seededRandom(ctx.cluster.options.seed * 613 + 11);
  }

  /**
   * Learns which pods each Service selects, and syncs the Services that lack their slices or Endpoints. The others
   * are trusted as stored (a pre-built cluster, or one restored from etcd, has both consistent with its pods), so
   * 10,000 Services do not all recompute at start-up; any later change to a Service or its pods syncs it.
   */
  resync(): void {
    const store = this.ctx.store;
    for (const svc of store.list('services')) {
      const ns = svc.metadata.namespace;
      const key = objectKey(ns, svc.metadata.name);
      const pods = selectedPods(store, svc);
      for (const p of pods) this.track(objectKey(p.metadata.namespace, p.metadata.name), key);
      if (!serviceSelector(svc)) continue;
      const hasSlice = store.byIndex(SLICES, SLICE_SERVICE_INDEX, key).some(managed);
      if (!hasSlice || !store.get('endpoints', ns, svc.metadata.name)) this.queue.add(key);
    }
  }

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.resource === 'services') {
      this.queue.add(objectKey(o.metadata.namespace, o.metadata.name));
      return;
    }
    if (ev.resource === SLICES && ev.type === 'DELETED' && managed(o)) {
      // A managed slice deleted by someone else is recreated, as the real controller does.
      const svc = o.metadata.labels?.[SERVICE_NAME_LABEL];
      if (svc) this.queue.add(objectKey(o.metadata.namespace, svc));
      return;
    }
    if (ev.resource !== 'pods') return;
    const key = objectKey(o.metadata.namespace, o.metadata.name);
    const before = this.podServices.get(key);
    const now = ev.type === 'DELETED' ? undefined : this.servicesOf(o);
    if (before) for (const s of before) this.queue.add(s);
    if (now && now.length > 0) {
      for (const s of now) this.queue.add(s);
      this.podServices.set(key, now);
    } else if (before) this.podServices.delete(key);
  }

  stop(): void {
    this.queue.stop();
  }

  private track(pod: string, svc: string): void {
    const list = this.podServices.get(pod);
    if (!list) this.podServices.set(pod, [svc]);
    else if (!list.includes(svc)) list.push(svc);
  }

  /** Services of the pod's namespace whose selector matches its labels. */
  private servicesOf(pod: KObject): string[] {
    const store = this.ctx.store;
    const ns = pod.metadata.namespace;
    const labels = pod.metadata.labels ?? {};
    const out: string[] = [];
    const consider = (svcs: KObject[]) => {
      for (const s of svcs) {
        const sel = serviceSelector(s);
        if (sel && selects(sel, labels)) out.push(objectKey(ns, s.metadata.name));
      }
    };
    consider(store.byIndex('services', SERVICE_SELECTOR_INDEX, `${ns}/`));
    for (const k in labels) consider(store.byIndex('services', SERVICE_SELECTOR_INDEX, `${ns}/${k}=${labels[k]}`));
    return out;
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const store = this.ctx.store;
    const svc = store.get('services', ns, name);
    if (!svc) {
      for (const s of store.byIndex(SLICES, SLICE_SERVICE_INDEX, key))
        if (managed(s)) store.remove(SLICES, ns, s.metadata.name);
      if (store.get('endpoints', ns, name)) store.remove('endpoints', ns, name);
      return;
    }
    // Services without a selector get no endpoints from these controllers (their owner writes them).
    if (!serviceSelector(svc)) return;
    const pods = selectedPods(store, svc);
    this.syncSlices(svc, pods);
    this.syncEndpoints(svc, pods);
  }

  private syncSlices(svc: KObject, pods: KObject[]): void {
    const store = this.ctx.store;
    const ns = svc.metadata.namespace!;
    const existing = store.byIndex(SLICES, SLICE_SERVICE_INDEX, objectKey(ns, svc.metadata.name)).filter(managed);
    const { keep, remove } = planSlices(existing, desiredEndpoints(svc, pods, zoneLookup(store)));
    const labels = sliceLabels(svc);
    for (const p of keep) {
      if (!p.slice) {
        store.create(SLICES, newSlice(svc, this.sliceName(svc), p.ports, p.endpoints));
        continue;
      }
      const s = p.slice;
      if (sameJson(s.endpoints, p.endpoints) && sameJson(s.ports, p.ports) && sameJson(s.metadata.labels, labels))
        continue;
      store.mutate(SLICES, ns, s.metadata.name, (d) => {
        d.endpoints = p.endpoints;
        d.ports = p.ports;
        d.metadata.labels = labels;
      });
    }
    for (const s of remove) store.remove(SLICES, ns, s.metadata.name);
  }

  private syncEndpoints(svc: KObject, pods: KObject[]): void {
    const store = this.ctx.store;
    const want = endpointsObject(svc, pods);
    const cur = store.get('endpoints', want.metadata.namespace, want.metadata.name);
    if (!cur) {
      store.create('endpoints', want);
      return;
    }
    if (sameJson(cur.subsets, want.subsets) && sameJson(cur.metadata.labels, want.metadata.labels)) return;
    store.mutate('endpoints', cur.metadata.namespace, cur.metadata.name, (d) => {
      if (want.subsets) d.subsets = want.subsets;
      else delete d.subsets;
      d.metadata.labels = want.metadata.labels;
    });
  }

  private sliceName(svc: KObject): string {
    const prefix = `${svc.metadata.name.slice(0, 57)}-`;
    for (;;) {
      const name = `${prefix}${randomSuffix(this.random)}`;
      if (!this.ctx.store.get(SLICES, svc.metadata.namespace, name)) return name;
    }
  }
}
