/**
 * The disruption controller: keeps every PodDisruptionBudget's status as kube-controller-manager does
 * (kubernetes-facts.md §5): expectedPods/desiredHealthy from minAvailable or maxUnavailable (int or percent,
 * percentages against the owning controllers' spec.replicas, rounded up), currentHealthy from Ready pods that
 * are neither terminating nor in `disruptedPods`, disruptionsAllowed, the DisruptionAllowed condition, and
 * `disruptedPods` entries (written by the eviction API) dropped when the pod goes or after 2 simulated minutes.
 * Recomputed per namespace, batched, for the budgets an event can change (see `onEvent`); a budget's pods are
 * found through the store's pod label index (`POD_LABEL_INDEX`), not by scanning the namespace.
 */
import { type LabelMatcher, type LabelSelectorObject, selectorObjectMatcher } from '../api/selectors.js';
import type { ObjectStore } from '../store/object-store.js';
import type { KObject, StoreEvent } from '../store/types.js';
import { controllerOf } from '../store/types.js';
import { WorkQueue } from './queue.js';
import { type Condition, type Ctx, isPodReady, sameJson, scaledValue, withCondition } from './util.js';

/** Store index of pods by label: one value `<namespace>/<key>=<value>` per label (see `podLabelKey`). */
export const POD_LABEL_INDEX = 'labels';

export const podLabelKey = (ns: string | undefined, key: string, value: string): string =>
  `${ns ?? ''}/${key}=${value}`;

/** The POD_LABEL_INDEX values of a pod. */
export function podLabelKeys(p: KObject): string[] | undefined {
  const labels = p.metadata.labels;
  if (!labels) return undefined;
  const out: string[] = [];
  for (const k of Object.keys(labels)) out.push(podLabelKey(p.metadata.namespace, k, labels[k]));
  return out;
}

/** Selector matchers by selector object (budgets' specs are shared between their versions, see ObjectStore.mutate). */
const matchers = new WeakMap<object, LabelMatcher>();

function budgetMatcher(sel: LabelSelectorObject | undefined | null): LabelMatcher {
  if (!sel || typeof sel !== 'object') return selectorObjectMatcher(sel, true);
  let m = matchers.get(sel);
  if (!m) {
    m = selectorObjectMatcher(sel, true);
    matchers.set(sel, m);
  }
  return m;
}

const rvOf = (p: KObject): number => Number(p.metadata.resourceVersion);

/** `pods` in the order the namespace index lists them: by last write, i.e. by resourceVersion. */
function inWriteOrder(pods: KObject[]): KObject[] {
  for (let i = 1; i < pods.length; i++)
    if (rvOf(pods[i - 1]) > rvOf(pods[i])) return pods.sort((a, b) => rvOf(a) - rvOf(b));
  return pods;
}

export const DISRUPTED_POD_TIMEOUT_MS = 120_000;
const WATCHED = new Set([
  'pods',
  'policy/poddisruptionbudgets',
  'apps/replicasets',
  'apps/deployments',
  'apps/statefulsets',
]);

/** Σ spec.replicas of the distinct controllers (Deployment through its ReplicaSet, ReplicaSet, StatefulSet). */
function expectedScale(store: ObjectStore, pods: KObject[]): number | string {
  const seen = new Map<string, number>();
  for (const p of pods) {
    const ref = controllerOf(p);
    if (!ref) continue; // unmanaged pods are left out of the sum
    const ns = p.metadata.namespace;
    let owner: KObject | undefined;
    if (ref.kind === 'ReplicaSet') {
      const rs = store.get('apps/replicasets', ns, ref.name);
      if (rs?.metadata.uid !== ref.uid) return `found no controllers for pod "${p.metadata.name}"`;
      const dref = controllerOf(rs);
      const d = dref?.kind === 'Deployment' ? store.get('apps/deployments', ns, dref.name) : undefined;
      owner = d && d.metadata.uid === dref?.uid ? d : rs;
    } else if (ref.kind === 'StatefulSet') {
      owner = store.get('apps/statefulsets', ns, ref.name);
      if (owner?.metadata.uid !== ref.uid) return `found no controllers for pod "${p.metadata.name}"`;
    } else {
      return `${ref.kind}.${ref.apiVersion.split('/')[0]} does not implement the scale subresource`;
    }
    seen.set(owner.metadata.uid, owner.spec?.replicas ?? 1);
  }
  let sum = 0;
  for (const n of seen.values()) sum += n;
  return sum;
}

/**
 * A namespace's pods for one sync: all of them (read once, when a budget without matchLabels needs them), or
 * those with one `key=value` label, from the store's label index (when it has one).
 */
export class NamespacePods {
  private pods: KObject[] | undefined;

  constructor(
    private readonly store: ObjectStore,
    readonly ns: string,
  ) {}

  static of(store: ObjectStore, ns: string): NamespacePods {
    return new NamespacePods(store, ns);
  }

  get all(): KObject[] {
    return (this.pods ??= this.store.byIndex('pods', 'namespace', this.ns));
  }

  /** Pods that may match `sel` (a superset; the caller still applies the full selector), in the namespace index's order. */
  candidates(sel: { matchLabels?: Record<string, string> } | undefined): KObject[] {
    const first = Object.entries(sel?.matchLabels ?? {})[0];
    if (!first) return this.all;
    if (!this.store.hasIndex('pods', POD_LABEL_INDEX))
      return this.all.filter((p) => p.metadata.labels?.[first[0]] === first[1]);
    return inWriteOrder(this.store.byIndex('pods', POD_LABEL_INDEX, podLabelKey(this.ns, first[0], first[1])));
  }
}

export interface PdbComputation {
  status: Record<string, unknown>;
  /** Real epoch ms at which a disruptedPods entry expires and the status must be recomputed. */
  recheckAt?: number;
}

/**
 * The status `pdb` should have now. `windowMs` is the real-time length of the 2-minute disruptedPods window;
 * `nsPods` lets a caller share one read of the namespace's pods between its PDBs.
 */
export function computePdbStatus(
  store: ObjectStore,
  pdb: KObject,
  windowMs: number,
  nsPods?: NamespacePods,
  nowMs = Date.now(),
): PdbComputation {
  const match = budgetMatcher(pdb.spec?.selector);
  const pool = nsPods ?? NamespacePods.of(store, pdb.metadata.namespace!);
  const pods = pdb.spec?.selector ? pool.candidates(pdb.spec.selector).filter((p) => match(p.metadata.labels)) : [];
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  let expected = 0;
  let desired = 0;
  let failure: string | undefined;
  const isInt = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v));
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const scale = expectedScale(store, pods);
    if (typeof scale === 'string') failure = scale;
    else expected = scale;
    desired = Math.max(0, expected - scaledValue(maxUnavailable, expected, true));
  } else if (minAvailable !== undefined && minAvailable !== null) {
    if (isInt(minAvailable)) {
      expected = pods.length;
      desired = Number(minAvailable);
    } else {
      const scale = expectedScale(store, pods);
      if (typeof scale === 'string') failure = scale;
      else expected = scale;
      desired = scaledValue(minAvailable, expected, true);
    }
  }
  const disrupted = (pdb.status?.disruptedPods ?? {}) as Record<string, string>;
  const kept: Record<string, string> = {};
  let recheckAt: number | undefined;
  let healthy = 0;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    const at = disrupted[p.metadata.name];
    if (at !== undefined) {
      const expiry = Date.parse(at) + windowMs;
      if (expiry > nowMs) {
        kept[p.metadata.name] = at;
        recheckAt = Math.min(recheckAt ?? Infinity, expiry);
        continue;
      }
    }
    if (isPodReady(p)) healthy++;
  }
  let allowed = healthy - desired;
  if (expected <= 0 || allowed <= 0 || failure) allowed = 0;
  const generation = pdb.metadata.generation ?? 1;
  const cond: Condition = failure
    ? {
        type: 'DisruptionAllowed',
        status: 'False',
        observedGeneration: generation,
        reason: 'SyncFailed',
        message: failure,
      }
    : allowed > 0
      ? {
          type: 'DisruptionAllowed',
          status: 'True',
          observedGeneration: generation,
          reason: 'SufficientPods',
          message: '',
        }
      : {
          type: 'DisruptionAllowed',
          status: 'False',
          observedGeneration: generation,
          reason: 'InsufficientPods',
          message: '',
        };
  const status = {
    observedGeneration: generation,
    ...(Object.keys(kept).length > 0 ? { disruptedPods: kept } : {}),
    disruptionsAllowed: allowed,
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    conditions: withCondition(pdb.status?.conditions, cond),
  };
  return { status, recheckAt };
}

export class DisruptionController {
  private readonly queue: WorkQueue;
  private readonly rechecks = new Map<string, { at: number; cancel: () => void }>();

  constructor(private readonly ctx: Ctx) {
    this.queue = new WorkQueue('disruption', (ns) => this.sync(ns), ctx.report);
  }

  /** Per namespace, the budgets to recompute at its next sync (`all` after a change that may touch any). */
  private readonly dirty = new Map<string, Set<string> | 'all'>();
  /** Last seen labels of each pod and spec.replicas of each controller: most events change neither. */
  private readonly podLabels = new Map<string, Record<string, string>>();
  private readonly replicas = new Map<string, unknown>();

  resync(): void {
    for (const pdb of this.ctx.store.list('policy/poddisruptionbudgets')) this.mark(pdb.metadata.namespace!, 'all');
  }

  /**
   * Queues only what an event can change: a pod the budgets that select it (all of the namespace's when its
   * labels changed), a budget itself, a controller only when it appears, goes or changes spec.replicas (its
   * status updates, one per pod change, touch no budget). A pod under no budget costs nothing.
   */
  onEvent(ev: StoreEvent): void {
    const ns = ev.object.metadata.namespace;
    if (!ns || !WATCHED.has(ev.resource)) return;
    const o = ev.object;
    const uid = o.metadata.uid ?? `${ns}/${o.metadata.name}`;
    if (ev.resource === 'pods') {
      const labels = o.metadata.labels ?? {};
      const before = this.podLabels.get(uid);
      if (ev.type === 'DELETED') this.podLabels.delete(uid);
      else this.podLabels.set(uid, labels);
      if (before !== undefined && !sameJson(before, labels)) return this.mark(ns, 'all');
      for (const pdb of this.ctx.store.byIndex('policy/poddisruptionbudgets', 'namespace', ns)) {
        if (pdb.spec?.selector && budgetMatcher(pdb.spec.selector)(o.metadata.labels)) this.mark(ns, pdb.metadata.name);
      }
      return;
    }
    if (ev.resource === 'policy/poddisruptionbudgets') return this.mark(ns, o.metadata.name);
    if (ev.type === 'DELETED') {
      this.replicas.delete(uid);
      return this.mark(ns, 'all');
    }
    const scale = o.spec?.replicas ?? 1;
    const known = this.replicas.has(uid);
    const before = this.replicas.get(uid);
    this.replicas.set(uid, scale);
    if (!known || before !== scale) this.mark(ns, 'all');
  }

  stop(): void {
    this.queue.stop();
  }

  private mark(ns: string, pdb: string | 'all'): void {
    const cur = this.dirty.get(ns);
    if (pdb === 'all') this.dirty.set(ns, 'all');
    else if (cur === undefined) this.dirty.set(ns, new Set([pdb]));
    else if (cur !== 'all') cur.add(pdb);
    this.queue.add(ns);
  }

  private sync(ns: string): void {
    const store = this.ctx.store;
    const window = this.ctx.cluster.clock.real(DISRUPTED_POD_TIMEOUT_MS);
    const which = this.dirty.get(ns) ?? 'all';
    this.dirty.delete(ns);
    let recheck: number | undefined;
    const all = store.byIndex('policy/poddisruptionbudgets', 'namespace', ns);
    const budgets = which === 'all' ? all : all.filter((b) => which.has(b.metadata.name));
    if (budgets.length === 0) return;
    const nsPods = NamespacePods.of(store, ns);
    for (const pdb of budgets) {
      const { status, recheckAt } = computePdbStatus(store, pdb, window, nsPods);
      if (recheckAt !== undefined) recheck = Math.min(recheck ?? Infinity, recheckAt);
      if (sameJson(pdb.status, status)) continue;
      store.mutate('policy/poddisruptionbudgets', ns, pdb.metadata.name, (d) => {
        const next = computePdbStatus(store, d, window, nsPods).status;
        if (sameJson(d.status, next)) return false;
        d.status = next;
      });
    }
    if (recheck !== undefined) this.scheduleRecheck(ns, recheck);
  }

  private scheduleRecheck(ns: string, at: number): void {
    const cur = this.rechecks.get(ns);
    if (cur && cur.at <= at) return;
    cur?.cancel();
    const simMs = Math.max(0, at - Date.now() + 5) / this.ctx.cluster.clock.scale;
    const cancel = this.ctx.after(simMs, () => {
      this.rechecks.delete(ns);
      this.mark(ns, 'all');
    });
    this.rechecks.set(ns, { at, cancel });
  }
}
