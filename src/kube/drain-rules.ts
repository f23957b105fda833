/**
 * What a drain does with each pod of a node: kubectl drain's filters in kubectl's order (DaemonSet → mirror →
 * local storage → unreplicated; kubernetes-facts §4), the first filter that keeps a pod winning. `apply`
 * (drain/) and `plan` (checks/) both classify pods here, so the plan promises what the drain then does; they
 * differ only in how they answer "does this DaemonSet still exist" (apply asks the cluster, plan its inventory).
 *
 * - A running pod of an existing apps/v1 DaemonSet stays (its controller would put it straight back); one whose
 *   DaemonSet is gone is unsafe, or deleted with `forceUnmanaged` (nothing recreates it).
 * - A mirror pod stays (the kubelet owns it; the API cannot delete it).
 * - A pod with an emptyDir volume is unsafe without `deleteEmptyDirData` (the data goes with the pod).
 * - A pod without a controller is unsafe, or deleted with `forceUnmanaged` (deleted, not evicted: no budget
 *   protects a pod that nothing recreates).
 * - Everything else is evicted through the Eviction API.
 * - Pods that are already leaving — terminal (Succeeded/Failed) or terminating (deletionTimestamp set) — pass
 *   the safety filters and are evicted, which the API server turns into a plain delete with no budget check;
 *   the drain then waits for them to be gone. kubectl does the same for terminal pods; for terminating ones it
 *   still runs the safety filters (unless `--skip-wait-for-delete-timeout`), which only refuses a pod that is
 *   going away anyway — we do not. DaemonSet and mirror pods stay even then.
 */
import type { ControllerRef } from './owner-references.js';

/** A pod as the drain rules read it (the product's PodInfo view fits it). */
export interface DrainPod {
  namespace: string;
  name: string;
  /** `status.phase`. */
  phase: string;
  /** Has the `kubernetes.io/config.mirror` annotation (a static pod's mirror). */
  mirror: boolean;
  /** `metadata.deletionTimestamp` is set. */
  terminating: boolean;
  /** The controller reference, if any. */
  controller?: ControllerRef;
  /** Names of the pod's emptyDir volumes. */
  emptyDirVolumes: readonly string[];
}

/** kubectl drain's `--delete-emptydir-data` and `--force`. */
export interface DrainRuleOptions {
  /** Pods with emptyDir volumes may be evicted (their data is lost). */
  deleteEmptyDirData: boolean;
  /** Pods without a controller, and pods whose DaemonSet is gone, may be deleted (nothing recreates them). */
  forceUnmanaged: boolean;
}

/** Whether the DaemonSet `namespace/name` exists (answered before classifying: the rules do no I/O). */
export type DaemonSetExists = (namespace: string, name: string) => boolean;

export type UnsafeKind = 'daemonset-gone' | 'local-storage' | 'unmanaged';

export type PodDisposition =
  /** Through the Eviction API (PodDisruptionBudgets respected). */
  | { action: 'evict' }
  /** DELETE: no controller would recreate it (unmanaged with forceUnmanaged, or its DaemonSet is gone). */
  | { action: 'delete'; why: 'unmanaged' | 'daemonset-gone' }
  /** Left on the node. */
  | { action: 'ignore'; reason: 'daemonset' | 'mirror' }
  /** Refused: the drain stops before it evicts anything, unless the option that allows the kind is set. */
  | { action: 'unsafe'; kind: UnsafeKind };

/** Succeeded or Failed: its containers will not run again. */
export const isTerminal = (p: Pick<DrainPod, 'phase'>): boolean => p.phase === 'Succeeded' || p.phase === 'Failed';

/** Neither terminal nor terminating: the pod still holds a replica (the controllers' `IsPodActive`). */
export const isActive = (p: Pick<DrainPod, 'phase' | 'terminating'>): boolean => !isTerminal(p) && !p.terminating;

/** kubectl's DaemonSet filter condition: the controller is an apps/v1 DaemonSet. */
export const daemonSetOf = (p: Pick<DrainPod, 'controller'>): ControllerRef | undefined =>
  p.controller?.kind === 'DaemonSet' && p.controller.apiVersion === 'apps/v1' ? p.controller : undefined;

/** What the drain does with one pod. */
export function classifyPod(p: DrainPod, opts: DrainRuleOptions, daemonSetExists: DaemonSetExists): PodDisposition {
  const leaving = !isActive(p);
  let deleteWhy: 'daemonset-gone' | undefined;
  const ds = daemonSetOf(p);
  if (ds && !isTerminal(p)) {
    if (daemonSetExists(p.namespace, ds.name)) return { action: 'ignore', reason: 'daemonset' };
    if (!leaving) {
      if (!opts.forceUnmanaged) return { action: 'unsafe', kind: 'daemonset-gone' };
      deleteWhy = 'daemonset-gone';
    }
  }
  if (p.mirror) return { action: 'ignore', reason: 'mirror' };
  if (leaving) return { action: 'evict' };
  if (p.emptyDirVolumes.length > 0 && !opts.deleteEmptyDirData) return { action: 'unsafe', kind: 'local-storage' };
  if (!p.controller) {
    return opts.forceUnmanaged ? { action: 'delete', why: 'unmanaged' } : { action: 'unsafe', kind: 'unmanaged' };
  }
  return deleteWhy ? { action: 'delete', why: deleteWhy } : { action: 'evict' };
}

/**
 * Whether draining the pod's node takes away a replica that is still running — evicted, deleted, or refused
 * until an option allows it; not a pod that stays, nor one already leaving. The pods plan's checks look at.
 */
export const drainTakesReplica = (p: DrainPod, d: PodDisposition): boolean => d.action !== 'ignore' && isActive(p);

/**
 * Whether the drain evicts this running pod through the Eviction API (once the options allow it): it counts
 * against its PodDisruptionBudgets, and its controller recreates it elsewhere, so it needs room on other nodes.
 * Not pods the drain deletes for good (no controller, or their DaemonSet gone), nor pods that stay or leave.
 */
export function evictedByDrain(p: DrainPod, d: PodDisposition): boolean {
  if (!isActive(p) || p.controller === undefined) return false;
  // A running DaemonSet pod that does not stay is one whose DaemonSet is gone: deleted, whatever else it has.
  if (daemonSetOf(p)) return false;
  return d.action === 'evict' || (d.action === 'unsafe' && d.kind === 'local-storage');
}

const NO_OPTIONS: DrainRuleOptions = { deleteEmptyDirData: false, forceUnmanaged: false };

/**
 * {@link evictedByDrain} for a pod, classified here. The options do not change the answer (they only decide whether
 * a refused pod is then evicted or deleted, and which of the two is fixed by the pod), so none are asked for.
 */
export const drainEvicts = (p: DrainPod, daemonSetExists: DaemonSetExists): boolean =>
  evictedByDrain(p, classifyPod(p, NO_OPTIONS, daemonSetExists));

export interface PodSelection<P extends DrainPod = DrainPod> {
  evict: P[];
  delete: P[];
  ignored: { daemonset: P[]; mirror: P[] };
  unsafe: { pod: P; kind: UnsafeKind }[];
}

const key = (p: DrainPod): string => `${p.namespace}/${p.name}`;

/** Classifies every pod of the node; pods are sorted by `namespace/name` so results are stable. */
export function selectPods<P extends DrainPod>(
  pods: readonly P[],
  opts: DrainRuleOptions,
  daemonSetExists: DaemonSetExists,
): PodSelection<P> {
  const out: PodSelection<P> = { evict: [], delete: [], ignored: { daemonset: [], mirror: [] }, unsafe: [] };
  const sorted = [...pods].sort((a, b) => key(a).localeCompare(key(b)));
  for (const p of sorted) {
    const d = classifyPod(p, opts, daemonSetExists);
    if (d.action === 'evict') out.evict.push(p);
    else if (d.action === 'delete') out.delete.push(p);
    else if (d.action === 'ignore') out.ignored[d.reason].push(p);
    else out.unsafe.push({ pod: p, kind: d.kind });
  }
  return out;
}

/** The DaemonSets (namespace, name) whose existence the rules need: those of the pods' non-terminal DaemonSet pods. */
export function daemonSetsToCheck(pods: readonly DrainPod[]): { namespace: string; name: string }[] {
  const seen = new Map<string, { namespace: string; name: string }>();
  for (const p of pods) {
    const ds = daemonSetOf(p);
    if (ds && !isTerminal(p)) seen.set(`${p.namespace}/${ds.name}`, { namespace: p.namespace, name: ds.name });
  }
  return [...seen.values()];
}
