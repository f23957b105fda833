/**
 * Which PodDisruptionBudgets select a pod (policy/v1: a null selector selects nothing, `{}` every pod of
 * the namespace), to name the budgets when the Eviction API refuses a pod under several of them.
 */
import type { PdbInfo, PodInfo } from '../cluster/index.js';
import { specSelects } from '../kube/index.js';

/** Names (sorted) of the budgets in the pod's namespace whose selector matches it. */
export function pdbsSelecting(pod: PodInfo, pdbs: readonly PdbInfo[]): string[] {
  return pdbs
    .filter((b) => b.namespace === pod.namespace)
    .filter((b) => specSelects(b.selector, pod.labels))
    .map((b) => b.name)
    .sort();
}
