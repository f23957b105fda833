/**
 * Pod-level drain checks, over the pods each batch evicts: pods without a controller, or whose DaemonSet is
 * gone, which a drain deletes for good (`pod-unmanaged`), pods whose emptyDir data a drain throws away
 * (`pod-emptydir`), and single-replica workloads without a budget, which are down while their one pod
 * restarts elsewhere (`single-replica-no-pdb`). The first two are blockers unless the plan was made with
 * `--force` / `--delete-emptydir-data` (then warnings), as `kubectl drain` refuses them without those flags.
 */
import type { PodInfo } from '../cluster/index.js';
import type { Finding } from '../plan/index.js';
import { evictedByDrain } from '../kube/index.js';
import { drainModel, evictedWithBatch } from './drain-model.js';
import { count, finding, listNames, obj, podObj } from './finding.js';
import { pdbCoverage, podKey } from './pdb.js';
import type { PreflightContext } from './types.js';

const where = (p: PodInfo, batch: string) => `on ${p.nodeName}, ${batch}`;

const evicted = (ctx: PreflightContext) => evictedWithBatch(drainModel(ctx));

export function checkUnmanaged(ctx: PreflightContext): Finding[] {
  const model = drainModel(ctx);
  // What the drain takes away but does not evict: nothing recreates it (no controller, or its DaemonSet is gone).
  const bare = evicted(ctx).filter((e) => !evictedByDrain(e.pod, model.disposition(e.pod)));
  if (bare.length === 0) return [];
  const names = bare.map((e) => `${e.pod.namespace}/${e.pod.name}`);
  const forced = ctx.options.forceUnmanaged;
  const gone = bare.some((e) => e.pod.controller);
  const orGone = gone ? ' (or a DaemonSet that no longer exists)' : '';
  const what = `${count(bare.length, 'pod has', 'pods have')} no controller${orGone}`;
  return [
    finding(
      'pod-unmanaged',
      forced ? 'warning' : 'blocker',
      forced
        ? `${what} and will be deleted by the drain and never recreated (planned with --force): ${listNames(names)}.`
        : `${what}: a drain refuses such pods, and deleting one loses it for good: ${listNames(names)}.`,
      bare.map((e) => podObj(e.pod, where(e.pod, e.batch))),
      forced
        ? 'Nothing to do if losing them is fine; otherwise recreate them under a Deployment or StatefulSet before applying.'
        : `Put each under a controller (a Deployment or StatefulSet) or delete it (\`kubectl delete pod ${bare[0]!.pod.name} -n ${bare[0]!.pod.namespace}\`), or plan again with --force to let the drain delete them.`,
    ),
  ];
}

export function checkEmptyDir(ctx: PreflightContext): Finding[] {
  const withData = evicted(ctx).filter((e) => e.pod.emptyDirVolumes.length > 0);
  if (withData.length === 0) return [];
  const allowed = ctx.options.deleteEmptyDirData;
  return [
    finding(
      'pod-emptydir',
      allowed ? 'warning' : 'blocker',
      `${count(withData.length, 'evicted pod uses', 'evicted pods use')} emptyDir volumes whose data is deleted with the pod${allowed ? ' (planned with --delete-emptydir-data)' : '; a drain refuses them'}: ${listNames(withData.map((e) => `${e.pod.namespace}/${e.pod.name}`))}.`,
      withData.map((e) => podObj(e.pod, `${where(e.pod, e.batch)}; emptyDir: ${e.pod.emptyDirVolumes.join(', ')}`)),
      allowed
        ? 'Nothing to do if the data is a cache; otherwise move it to a PersistentVolumeClaim before applying.'
        : 'If the data is scratch or cache, plan again with --delete-emptydir-data; otherwise move it to a PersistentVolumeClaim first.',
    ),
  ];
}

export function checkSingleReplica(ctx: PreflightContext): Finding[] {
  const model = drainModel(ctx);
  const coverage = pdbCoverage(ctx);
  const owners = new Map<string, { kind: string; namespace: string; name: string; pod: PodInfo; batch: string }>();
  for (const e of evicted(ctx)) {
    const owner = model.workloads.topOwner(e.pod);
    if (!owner || owner.replicas !== 1 || owner.kind === 'Job') continue;
    if ((coverage.byPod.get(podKey(e.pod)) ?? []).length > 0) continue;
    owners.set(`${owner.kind}/${owner.namespace}/${owner.name}`, { ...owner, pod: e.pod, batch: e.batch });
  }
  return [...owners.values()].map((o) => {
    const ref = `${o.kind.toLowerCase()}/${o.name}`;
    return finding(
      'single-replica-no-pdb',
      'warning',
      `${o.kind} ${o.namespace}/${o.name} runs a single replica and has no PodDisruptionBudget: it is unavailable while pod ${o.pod.name} is evicted from ${o.pod.nodeName} (${o.batch}) and restarted elsewhere.`,
      [obj(o.kind, o.name, o.namespace, '1 replica, no PodDisruptionBudget'), podObj(o.pod, where(o.pod, o.batch))],
      `Scale ${ref} to ≥2 replicas (\`kubectl scale ${ref} -n ${o.namespace} --replicas=2\`) and add a budget (\`kubectl create pdb ${o.name} -n ${o.namespace} --selector=${selectorHint(o.pod)} --max-unavailable=1\`); or accept the brief downtime.`,
    );
  });
}

/** The pod's labels as a selector hint, without the per-revision hash labels controllers add. */
const selectorHint = (p: PodInfo): string =>
  Object.entries(p.labels)
    .filter(
      ([k]) =>
        ![
          'pod-template-hash',
          'controller-revision-hash',
          'statefulset.kubernetes.io/pod-name',
          'apps.kubernetes.io/pod-index',
        ].includes(k),
    )
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || 'app=NAME';
