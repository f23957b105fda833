/**
 * Small helpers shared by the controllers and the workload builders: the controller context (store, scaled
 * timers, error reporting), generated names, template hashes, owner references, pod predicates, conditions,
 * int-or-percent values and the graceful pod delete the controllers use.
 */
import type { SandboxCluster } from '../cluster.js';
import type { ObjectStore } from '../store/object-store.js';
import { isoSeconds } from '../store/object-store.js';
import type { KObject, OwnerReference } from '../store/types.js';
import type { ErrorReporter } from './queue.js';
import { EventRecorder } from './events.js';

/** What every controller gets: the cluster, tracked timers on the scaled clock, an event recorder and an error sink. */
export class Ctx {
  readonly store: ObjectStore;
  readonly events: EventRecorder;
  private readonly cancels = new Set<() => void>();
  stopped = false;

  constructor(
    readonly cluster: SandboxCluster,
    readonly report: ErrorReporter,
  ) {
    this.store = cluster.store;
    this.events = new EventRecorder(cluster.store);
  }

  /** Runs `fn` after `ms` simulated milliseconds unless the controllers stop first. */
  after(ms: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const cancel = this.cluster.clock.after(ms, () => {
      this.cancels.delete(cancel);
      if (this.stopped) return;
      try {
        fn();
      } catch (err) {
        this.report('timer', '', err);
      }
    });
    this.cancels.add(cancel);
    return () => {
      cancel();
      this.cancels.delete(cancel);
    };
  }

  every(ms: number, fn: () => void): void {
    const cancel = this.cluster.clock.every(ms, () => {
      if (this.stopped) return;
      try {
        fn();
      } catch (err) {
        this.report('ticker', '', err);
      }
    });
    this.cancels.add(cancel);
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.cancels) c();
    this.cancels.clear();
  }
}

export const now = (): string => isoSeconds(new Date());

/** RFC 3339 with microseconds, as Lease `renewTime`/`acquireTime` are serialised. */
export const microTime = (d = new Date()): string => d.toISOString().replace(/Z$/, '000Z');

/** The alphabet of apimachinery's rand.String (no vowels, no confusable digits). */
export const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(random: () => number, n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUMS[Math.floor(random() * ALPHANUMS.length)];
  return s;
}

/** `<prefix>-<5 chars>` not used by a stored pod (nor in `taken`, for names not stored yet). */
export function uniquePodName(
  store: ObjectStore,
  ns: string,
  prefix: string,
  random: () => number,
  taken?: Set<string>,
): string {
  for (;;) {
    const name = `${prefix}-${randomSuffix(random)}`;
    if (!store.get('pods', ns, name) && !taken?.has(name)) {
      taken?.add(name);
      return name;
    }
  }
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
}

function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The `pod-template-hash` of a template: FNV-32a, decimal, mapped onto ALPHANUMS (≤ 10 chars) like the real one. */
export function templateHash(template: unknown, collisionCount = 0): string {
  const n = fnv32a(stableStringify(template) + (collisionCount ? `#${collisionCount}` : ''));
  return [...String(n)].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');
}

export function controllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  [k: string]: unknown;
}

export function findCondition(obj: KObject | undefined, type: string): Condition | undefined {
  const conds = obj?.status?.conditions as Condition[] | undefined;
  if (conds) for (const c of conds) if (c.type === type) return c;
  return undefined;
}

/**
 * A condition list with `cond` set (appended when new). lastTransitionTime is kept when the status did not
 * change, so an unchanged condition serialises identically and callers can skip no-op writes.
 */
export function withCondition(list: Condition[] | undefined, cond: Condition, time = now()): Condition[] {
  const out = [...(list ?? [])];
  const i = out.findIndex((c) => c.type === cond.type);
  const old = i >= 0 ? out[i] : undefined;
  const lastTransitionTime =
    old && old.status === cond.status && old.lastTransitionTime ? old.lastTransitionTime : time;
  const next: Condition = { ...cond, lastTransitionTime };
  if (i >= 0) out[i] = next;
  else out.push(next);
  return out;
}

export const isTerminating = (p: KObject): boolean => !!p.metadata.deletionTimestamp;
export const isTerminal = (p: KObject): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
/** Counts towards a controller's replicas: not terminating and not finished. */
export const isActive = (p: KObject): boolean => !isTerminating(p) && !isTerminal(p);
export const isPodReady = (p: KObject): boolean => findCondition(p, 'Ready')?.status === 'True';
export const isMirrorPod = (p: KObject): boolean =>
  p.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;

export function nodeReady(node: KObject | undefined): boolean {
  return findCondition(node, 'Ready')?.status === 'True';
}

/** An int-or-percent field against a total (percent rounded up or down), in integer arithmetic. */
export function scaledValue(
  v: number | string | undefined,
  total: number,
  roundUp: boolean,
  dflt: number | string = 0,
): number {
  const val = v ?? dflt;
  if (typeof val === 'number') return val;
  const m = /^(\d+)%$/.exec(val);
  if (!m) return /^\d+$/.test(val) ? Number(val) : 0;
  const x = Number(m[1]) * total;
  return roundUp ? Math.ceil(x / 100) : Math.floor(x / 100);
}

/**
 * Deletes a pod the way the apiserver does for a client DELETE without options: unbound pods go at once,
 * others get deletionTimestamp + grace period and the kubelet removes them.
 */
export function deletePod(store: ObjectStore, pod: KObject): void {
  const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
  if (!pod.spec?.nodeName || grace <= 0 || isTerminal(pod)) {
    if (store.get('pods', pod.metadata.namespace, pod.metadata.name)?.metadata.uid === pod.metadata.uid) {
      store.remove('pods', pod.metadata.namespace, pod.metadata.name);
    }
    return;
  }
  store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (d) => {
    if (d.metadata.uid !== pod.metadata.uid || d.metadata.deletionTimestamp) return false;
    d.metadata.deletionTimestamp = isoSeconds(new Date(Date.now() + grace * 1000));
    d.metadata.deletionGracePeriodSeconds = grace;
  });
}

/** Compares two JSON-able values (status objects) for equality: whether their JSON is the same. */
export { sameJson } from '../store/json.js';

/** Drops zero/empty fields that the real API types mark `omitempty`. */
export function omitZero<T extends Record<string, unknown>>(o: T, keep: string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (keep.includes(k) || (v !== 0 && v !== undefined && v !== '')) out[k] = v;
  return out as T;
}
