/**
 * The DaemonSet controller: one pod per eligible node, created with `spec.nodeName` set (and a matching
 * node-affinity term) and the tolerations the real controller adds (not-ready/unreachable NoExecute,
 * unschedulable and pressure NoSchedule), so DaemonSet pods run on cordoned nodes too. A template change rolls
 * the pods node by node within `maxUnavailable` (default 1); status counts are kept up to date. A node event
 * requeues only the DaemonSets whose `shouldRun` answer for that node changed (or all, when a node comes or
 * goes); `shouldRun` answers are cached per template spec and node object.
 */
import type { KObject, StoreEvent } from '../store/types.js';
import { controllerOf, objectKey } from '../store/types.js';
import type { NodeCache } from './node-cache.js';
import { defaultPodSpec, newPod } from './pods.js';
import { WorkQueue } from './queue.js';
import { refOf } from './events.js';
import { firstUntolerated, matchesNodeSelection, nodeTaints, type Toleration } from './taints.js';
import {
  type Ctx,
  controllerRef,
  deletePod,
  isPodReady,
  isTerminal,
  omitZero,
  sameJson,
  scaledValue,
  templateHash,
  uniquePodName,
} from './util.js';

const DS_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

const NONE: KObject[] = [];

export const daemonSetHash = (ds: KObject): string =>
  templateHash(ds.spec?.template ?? {}, ds.status?.collisionCount ?? 0);

function dsTolerations(ds: KObject): Toleration[] {
  const own = (ds.spec?.template?.spec?.tolerations ?? []) as Toleration[];
  const extra = ds.spec?.template?.spec?.hostNetwork
    ? [...DS_TOLERATIONS, { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }]
    : DS_TOLERATIONS;
  return extra.filter((t) => !own.some((o) => o.key === t.key && o.effect === t.effect));
}

export interface Placement {
  run: boolean;
  keep: boolean;
}

/** Whether the DaemonSet should run a pod on the node, and whether an existing pod may stay. */
export function shouldRun(ds: KObject, node: KObject): Placement {
  const spec = ds.spec?.template?.spec ?? {};
  if (!matchesNodeSelection(spec, node)) return { run: false, keep: false };
  const tols = [...((spec.tolerations ?? []) as Toleration[]), ...dsTolerations(ds)];
  const taints = nodeTaints(node);
  return { run: !firstUntolerated(tols, taints), keep: !firstUntolerated(tols, taints, ['NoExecute']) };
}

/** A pod of `ds` named `name` (see uniquePodName), pinned to `node`; pre-built workloads pass the running `status`. */
export function daemonSetPod(
  ds: KObject,
  node: string,
  name: string,
  spec: object = daemonSetPodSpec(ds),
  status?: unknown,
): KObject {
  const tpl = ds.spec?.template ?? {};
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
      },
    },
  };
  const labels = {
    ...tpl.metadata?.labels,
    'controller-revision-hash': daemonSetHash(ds),
    'pod-template-generation': String(ds.metadata.generation ?? 1),
  };
  return newPod({
    name,
    namespace: ds.metadata.namespace!,
    labels,
    owner: controllerRef(ds, 'apps/v1', 'DaemonSet'),
    spec: { ...spec, affinity },
    nodeName: node,
    status,
  });
}

export function daemonSetPodSpec(ds: KObject): object {
  return defaultPodSpec(ds.spec?.template?.spec ?? {}, dsTolerations(ds));
}

/** `placements[i]`, when given, is shouldRun(ds, nodes[i]) (e.g. from a cache). */
export function daemonSetStatus(
  ds: KObject,
  nodes: KObject[],
  pods: KObject[],
  placements?: Placement[],
  hash = daemonSetHash(ds),
): Record<string, unknown> {
  const byNode = new Map<string, KObject>();
  for (const p of pods) if (!p.metadata.deletionTimestamp && !isTerminal(p)) byNode.set(p.spec?.nodeName, p);
  let desired = 0,
    current = 0,
    mis = 0,
    ready = 0,
    updated = 0;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    const p = byNode.get(n.metadata.name);
    if (!(placements ? placements[i] : shouldRun(ds, n)).run) {
      if (p) mis++;
      continue;
    }
    desired++;
    if (!p) continue;
    current++;
    if (isPodReady(p)) ready++;
    if (p.metadata.labels?.['controller-revision-hash'] === hash) updated++;
  }
  return {
    currentNumberScheduled: current,
    numberMisscheduled: mis,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation ?? 1,
    ...omitZero({ updatedNumberScheduled: updated, numberAvailable: ready, numberUnavailable: desired - ready }),
  };
}

export class DaemonSetController {
  private readonly queue: WorkQueue;
  private readonly keys = new Set<string>();
  /** Per node, the object last seen. */
  private readonly lastNodes = new Map<string, KObject>();
  /** shouldRun answers per template spec object (specs are shared between a DaemonSet's versions) and node object. */
  private readonly placements = new WeakMap<object, WeakMap<KObject, Placement>>();
  /** The answers for every node of one `NodeCache.all()` array, per template spec object. */
  private readonly placementLists = new WeakMap<object, { nodes: KObject[]; list: Placement[] }>();

  constructor(
    private readonly ctx: Ctx,
    private readonly nodes: NodeCache,
  ) {
    this.queue = new WorkQueue('daemonset', (k) => this.sync(k), ctx.report);
  }

  resync(): void {
    for (const n of this.nodes.all()) this.lastNodes.set(n.metadata.name, n);
    for (const ds of this.ctx.store.list('apps/daemonsets')) {
      const k = objectKey(ds.metadata.namespace, ds.metadata.name);
      this.keys.add(k);
      this.queue.add(k);
    }
  }

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.resource === 'apps/daemonsets') {
      const k = objectKey(o.metadata.namespace, o.metadata.name);
      if (ev.type === 'DELETED') this.keys.delete(k);
      else {
        this.keys.add(k);
        this.queue.add(k);
      }
    } else if (ev.resource === 'nodes') {
      this.onNodeEvent(ev);
    } else if (ev.resource === 'pods') {
      const ref = controllerOf(o);
      if (ref?.kind === 'DaemonSet') this.queue.add(objectKey(o.metadata.namespace, ref.name));
    }
  }

  stop(): void {
    this.queue.stop();
  }

  /**
   * Queues the DaemonSets a node event can change: all when the node comes or goes (or was not seen before),
   * else those whose shouldRun answer for the node differs between its old and new object (only labels, name
   * and taints count, so status changes such as heartbeats queue nothing).
   */
  private onNodeEvent(ev: StoreEvent): void {
    const node = ev.object;
    const name = node.metadata.name;
    const before = this.lastNodes.get(name);
    if (ev.type === 'DELETED') this.lastNodes.delete(name);
    else this.lastNodes.set(name, node);
    if (ev.type !== 'MODIFIED' || !before) {
      for (const k of this.keys) this.queue.add(k);
      return;
    }
    if (sameJson(before.metadata.labels, node.metadata.labels) && sameJson(before.spec?.taints, node.spec?.taints))
      return;
    for (const k of this.keys) {
      const [ns, dsName] = k.split('/');
      const ds = this.ctx.store.get('apps/daemonsets', ns, dsName);
      const placement = ds && this.placementOf(ds);
      const was = placement?.(before);
      const is = placement?.(node);
      if (!was || !is || was.run !== is.run || was.keep !== is.keep) this.queue.add(k);
    }
  }

  /** shouldRun for `ds`, cached while its template spec object and the node object stay the same. */
  private placementOf(ds: KObject): (node: KObject) => Placement {
    const spec = ds.spec?.template?.spec;
    if (!spec || typeof spec !== 'object') return (node) => shouldRun(ds, node);
    let byNode = this.placements.get(spec);
    if (!byNode) {
      byNode = new WeakMap();
      this.placements.set(spec, byNode);
    }
    const cache = byNode;
    return (node) => {
      let p = cache.get(node);
      if (!p) {
        p = shouldRun(ds, node);
        cache.set(node, p);
      }
      return p;
    };
  }

  /** shouldRun(ds, node) for each of `nodes`, cached while the template spec object and the node array stay the same. */
  private placementList(ds: KObject, nodes: KObject[]): Placement[] {
    const spec = ds.spec?.template?.spec;
    const cached = spec && typeof spec === 'object' ? this.placementLists.get(spec) : undefined;
    if (cached?.nodes === nodes) return cached.list;
    const placement = this.placementOf(ds);
    const list = nodes.map(placement);
    if (spec && typeof spec === 'object') this.placementLists.set(spec, { nodes, list });
    return list;
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const store = this.ctx.store;
    const ds = store.get('apps/daemonsets', ns, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const nodes = this.nodes.all();
    const placements = this.placementList(ds, nodes);
    const hash = daemonSetHash(ds);
    const pods = this.reconcile(ds, nodes, placements, hash) ?? store.byIndex('pods', 'owner', ds.metadata.uid);
    const status = daemonSetStatus(ds, nodes, pods, placements, hash);
    if (sameJson(ds.status, status)) return;
    const rv = ds.metadata.resourceVersion;
    store.mutate('apps/daemonsets', ns, name, (d) => {
      d.status =
        d.metadata.resourceVersion === rv
          ? status
          : daemonSetStatus(d, this.nodes.all(), store.byIndex('pods', 'owner', d.metadata.uid));
    });
  }

  /** Creates and deletes pods; returns the DaemonSet's pods when it wrote nothing (undefined when it did). */
  private reconcile(ds: KObject, nodes: KObject[], placements: Placement[], hash: string): KObject[] | undefined {
    const store = this.ctx.store;
    const rv = store.resourceVersion;
    const owned = store.byIndex('pods', 'owner', ds.metadata.uid);
    const unchanged = () => (store.resourceVersion === rv ? owned : undefined);
    const live = new Map<string, KObject[]>();
    for (const p of owned) {
      if (isTerminal(p) && !p.metadata.deletionTimestamp) deletePod(store, p);
      if (p.metadata.deletionTimestamp || isTerminal(p)) continue;
      const list = live.get(p.spec?.nodeName) ?? [];
      list.push(p);
      live.set(p.spec?.nodeName, list);
    }
    let spec: object | undefined;
    let unavailable = 0;
    let desired = 0;
    const old: KObject[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const { run, keep } = placements[i];
      const pods = live.get(node.metadata.name) ?? NONE;
      if (pods.length > 1) pods.sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1));
      if (!keep) for (const p of pods) deletePod(store, p);
      if (!run) continue;
      desired++;
      if (pods.length === 0) {
        spec ??= daemonSetPodSpec(ds);
        const name = uniquePodName(store, ds.metadata.namespace!, ds.metadata.name, this.ctx.cluster.random);
        store.create('pods', daemonSetPod(ds, node.metadata.name, name, spec));
        const source = { component: 'daemonset-controller' };
        this.ctx.events.record(refOf(ds), 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, source);
        unavailable++;
        continue;
      }
      for (let j = 1; j < pods.length; j++) deletePod(store, pods[j]);
      if (!isPodReady(pods[0])) unavailable++;
      if (pods[0].metadata.labels?.['controller-revision-hash'] !== hash) old.push(pods[0]);
    }
    if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return unchanged();
    const maxUnavailable = Math.max(
      1,
      scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, desired, true, 1),
    );
    // Old pods that are not ready anyway go first; then ready ones while the budget allows.
    for (const p of old) if (!isPodReady(p)) deletePod(store, p);
    for (const p of old) {
      if (!isPodReady(p)) continue;
      if (unavailable >= maxUnavailable) break;
      deletePod(store, p);
      unavailable++;
    }
    return unchanged();
  }
}
