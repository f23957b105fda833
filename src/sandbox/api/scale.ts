/**
 * The `/scale` subresource of Deployments, ReplicaSets and StatefulSets: an `autoscaling/v1` Scale whose
 * `spec.replicas` is the workload's and whose `status` carries the observed replicas and the label selector
 * as a string (what `kubectl scale`, HPAs and the disruption controller read). GET returns it; PUT and PATCH
 * (merge, strategic merge or JSON patch, applied to the Scale) change only the workload's `spec.replicas`.
 */
import type { KObject } from '../store/types.js';
import type { ApiOperations, WriteContext } from './operations.js';
import { applyPatch, PatchError, type PatchType } from './patch.js';
import type { ResourceDef } from './resources.js';
import { ApiError, badRequest, invalid } from './status.js';
import type { LabelSelectorObject } from './selectors.js';

/** A LabelSelector object in its string form (`a=b,c in (x,y),!d`), as `status.selector` carries it. */
export function selectorString(sel: LabelSelectorObject | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    parts.push(`${k}=${v}`);
  }
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** The Scale view of a workload. */
export function scaleOf(obj: KObject): KObject {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 1 },
    status: { replicas: obj.status?.replicas ?? 0, selector: selectorString(obj.spec?.selector) },
  };
}

export function getScale(ops: ApiOperations, def: ResourceDef, ns: string | undefined, name: string): KObject {
  return scaleOf(ops.get(def, ns, name));
}

/** PUT of a Scale: the workload's spec.replicas becomes the Scale's (resourceVersion, when given, must match). */
export function updateScale(
  ops: ApiOperations,
  def: ResourceDef,
  ns: string | undefined,
  name: string,
  body: KObject,
  ctx: WriteContext,
): KObject {
  if (!body || typeof body !== 'object' || typeof body.spec !== 'object' || body.spec === null) {
    throw badRequest('the body of the request was not an autoscaling/v1 Scale (spec.replicas is required)');
  }
  if (body.metadata?.name && body.metadata.name !== name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  const replicas = body.spec.replicas ?? 0;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw invalid(
      'Scale',
      name,
      [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          field: 'spec.replicas',
        },
      ],
      'autoscaling',
    );
  }
  const cur = ops.get(def, ns, name);
  const next: KObject = { ...structuredClone(cur), spec: { ...structuredClone(cur.spec), replicas } };
  next.metadata.resourceVersion = body.metadata?.resourceVersion || cur.metadata.resourceVersion;
  return scaleOf(ops.update(def, ns, name, next, ctx, 'scale'));
}

/** PATCH of a Scale (what `kubectl scale` sends: a merge patch `{"spec":{"replicas":N}}`). */
export function patchScale(
  ops: ApiOperations,
  def: ResourceDef,
  ns: string | undefined,
  name: string,
  type: PatchType,
  patch: unknown,
  ctx: WriteContext,
): KObject {
  const cur = getScale(ops, def, ns, name);
  let next: KObject;
  try {
    next = applyPatch(type, structuredClone(cur), patch) as KObject;
  } catch (e) {
    if (e instanceof PatchError) throw new ApiError(e.code, e.code === 422 ? 'Invalid' : 'BadRequest', e.message);
    throw e;
  }
  return updateScale(ops, def, ns, name, next, ctx);
}
