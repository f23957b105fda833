/**
 * PodDisruptionBudget semantics as pure functions (kubernetes-facts.md §5): which pods a budget selects
 * (kube/'s selector rules: a null selector selects nothing, `{}` selects the whole namespace), and the disruption
 * controller's arithmetic — expected pods, desired healthy, and how many disruptions the budget can allow
 * at best, i.e. with every selected pod healthy. Selection is indexed by label so that thousands of budgets
 * over 100,000 pods stay fast.
 */
import type { LabelSelectorSpec, PdbInfo, PodInfo } from '../cluster/index.js';
import { fromLabelSelectorSpec, matchesLabels } from '../kube/index.js';

/** Finds the pods each budget selects, using a per-namespace `key=value` index for matchLabels. */
export class PodSelectorIndex {
  private readonly byLabel = new Map<string, Map<string, PodInfo[]>>();

  constructor(private readonly podsByNamespace: ReadonlyMap<string, readonly PodInfo[]>) {
    for (const [ns, pods] of podsByNamespace) {
      const idx = new Map<string, PodInfo[]>();
      for (const p of pods) {
        for (const key of labelKeys(p.labels)) {
          const list = idx.get(key);
          if (list) list.push(p);
          else idx.set(key, [p]);
        }
      }
      this.byLabel.set(ns, idx);
    }
  }

  select(namespace: string, spec: LabelSelectorSpec | undefined): PodInfo[] {
    const selector = fromLabelSelectorSpec(spec);
    if (!selector) return [];
    const labels = Object.entries(spec?.matchLabels ?? {});
    let candidates: readonly PodInfo[] = this.podsByNamespace.get(namespace) ?? [];
    const idx = this.byLabel.get(namespace);
    for (const [k, v] of labels) {
      const list = idx?.get(`${k}=${v}`) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
    return candidates.filter((p) => matchesLabels(selector, p.labels));
  }
}

/** The `key=value` strings of a label set, remembered per object (pods of one ReplicaSet share theirs). */
function labelKeys(labels: Readonly<Record<string, string>>): string[] {
  let keys = labelKeyCache.get(labels);
  if (!keys) {
    keys = [];
    for (const k in labels) keys.push(`${k}=${labels[k]}`);
    labelKeyCache.set(labels, keys);
  }
  return keys;
}

const labelKeyCache = new WeakMap<Readonly<Record<string, string>>, string[]>();

export interface Budget {
  /** Pods the controller counts (selected pods, or the sum of their controllers' replicas). */
  expectedPods: number;
  desiredHealthy: number;
  /** Disruptions allowed when every selected pod is healthy; <= 0 means never. */
  bestCaseAllowed: number;
}

const percent = (v: number | string | undefined): number | undefined =>
  typeof v === 'string' && v.trim().endsWith('%') ? Number(v.trim().slice(0, -1)) : undefined;

const integer = (v: number | string | undefined): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : undefined;

/**
 * The disruption controller's budget for `pdb` over its `selected` pods. `scaleOf` gives the desired replicas
 * of a pod's controller; pods without one are left out of the replica sum, as the controller does.
 */
export function budgetOf(
  pdb: Pick<PdbInfo, 'minAvailable' | 'maxUnavailable'>,
  selected: readonly PodInfo[],
  scaleOf: (p: PodInfo) => number | undefined,
): Budget {
  const scaleSum = (): number => {
    const controllers = new Map<string, { scale: number | undefined; pods: number }>();
    for (const p of selected) {
      if (!p.controller) continue;
      const key = `${p.controller.kind}/${p.controller.uid || p.controller.name}`;
      const c = controllers.get(key);
      if (c) c.pods += 1;
      else controllers.set(key, { scale: scaleOf(p), pods: 1 });
    }
    return [...controllers.values()].reduce((sum, c) => sum + (c.scale ?? c.pods), 0);
  };
  let expectedPods: number;
  let desiredHealthy: number;
  if (pdb.maxUnavailable !== undefined && pdb.maxUnavailable !== null) {
    expectedPods = scaleSum();
    const pct = percent(pdb.maxUnavailable);
    const maxUnavailable =
      pct !== undefined ? Math.ceil((pct * expectedPods) / 100) : (integer(pdb.maxUnavailable) ?? 0);
    desiredHealthy = Math.max(0, expectedPods - maxUnavailable);
  } else if (pdb.minAvailable !== undefined && pdb.minAvailable !== null) {
    const pct = percent(pdb.minAvailable);
    if (pct !== undefined) {
      expectedPods = scaleSum();
      desiredHealthy = Math.ceil((pct * expectedPods) / 100);
    } else {
      expectedPods = selected.length;
      desiredHealthy = integer(pdb.minAvailable) ?? 0;
    }
  } else {
    // Neither field: the controller computes nothing and allows nothing.
    expectedPods = 0;
    desiredHealthy = 0;
  }
  const bestCaseAllowed = expectedPods <= 0 ? 0 : selected.length - desiredHealthy;
  return { expectedPods, desiredHealthy, bestCaseAllowed };
}
