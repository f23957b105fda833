/**
 * Status conditions (`status.conditions[]` of nodes, pods and workloads): finding one by type, and the Ready
 * condition of nodes and pods. A condition counts only when its status is exactly `"True"` — `"False"`,
 * `"Unknown"` (a node whose kubelet stopped reporting) and an absent condition are all not true.
 */

/** A status condition, structurally: client-node's `V1NodeCondition` and `V1PodCondition` fit it. */
export interface Condition {
  type: string;
  /** `"True"`, `"False"` or `"Unknown"`. */
  status: string;
  reason?: string;
  message?: string;
}

/** Anything with status conditions (a node, a pod, a Deployment), as the API serves it. */
export interface WithConditions<C extends Condition = Condition> {
  status?: { conditions?: readonly C[] | null } | null;
}

/** The condition of `type`, or undefined (the first one, should an object carry the same type twice). */
export function findCondition<C extends Condition>(
  conditions: readonly C[] | null | undefined,
  type: string,
): C | undefined {
  if (!conditions) return undefined;
  for (const c of conditions) if (c.type === type) return c;
  return undefined;
}

/** Whether the object's condition `type` has status `"True"`. */
export const isConditionTrue = (obj: WithConditions | null | undefined, type: string): boolean =>
  findCondition(obj?.status?.conditions, type)?.status === 'True';

/** A node or pod is Ready when its `Ready` condition is `"True"`. */
export const isReady = (obj: WithConditions | null | undefined): boolean => isConditionTrue(obj, 'Ready');

/**
 * Why the object is not Ready, for people, from its Ready condition: reason and message (`KubeletNotReady: PLEG
 * is not healthy`), or `NotReady` when the condition gives no reason. Undefined when it is Ready, and when it has
 * no Ready condition at all (nothing to explain; it is still not Ready).
 */
export function notReadyReason(obj: WithConditions | null | undefined): string | undefined {
  const ready = findCondition(obj?.status?.conditions, 'Ready');
  if (!ready || ready.status === 'True') return undefined;
  return `${ready.reason || 'NotReady'}${ready.message ? `: ${ready.message}` : ''}`;
}
