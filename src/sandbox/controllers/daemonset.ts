/**
 * The DaemonSet controller: one pod per eligible node, created with `spec.nodeName` set (and a matching
 * node-affinity term) and the tolerations the real controller adds (not-ready/unreachable NoExecute,
 * unschedulable and pressure NoSchedule), so DaemonSet pods run on cordoned nodes too. A template change rolls
 * the pods node by node within `maxUnavailable` (default 1); status counts are kept up to date.
 */
import type { KObject, StoreEvent } from '../store/types.js';
import { controllerOf, objectKey } from '../store/types.js';
import type { NodeCache } from './node-cache.js';
import { defaultPodSpec, newPod } from './pods.js';
import { WorkQueue } from './queue.js';
import { firstUntolerated, matchesNodeSelection, nodeTaints, type Toleration } from './taints.js';
import { type Ctx, controllerRef, deletePod, isPodReady, isTerminal, omitZero, sameJson, scaledValue, templateHash, uniquePodName } from './util.js';

const DS_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

export const daemonSetHash = (ds: KObject): string => templateHash(ds.spec?.template ?? {}, ds.status?.collisionCount ?? 0);

function dsTolerations(ds: KObject): Toleration[] {
  const own = (ds.spec?.template?.spec?.tolerations ?? []) as Toleration[];
  const extra = ds.spec?.template?.spec?.hostNetwork ? [...DS_TOLERATIONS, { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] : DS_TOLERATIONS;
  return extra.filter((t) => !own.some((o) => o.key === t.key && o.effect === t.effect));
}

/** Whether the DaemonSet should run a pod on the node, and whether an existing pod may stay. */
export function shouldRun(ds: KObject, node: KObject): { run: boolean; keep: boolean } {
  const spec = ds.spec?.template?.spec ?? {};
  if (!matchesNodeSelection(spec, node)) return { run: false, keep: false };
  const tols = [...((spec.tolerations ?? []) as Toleration[]), ...dsTolerations(ds)];
  const taints = nodeTaints(node);
  return { run: !firstUntolerated(tols, taints), keep: !firstUntolerated(tols, taints, ['NoExecute']) };
}

/** A pod of `ds` named `name` (see uniquePodName), pinned to `node`; pre-built workloads pass the running `status`. */
export function daemonSetPod(ds: KObject, node: string, name: string, spec: object = daemonSetPodSpec(ds), status?: unknown): KObject {
  const tpl = ds.spec?.template ?? {};
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } };
  const labels = { ...tpl.metadata?.labels, 'controller-revision-hash': daemonSetHash(ds), 'pod-template-generation': String(ds.metadata.generation ?? 1) };
  return newPod({ name, namespace: ds.metadata.namespace!, labels, owner: controllerRef(ds, 'apps/v1', 'DaemonSet'), spec: { ...spec, affinity }, nodeName: node, status });
}

export function daemonSetPodSpec(ds: KObject): object {
  return defaultPodSpec(ds.spec?.template?.spec ?? {}, dsTolerations(ds));
}

export function daemonSetStatus(ds: KObject, nodes: KObject[], pods: KObject[]): Record<string, unknown> {
  const hash = daemonSetHash(ds);
  const byNode = new Map<string, KObject>();
  for (const p of pods) if (!p.metadata.deletionTimestamp && !isTerminal(p)) byNode.set(p.spec?.nodeName, p);
  let desired = 0, current = 0, mis = 0, ready = 0, updated = 0;
  for (const n of nodes) {
    const p = byNode.get(n.metadata.name);
    if (!shouldRun(ds, n).run) {
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

  constructor(
    private readonly ctx: Ctx,
    private readonly nodes: NodeCache,
  ) {
    this.queue = new WorkQueue('daemonset', (k) => this.sync(k), ctx.report);
  }

  resync(): void {
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
      for (const k of this.keys) this.queue.add(k);
    } else if (ev.resource === 'pods') {
      const ref = controllerOf(o);
      if (ref?.kind === 'DaemonSet') this.queue.add(objectKey(o.metadata.namespace, ref.name));
    }
  }

  stop(): void {
    this.queue.stop();
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const store = this.ctx.store;
    const ds = store.get('apps/daemonsets', ns, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    this.reconcile(ds);
    const nodes = this.nodes.all();
    const status = daemonSetStatus(ds, nodes, store.byIndex('pods', 'owner', ds.metadata.uid));
    if (sameJson(ds.status, status)) return;
    store.mutate('apps/daemonsets', ns, name, (d) => {
      d.status = daemonSetStatus(d, nodes, store.byIndex('pods', 'owner', d.metadata.uid));
    });
  }

  private reconcile(ds: KObject): void {
    const store = this.ctx.store;
    const hash = daemonSetHash(ds);
    const live = new Map<string, KObject[]>();
    for (const p of store.byIndex('pods', 'owner', ds.metadata.uid)) {
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
    for (const node of this.nodes.all()) {
      const { run, keep } = shouldRun(ds, node);
      const pods = (live.get(node.metadata.name) ?? []).sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1));
      if (!keep) for (const p of pods) deletePod(store, p);
      if (!run) continue;
      desired++;
      if (pods.length === 0) {
        spec ??= daemonSetPodSpec(ds);
        store.create('pods', daemonSetPod(ds, node.metadata.name, uniquePodName(store, ds.metadata.namespace!, ds.metadata.name, this.ctx.cluster.random), spec));
        unavailable++;
        continue;
      }
      for (const extra of pods.slice(1)) deletePod(store, extra);
      if (!isPodReady(pods[0])) unavailable++;
      if (pods[0].metadata.labels?.['controller-revision-hash'] !== hash) old.push(pods[0]);
    }
    if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const maxUnavailable = Math.max(1, scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, desired, true, 1));
    // Old pods that are not ready anyway go first; then ready ones while the budget allows.
    for (const p of old) if (!isPodReady(p)) deletePod(store, p);
    for (const p of old) {
      if (!isPodReady(p)) continue;
      if (unavailable >= maxUnavailable) break;
      deletePod(store, p);
      unavailable++;
    }
  }
}
