/**
 * The Deployment controller: one ReplicaSet per pod template (`<deploy>-<hash>`), rolling updates that
 * respect maxSurge/maxUnavailable (default 25%/25%) following the real controller's scale-up / cleanup /
 * scale-down steps, Recreate, revision annotations, old-ReplicaSet history limit, and the status with the
 * Available and Progressing conditions.
 */
import type { KObject, StoreEvent } from '../store/types.js';
import { controllerOf, objectKey } from '../store/types.js';
import {
  deploymentHash,
  deploymentStatus,
  REVISION,
  replicaSetFor,
  revisionOf,
  rollingParams,
} from './deployment-util.js';
import { WorkQueue } from './queue.js';
import { type Ctx, sameJson } from './util.js';
import { refOf } from './events.js';

const spec = (rs: KObject | undefined): number => rs?.spec?.replicas ?? 0;
const avail = (rs: KObject | undefined): number => rs?.status?.availableReplicas ?? 0;
const byAge = (a: KObject, b: KObject): number =>
  a.metadata.creationTimestamp < b.metadata.creationTimestamp
    ? -1
    : a.metadata.creationTimestamp > b.metadata.creationTimestamp
      ? 1
      : a.metadata.name < b.metadata.name
        ? -1
        : 1;
const fresh = (rs: KObject): boolean => (rs.status?.observedGeneration ?? 0) >= (rs.metadata.generation ?? 1);

export class DeploymentController {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: Ctx) {
    this.queue = new WorkQueue('deployment', (k) => this.sync(k), ctx.report);
  }

  resync(): void {
    for (const d of this.ctx.store.list('apps/deployments'))
      this.queue.add(objectKey(d.metadata.namespace, d.metadata.name));
  }

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.resource === 'apps/deployments' && ev.type !== 'DELETED')
      this.queue.add(objectKey(o.metadata.namespace, o.metadata.name));
    if (ev.resource === 'apps/replicasets') {
      const ref = controllerOf(o);
      if (ref?.kind === 'Deployment') this.queue.add(objectKey(o.metadata.namespace, ref.name));
    }
  }

  stop(): void {
    this.queue.stop();
  }

  private owned(d: KObject): KObject[] {
    return this.ctx.store
      .byIndex('apps/replicasets', 'owner', d.metadata.uid)
      .filter((rs) => !rs.metadata.deletionTimestamp);
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/');
    const d = this.ctx.store.get('apps/deployments', ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    if (!d.spec?.paused) this.rollout(d);
    const rss = this.owned(d);
    const hash = deploymentHash(d);
    const newRS = rss.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    this.cleanupHistory(d, rss, newRS);
    const status = deploymentStatus(d, newRS, rss);
    const revision = newRS?.metadata.annotations?.[REVISION];
    if (sameJson(d.status, status) && (!revision || d.metadata.annotations?.[REVISION] === revision)) return;
    this.ctx.store.mutate('apps/deployments', ns, name, (draft) => {
      draft.status = deploymentStatus(draft, newRS, rss);
      if (revision) draft.metadata.annotations = { ...draft.metadata.annotations, [REVISION]: revision };
    });
  }

  /** deployment-controller's ScalingReplicaSet event. */
  private scalingEvent(d: KObject, rs: string, from: number, to: number): void {
    const how = to > from ? 'up' : 'down';
    const message = `Scaled ${how} replica set ${rs} from ${from} to ${to}`;
    this.ctx.events.record(refOf(d), 'Normal', 'ScalingReplicaSet', message, { component: 'deployment-controller' });
  }

  private scale(rs: KObject, replicas: number, d: KObject): void {
    let from: number | undefined;
    this.ctx.store.mutate('apps/replicasets', rs.metadata.namespace, rs.metadata.name, (draft) => {
      if (draft.spec.replicas === replicas) return false;
      from = draft.spec.replicas ?? 1;
      draft.spec.replicas = replicas;
      draft.metadata.annotations = {
        ...draft.metadata.annotations,
        'deployment.kubernetes.io/desired-replicas': String(d.spec?.replicas ?? 1),
      };
    });
    if (from !== undefined) this.scalingEvent(d, rs.metadata.name, from, replicas);
  }

  /** One step of the rollout; later steps run when the ReplicaSets' statuses come back. */
  private rollout(d: KObject): void {
    const rss = this.owned(d);
    const hash = deploymentHash(d);
    const newRS = rss.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const old = rss.filter((rs) => rs !== newRS).sort(byAge);
    const { replicas, maxSurge, maxUnavailable } = rollingParams(d);
    const oldTotal = old.reduce((a, rs) => a + spec(rs), 0);
    const recreate = d.spec?.strategy?.type === 'Recreate';
    if (recreate && oldTotal > 0) {
      for (const rs of old) if (spec(rs) > 0) this.scale(rs, 0, d);
      return;
    }
    if (recreate && old.some((rs) => this.ctx.store.byIndex('pods', 'owner', rs.metadata.uid).length > 0)) return;
    const all = oldTotal + spec(newRS);
    if (!newRS) {
      const initial = oldTotal === 0 ? replicas : Math.max(0, Math.min(replicas, replicas + maxSurge - all));
      const revision = Math.max(0, ...rss.map(revisionOf)) + 1;
      const rsName = `${d.metadata.name}-${hash}`;
      if (this.ctx.store.get('apps/replicasets', d.metadata.namespace, rsName)) {
        this.ctx.report(
          'deployment',
          `${d.metadata.namespace}/${d.metadata.name}`,
          new Error(`ReplicaSet ${rsName} exists and is not owned by the Deployment`),
        );
        return;
      }
      this.ctx.store.create('apps/replicasets', replicaSetFor(d, hash, initial, revision));
      if (initial > 0) this.scalingEvent(d, rsName, 0, initial);
      return;
    }
    if (spec(newRS) > replicas || (spec(newRS) < replicas && oldTotal === 0)) return this.scale(newRS, replicas, d);
    if (spec(newRS) < replicas && all < replicas + maxSurge) {
      return this.scale(newRS, Math.min(replicas, spec(newRS) + replicas + maxSurge - all), d);
    }
    if (oldTotal === 0 || !rss.every(fresh)) return;
    // reconcileOldReplicaSets: first unhealthy old replicas, then healthy ones down to minAvailable.
    const minAvailable = replicas - maxUnavailable;
    const newUnavailable = Math.max(0, spec(newRS) - avail(newRS));
    let budget = all - minAvailable - newUnavailable;
    if (budget <= 0) return;
    const target = new Map(old.map((rs) => [rs, spec(rs)]));
    for (const rs of old) {
      const unhealthy = target.get(rs)! - avail(rs);
      if (unhealthy <= 0 || budget <= 0) continue;
      const n = Math.min(budget, unhealthy);
      target.set(rs, target.get(rs)! - n);
      budget -= n;
    }
    const available = rss.reduce((a, rs) => a + Math.min(avail(rs), rs === newRS ? spec(rs) : target.get(rs)!), 0);
    let down = Math.max(0, available - minAvailable);
    for (const rs of old) {
      if (down <= 0) break;
      const n = Math.min(target.get(rs)!, down);
      target.set(rs, target.get(rs)! - n);
      down -= n;
    }
    for (const [rs, n] of target) if (n !== spec(rs)) this.scale(rs, n, d);
  }

  /** Keeps at most revisionHistoryLimit (default 10) scaled-down old ReplicaSets. */
  private cleanupHistory(d: KObject, rss: KObject[], newRS: KObject | undefined): void {
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const idle = rss
      .filter((rs) => rs !== newRS && spec(rs) === 0 && (rs.status?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      if (this.ctx.store.byIndex('pods', 'owner', rs.metadata.uid).length === 0)
        this.ctx.store.remove('apps/replicasets', rs.metadata.namespace, rs.metadata.name);
    }
  }
}
