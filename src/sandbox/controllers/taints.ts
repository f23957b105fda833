/**
 * Taints, tolerations and node selection (nodeSelector + required node affinity) with kube-scheduler's
 * semantics. Used by the scheduler and the DaemonSet controller.
 */
import type { KObject } from '../store/types.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
export const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane';

/** v1helper.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (!t.key) return false;
  return (t.value ?? '') === (taint.value ?? '');
}

/** The first taint with one of `effects` that no toleration tolerates. */
export function firstUntolerated(
  tolerations: Toleration[] | undefined,
  taints: Taint[],
  effects = ['NoSchedule', 'NoExecute'],
): Taint | undefined {
  const tols = tolerations ?? [];
  return taints.find((taint) => effects.includes(taint.effect) && !tols.some((t) => tolerates(t, taint)));
}

export function nodeTaints(node: KObject): Taint[] {
  return (node.spec?.taints as Taint[] | undefined) ?? [];
}

interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

function matchRequirement(r: SelectorRequirement, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && vals.includes(value);
    case 'NotIn':
      return value === undefined || !vals.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(vals[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(vals[0]);
    default:
      return false;
  }
}

/** spec.nodeSelector and requiredDuringSchedulingIgnoredDuringExecution node affinity (terms are ORed). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function matchesNodeSelection(spec: any, node: KObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((spec?.nodeSelector ?? {}) as Record<string, string>))
    if (labels[k] !== v) return false;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as
    { matchExpressions?: SelectorRequirement[]; matchFields?: SelectorRequirement[] }[] | undefined;
  if (!terms || terms.length === 0) return true;
  return terms.some(
    (t) =>
      (t.matchExpressions?.length || t.matchFields?.length) &&
      (t.matchExpressions ?? []).every((r) => matchRequirement(r, labels[r.key])) &&
      (t.matchFields ?? []).every((r) =>
        matchRequirement(r, r.key === 'metadata.name' ? node.metadata.name : undefined),
      ),
  );
}

/** `{key: value}` as kube-scheduler prints an untolerated taint. */
export const taintText = (t: Taint): string => `{${t.key}: ${t.value ?? ''}}`;
