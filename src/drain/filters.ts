/**
 * Which pods of a node a drain removes, leaves, or refuses to touch: kubectl's filters in kubectl's order
 * (DaemonSet → mirror → local storage → unreplicated; kubernetes-facts §4) as pure functions. Terminal
 * (Succeeded/Failed) pods pass every safety filter, as in kubectl: the Eviction API deletes them without a
 * budget check. The first filter that keeps a pod wins; an unsafe pod names the option that allows it.
 */
import type { OwnerRef, PodInfo } from '../cluster/index.js';
import type { DrainOptions } from './types.js';
import { podKey } from './client.js';

export type UnsafeKind = 'daemonset-gone' | 'local-storage' | 'unmanaged';

export type PodDisposition =
  /** Through the Eviction API (PodDisruptionBudgets respected). */
  | { action: 'evict' }
  /** DELETE: no controller would recreate it (unmanaged with forceUnmanaged, or its DaemonSet is gone). */
  | { action: 'delete'; why: 'unmanaged' | 'daemonset-gone' }
  | { action: 'ignore'; reason: 'daemonset' | 'mirror' }
  | { action: 'unsafe'; kind: UnsafeKind };

export type FilterOptions = Pick<DrainOptions, 'deleteEmptyDirData' | 'forceUnmanaged'>;

/** Tells whether a DaemonSet pod's DaemonSet still exists (resolved before filtering). */
export type DaemonSetLookup = (namespace: string, name: string) => boolean;

export const isTerminal = (p: PodInfo): boolean => p.phase === 'Succeeded' || p.phase === 'Failed';

/** kubectl's daemonSet filter condition: the controller is an apps/v1 DaemonSet. */
export const daemonSetOf = (p: PodInfo): OwnerRef | undefined =>
  p.controller?.kind === 'DaemonSet' && p.controller.apiVersion === 'apps/v1' ? p.controller : undefined;

/** What to do with one pod. */
export function classifyPod(p: PodInfo, opts: FilterOptions, daemonSetExists: DaemonSetLookup): PodDisposition {
  const terminal = isTerminal(p);
  let deleteWhy: 'daemonset-gone' | undefined;
  const ds = daemonSetOf(p);
  if (ds && !terminal) {
    if (daemonSetExists(p.namespace, ds.name)) return { action: 'ignore', reason: 'daemonset' };
    if (!opts.forceUnmanaged) return { action: 'unsafe', kind: 'daemonset-gone' };
    deleteWhy = 'daemonset-gone';
  }
  if (p.mirror) return { action: 'ignore', reason: 'mirror' };
  if (p.emptyDirVolumes.length > 0 && !terminal && !opts.deleteEmptyDirData) return { action: 'unsafe', kind: 'local-storage' };
  if (!p.controller && !terminal) return opts.forceUnmanaged ? { action: 'delete', why: 'unmanaged' } : { action: 'unsafe', kind: 'unmanaged' };
  return deleteWhy ? { action: 'delete', why: deleteWhy } : { action: 'evict' };
}

/** The user-facing reason for each unsafe kind, naming the option that allows it. */
export const UNSAFE_REASONS: Record<UnsafeKind, string> = {
  'daemonset-gone': 'DaemonSet-managed pods whose DaemonSet no longer exists (allow with forceUnmanaged / --force: they are deleted and nothing recreates them)',
  'local-storage': 'pods with local storage (emptyDir) (allow with deleteEmptyDirData / --delete-emptydir-data: the emptyDir data is lost)',
  unmanaged: 'pods that declare no controller (allow with forceUnmanaged / --force: they are deleted, not evicted, and nothing recreates them)',
};

export interface PodSelection {
  evict: PodInfo[];
  delete: PodInfo[];
  ignored: { daemonset: PodInfo[]; mirror: PodInfo[] };
  unsafe: { pod: PodInfo; kind: UnsafeKind }[];
}

/** Runs the filters over every pod of the node; pods are sorted by `namespace/name` so results are stable. */
export function selectPods(pods: readonly PodInfo[], opts: FilterOptions, daemonSetExists: DaemonSetLookup): PodSelection {
  const out: PodSelection = { evict: [], delete: [], ignored: { daemonset: [], mirror: [] }, unsafe: [] };
  const sorted = [...pods].sort((a, b) => podKey(a).localeCompare(podKey(b)));
  for (const p of sorted) {
    const d = classifyPod(p, opts, daemonSetExists);
    if (d.action === 'evict') out.evict.push(p);
    else if (d.action === 'delete') out.delete.push(p);
    else if (d.action === 'ignore') out.ignored[d.reason].push(p);
    else out.unsafe.push({ pod: p, kind: d.kind });
  }
  return out;
}

/** The DaemonSets (namespace, name) whose existence the filters need: those of the node's running DaemonSet pods. */
export function daemonSetsToCheck(pods: readonly PodInfo[]): { namespace: string; name: string }[] {
  const seen = new Map<string, { namespace: string; name: string }>();
  for (const p of pods) {
    const ds = daemonSetOf(p);
    if (ds && !isTerminal(p)) seen.set(`${p.namespace}/${ds.name}`, { namespace: p.namespace, name: ds.name });
  }
  return [...seen.values()];
}
