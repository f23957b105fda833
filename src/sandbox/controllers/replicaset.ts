/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods (`<rs>-<5 chars>`, owner reference with
 * controller=true) — a pod that is deleted or evicted is replaced at once — deletes surplus pods in the real
 * controller's order (unscheduled, pending, not ready, newest first), and keeps `status` up to date.
 */
import type { KObject, StoreEvent } from '../store/types.js';
import { controllerOf, objectKey } from '../store/types.js';
import { defaultPodSpec, newPod } from './pods.js';
import { WorkQueue } from './queue.js';
import { type Ctx, controllerRef, deletePod, isActive, isPodReady, omitZero, sameJson, uniquePodName } from './util.js';
import { refOf } from './events.js';

const SOURCE = { component: 'replicaset-controller' };

const BURST = 500;

/** The status the controller writes for `rs` given its pods. */
export function replicaSetStatus(rs: KObject, pods: KObject[]): Record<string, unknown> {
  const active = pods.filter(isActive);
  const ready = active.filter(isPodReady).length;
  const sel = rs.spec?.template?.metadata?.labels ?? {};
  const labeled = active.filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
  return {
    ...omitZero(
      { replicas: active.length, fullyLabeledReplicas: labeled, readyReplicas: ready, availableReplicas: ready },
      ['replicas'],
    ),
    observedGeneration: rs.metadata.generation ?? 1,
  };
}

/** Deletion preference of the real controller (lower first): unscheduled, pending, not ready, then newest. */
function deletionRank(p: KObject): number[] {
  return [
    p.spec?.nodeName ? 1 : 0,
    p.status?.phase === 'Running' ? 1 : 0,
    isPodReady(p) ? 1 : 0,
    -Date.parse(p.metadata.creationTimestamp || '0'),
  ];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly specs = new WeakMap<object, unknown>();

  constructor(private readonly ctx: Ctx) {
    this.queue = new WorkQueue('replicaset', (k) => this.sync(k), ctx.report);
  }

  resync(): void {
    for (const rs of this.ctx.store.list('apps/replicasets'))
      this.queue.add(objectKey(rs.metadata.namespace, rs.metadata.name));
  }

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.resource === 'apps/replicasets' && ev.type !== 'DELETED')
      this.queue.add(objectKey(o.metadata.namespace, o.metadata.name));
    if (ev.resource === 'pods') {
      const ref = controllerOf(o);
      if (ref?.kind === 'ReplicaSet') this.queue.add(objectKey(o.metadata.namespace, ref.name));
    }
  }

  stop(): void {
    this.queue.stop();
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const store = this.ctx.store;
    const rs = store.get('apps/replicasets', ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const rv = store.resourceVersion;
    let pods = store.byIndex('pods', 'owner', rs.metadata.uid);
    const active = pods.filter(isActive);
    const want = rs.spec?.replicas ?? 1;
    if (active.length < want) {
      for (let i = 0; i < Math.min(BURST, want - active.length); i++) this.createPod(rs);
      if (want - active.length > BURST) this.queue.add(key);
    } else if (active.length > want) {
      const victims = [...active]
        .sort((a, b) => compareRanks(deletionRank(a), deletionRank(b)))
        .slice(0, active.length - want);
      for (const p of victims) {
        deletePod(store, p);
        this.ctx.events.record(refOf(rs), 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
      }
    }
    if (store.resourceVersion !== rv) pods = store.byIndex('pods', 'owner', rs.metadata.uid);
    const status = replicaSetStatus(rs, pods);
    if (sameJson(rs.status, status)) return;
    const rsRv = rs.metadata.resourceVersion;
    store.mutate('apps/replicasets', ns, name, (d) => {
      const s =
        d.metadata.resourceVersion === rsRv
          ? status
          : replicaSetStatus(d, store.byIndex('pods', 'owner', d.metadata.uid));
      if (sameJson(d.status, s)) return false;
      d.status = s;
    });
  }

  private createPod(rs: KObject): void {
    const tpl = rs.spec?.template ?? {};
    // One defaulted spec per template object (shared by the RS's pods; stored objects are never mutated).
    let spec = this.specs.get(tpl);
    if (!spec) {
      spec = defaultPodSpec(tpl.spec ?? {});
      this.specs.set(tpl, spec);
    }
    const ns = rs.metadata.namespace!;
    const name = uniquePodName(this.ctx.store, ns, rs.metadata.name, this.ctx.cluster.random);
    const annotations = tpl.metadata?.annotations;
    this.ctx.store.create(
      'pods',
      newPod({
        name,
        namespace: ns,
        labels: { ...tpl.metadata?.labels },
        annotations: annotations ? { ...annotations } : undefined,
        owner: controllerRef(rs, 'apps/v1', 'ReplicaSet'),
        spec,
      }),
    );
    this.ctx.events.record(refOf(rs), 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, SOURCE);
  }
}
