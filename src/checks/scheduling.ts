/**
 * The parts of kube-scheduler's filtering that decide where an evicted pod can land again: the node is Ready
 * and schedulable, its NoSchedule/NoExecute taints are tolerated, its labels satisfy the pod's nodeSelector,
 * and its free cpu, memory and pod slots cover the pod's requests. Affinity, topology spread, ports and
 * volumes are not modelled (see index.ts).
 */
import type { NodeInfo, PodInfo, Resources, Taint, Toleration } from '../cluster/index.js';

/** Kubernetes toleration matching: empty effect matches every effect; `Exists` with no key matches every taint. */
export const tolerates = (t: Toleration, taint: Taint): boolean => {
  if (t.effect && t.effect !== taint.effect) return false;
  if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
};

const BLOCKING_EFFECTS = new Set(['NoSchedule', 'NoExecute']);

export const toleratesTaints = (tolerations: readonly Toleration[], taints: readonly Taint[]): boolean =>
  taints.every((taint) => !BLOCKING_EFFECTS.has(taint.effect) || tolerations.some((t) => tolerates(t, taint)));

export const selectorMatches = (
  nodeSelector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean => Object.entries(nodeSelector).every(([k, v]) => labels[k] === v);

/** Whether the node takes new pods at all (Ready and not cordoned). */
export const acceptsPods = (n: NodeInfo): boolean => n.ready && !n.unschedulable;

/** Whether a pod with this nodeSelector and these tolerations may be placed on the node (resources aside). */
export const podFitsNode = (p: Pick<PodInfo, 'nodeSelector' | 'tolerations'>, n: NodeInfo): boolean =>
  acceptsPods(n) && toleratesTaints(p.tolerations, n.taints) && selectorMatches(p.nodeSelector, n.labels);

/**
 * A key for pods that the scheduler filters identically (same nodeSelector and tolerations). Remembered per
 * nodeSelector and tolerations object: pods read from one protobuf list share those objects (pod-protobuf.ts),
 * so 100,000 pods cost a few thousand computations.
 */
export const schedulingSignature = (p: Pick<PodInfo, 'nodeSelector' | 'tolerations'>): string => {
  let bySelector = signatures.get(p.tolerations);
  if (!bySelector) signatures.set(p.tolerations, (bySelector = new WeakMap()));
  let sig = bySelector.get(p.nodeSelector);
  if (sig === undefined) bySelector.set(p.nodeSelector, (sig = computeSignature(p)));
  return sig;
};

const signatures = new WeakMap<readonly Toleration[], WeakMap<Readonly<Record<string, string>>, string>>();

function computeSignature(p: Pick<PodInfo, 'nodeSelector' | 'tolerations'>): string {
  if (p.tolerations.length === 0) {
    let empty = true;
    for (const _ in p.nodeSelector) empty = false;
    if (empty) return '[[],[]]';
  }
  const sel = Object.entries(p.nodeSelector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tol = p.tolerations.map((t) => `${t.key ?? ''}|${t.operator ?? ''}|${t.value ?? ''}|${t.effect ?? ''}`).sort();
  return JSON.stringify([sel, tol]);
}

/** Node resources left after the requests of the pods already on it. */
export function freeResources(
  nodes: readonly NodeInfo[],
  podsByNode: ReadonlyMap<string, readonly PodInfo[]>,
): Resources[] {
  return nodes.map((n) => {
    const free = { ...n.allocatable };
    for (const p of podsByNode.get(n.name) ?? []) {
      free.cpuMilli -= p.requests.cpuMilli;
      free.memoryBytes -= p.requests.memoryBytes;
      free.pods -= p.requests.pods || 1;
    }
    return free;
  });
}
