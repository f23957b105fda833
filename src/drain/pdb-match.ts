/**
 * Which PodDisruptionBudgets select a pod (policy/v1: a null selector selects nothing, `{}` every pod of
 * the namespace), to name the budgets when the Eviction API refuses a pod under several of them.
 */
import type { LabelSelectorSpec, PdbInfo, PodInfo } from '../cluster/index.js';
import { matches, type LabelOperator, type LabelRequirement, type LabelSelector } from '../plan/index.js';

const OPERATORS: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: 'doesnotexist' };

function toSelector(spec: LabelSelectorSpec | undefined): LabelSelector | undefined {
  if (!spec) return undefined;
  const requirements: LabelRequirement[] = Object.entries(spec.matchLabels ?? {}).map(([key, value]) => ({ key, operator: '=', values: [value] }));
  for (const e of spec.matchExpressions ?? []) {
    const operator = OPERATORS[e.operator];
    if (!operator) return undefined;
    requirements.push({ key: e.key, operator, values: e.values ?? [] });
  }
  return { source: '', requirements };
}

/** Names (sorted) of the budgets in the pod's namespace whose selector matches it. */
export function pdbsSelecting(pod: PodInfo, pdbs: readonly PdbInfo[]): string[] {
  return pdbs
    .filter((b) => b.namespace === pod.namespace)
    .filter((b) => {
      const s = toSelector(b.selector);
      return s !== undefined && matches(s, pod.labels);
    })
    .map((b) => b.name)
    .sort();
}
