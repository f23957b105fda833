/**
 * Pure pieces of the Deployment controller, shared with the workload builders: the ReplicaSet a Deployment
 * owns for a template hash (`<deploy>-<hash>`, label `pod-template-hash`), the resolved rolling-update
 * parameters, and the Deployment status computed from its ReplicaSets.
 */
import type { KObject } from '../store/types.js';
import {
  type Condition,
  controllerRef,
  findCondition,
  now,
  omitZero,
  scaledValue,
  templateHash,
  withCondition,
} from './util.js';

export const REVISION = 'deployment.kubernetes.io/revision';

export function deploymentHash(d: KObject): string {
  return templateHash(d.spec?.template ?? {}, d.status?.collisionCount ?? 0);
}

export function rollingParams(d: KObject): { replicas: number; maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec?.replicas ?? 1;
  if ((d.spec?.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate')
    return { replicas, maxSurge: 0, maxUnavailable: replicas };
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(ru.maxSurge, replicas, true, '25%');
  let maxUnavailable = scaledValue(ru.maxUnavailable, replicas, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { replicas, maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

export function revisionOf(rs: KObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
}

/** The ReplicaSet of `d` for template hash `hash` with `replicas` replicas. */
export function replicaSetFor(d: KObject, hash: string, replicas: number, revision: number): KObject {
  const tpl = structuredClone(d.spec?.template ?? {});
  const labels = { ...tpl.metadata?.labels, 'pod-template-hash': hash };
  tpl.metadata = { ...tpl.metadata, labels };
  const sel = d.spec?.selector ?? {};
  const { maxSurge } = rollingParams(d);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: { ...labels },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(d.spec?.replicas ?? 1),
        'deployment.kubernetes.io/max-replicas': String((d.spec?.replicas ?? 1) + maxSurge),
        [REVISION]: String(revision),
      },
      ownerReferences: [controllerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector: { ...sel, matchLabels: { ...sel.matchLabels, 'pod-template-hash': hash } },
      template: tpl,
    },
  };
}

function withTimedCondition(list: Condition[] | undefined, cond: Condition, t: string): Condition[] {
  const old = list?.find((c) => c.type === cond.type);
  const same = old && old.status === cond.status && old.reason === cond.reason && old.message === cond.message;
  return withCondition(list, { ...cond, lastUpdateTime: same && old.lastUpdateTime ? old.lastUpdateTime : t }, t);
}

/** The Deployment status for its ReplicaSets (`newRS` = the one matching the current template). */
export function deploymentStatus(d: KObject, newRS: KObject | undefined, rss: KObject[]): Record<string, unknown> {
  const sum = (f: string) => rss.reduce((a, rs) => a + ((rs.status?.[f] as number | undefined) ?? 0), 0);
  const { replicas: want, maxUnavailable } = rollingParams(d);
  const replicas = sum('replicas');
  const available = sum('availableReplicas');
  const updated = newRS?.status?.replicas ?? 0;
  const specTotal = rss.reduce((a, rs) => a + (rs.spec?.replicas ?? 0), 0);
  const t = now();
  let conditions = (d.status?.conditions as Condition[] | undefined) ?? [];
  conditions = withTimedCondition(
    conditions,
    available >= want - maxUnavailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    t,
  );
  if (newRS) {
    const done = updated === want && replicas === want && available === want;
    const rsName = newRS.metadata.name;
    conditions = withTimedCondition(
      conditions,
      done
        ? {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${rsName}" has successfully progressed.`,
          }
        : {
            type: 'Progressing',
            status: 'True',
            reason: 'ReplicaSetUpdated',
            message: `ReplicaSet "${rsName}" is progressing.`,
          },
      t,
    );
  }
  return {
    observedGeneration: d.metadata.generation ?? 1,
    ...omitZero({
      replicas,
      updatedReplicas: updated,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, specTotal - available),
    }),
    conditions,
    ...(d.status?.collisionCount ? { collisionCount: d.status.collisionCount } : {}),
  };
}

/** True when the Deployment reports the Available condition. */
export const deploymentAvailable = (d: KObject): boolean => findCondition(d, 'Available')?.status === 'True';
