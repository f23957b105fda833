/**
 * The StatefulSet controller: pods `<sts>-0..N-1` with stable names (a deleted pod comes back under the same
 * name with a new uid once the old one is gone), created in ordinal order with OrderedReady (each waits for
 * the previous to be Running and Ready; `Parallel` does not wait), surplus ordinals removed highest first, and
 * RollingUpdate from the highest ordinal down, one pod at a time (label `controller-revision-hash`).
 */
import type { KObject, StoreEvent } from '../store/types.js';
import { controllerOf, objectKey } from '../store/types.js';
import { defaultPodSpec, newPod } from './pods.js';
import { WorkQueue } from './queue.js';
import { type Ctx, controllerRef, deletePod, isActive, isPodReady, omitZero, sameJson, templateHash } from './util.js';
import { refOf } from './events.js';

export const REVISION_LABEL = 'controller-revision-hash';

export function statefulSetRevision(sts: KObject): string {
  return `${sts.metadata.name}-${templateHash(sts.spec?.template ?? {}, sts.status?.collisionCount ?? 0)}`;
}

const ordinalOf = (sts: KObject, p: KObject): number => {
  const m = new RegExp(`^${sts.metadata.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(p.metadata.name);
  return m ? Number(m[1]) : -1;
};

/** The pod for ordinal `i` (pre-built workloads pass `nodeName`/`status` for an already running pod). */
export function statefulSetPod(sts: KObject, i: number, extra: { nodeName?: string; status?: unknown } = {}): KObject {
  const tpl = sts.spec?.template ?? {};
  const name = `${sts.metadata.name}-${i}`;
  const spec = {
    ...defaultPodSpec(tpl.spec ?? {}),
    hostname: name,
    ...(sts.spec?.serviceName ? { subdomain: sts.spec.serviceName } : {}),
  };
  const labels = {
    ...tpl.metadata?.labels,
    [REVISION_LABEL]: statefulSetRevision(sts),
    'statefulset.kubernetes.io/pod-name': name,
    'apps.kubernetes.io/pod-index': String(i),
  };
  return newPod({
    name,
    namespace: sts.metadata.namespace!,
    labels,
    owner: controllerRef(sts, 'apps/v1', 'StatefulSet'),
    spec,
    ...extra,
  });
}

export function statefulSetStatus(sts: KObject, pods: KObject[]): Record<string, unknown> {
  const rev = statefulSetRevision(sts);
  const active = pods.filter(isActive);
  const updated = active.filter((p) => p.metadata.labels?.[REVISION_LABEL] === rev).length;
  const ready = active.filter(isPodReady).length;
  const complete = updated === active.length;
  const currentRevision = complete ? rev : (sts.status?.currentRevision ?? rev);
  return {
    observedGeneration: sts.metadata.generation ?? 1,
    ...omitZero(
      {
        replicas: active.length,
        readyReplicas: ready,
        currentReplicas: complete ? active.length : active.length - updated,
        updatedReplicas: updated,
        availableReplicas: ready,
      },
      ['replicas'],
    ),
    currentRevision,
    updateRevision: rev,
    collisionCount: sts.status?.collisionCount ?? 0,
  };
}

export class StatefulSetController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: Ctx) {
    this.queue = new WorkQueue('statefulset', (k) => this.sync(k), ctx.report);
  }

  resync(): void {
    for (const s of this.ctx.store.list('apps/statefulsets'))
      this.queue.add(objectKey(s.metadata.namespace, s.metadata.name));
  }

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.resource === 'apps/statefulsets' && ev.type !== 'DELETED')
      this.queue.add(objectKey(o.metadata.namespace, o.metadata.name));
    if (ev.resource === 'pods') {
      const ref = controllerOf(o);
      if (ref?.kind === 'StatefulSet') this.queue.add(objectKey(o.metadata.namespace, ref.name));
    }
  }

  stop(): void {
    this.queue.stop();
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const store = this.ctx.store;
    const sts = store.get('apps/statefulsets', ns, name);
    if (!sts || sts.metadata.deletionTimestamp) return;
    this.reconcile(sts);
    const status = statefulSetStatus(sts, store.byIndex('pods', 'owner', sts.metadata.uid));
    if (sameJson(sts.status, status)) return;
    store.mutate('apps/statefulsets', ns, name, (d) => {
      d.status = statefulSetStatus(d, store.byIndex('pods', 'owner', d.metadata.uid));
    });
  }

  private event(sts: KObject, reason: string, message: string): void {
    this.ctx.events.record(refOf(sts), 'Normal', reason, message, { component: 'statefulset-controller' });
  }

  private reconcile(sts: KObject): void {
    const store = this.ctx.store;
    const ns = sts.metadata.namespace!;
    const name = sts.metadata.name;
    const replicas = sts.spec?.replicas ?? 1;
    const parallel = sts.spec?.podManagementPolicy === 'Parallel';
    const byOrdinal = new Map<number, KObject>();
    for (const p of store.byIndex('pods', 'owner', sts.metadata.uid)) byOrdinal.set(ordinalOf(sts, p), p);
    let healthy = true;
    for (let i = 0; i < replicas; i++) {
      const p = byOrdinal.get(i);
      if (!p) {
        // The name may still be held by a pod we do not own; then wait.
        if (!store.get('pods', ns, `${sts.metadata.name}-${i}`)) {
          store.create('pods', statefulSetPod(sts, i));
          this.event(sts, 'SuccessfulCreate', `create Pod ${sts.metadata.name}-${i} in StatefulSet ${name} successful`);
        }
        healthy = false;
        if (!parallel) return;
        continue;
      }
      if (p.metadata.deletionTimestamp || p.status?.phase !== 'Running' || !isPodReady(p)) {
        healthy = false;
        if (!parallel) return;
      }
    }
    const surplus = [...byOrdinal.entries()]
      .filter(([i, p]) => (i >= replicas || i < 0) && !p.metadata.deletionTimestamp)
      .sort((a, b) => b[0] - a[0]);
    if (surplus.length > 0) {
      if (healthy || parallel) {
        for (const [, p] of parallel ? surplus : surplus.slice(0, 1)) {
          deletePod(store, p);
          this.event(sts, 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`);
        }
      }
      return;
    }
    if (!healthy || (sts.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const rev = statefulSetRevision(sts);
    for (let i = replicas - 1; i >= partition; i--) {
      const p = byOrdinal.get(i);
      if (p && p.metadata.labels?.[REVISION_LABEL] !== rev) {
        deletePod(store, p);
        this.event(sts, 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`);
        return;
      }
    }
  }
}
