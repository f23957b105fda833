/**
 * The three patch types kubectl and client-node send: JSON Patch (RFC 6902), JSON Merge Patch (RFC 7386,
 * `null` deletes a key) and Kubernetes strategic merge patch (a merge patch where lists of objects with a
 * known merge key are merged element by element, `$patch: delete|replace` is honoured and other
 * `$`-directives are dropped).
 */

export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 415 | 422 | 400 | 409,
  ) {
    super(message);
  }
}

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export function applyPatch(type: PatchType, target: unknown, patch: unknown): unknown {
  switch (type) {
    case 'application/json-patch+json':
      return jsonPatch(target as Json, patch);
    case 'application/merge-patch+json':
      return mergePatch(target as Json, patch as Json);
    case 'application/strategic-merge-patch+json':
      return strategicMerge(target as Json, patch as Json, '');
  }
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/** Merge keys of the list fields the sandbox's resources carry (from the Kubernetes API's patchMergeKey tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  env: 'name',
  ports: 'containerPort',
  conditions: 'type',
  addresses: 'type',
  ownerReferences: 'uid',
  imagePullSecrets: 'name',
  tolerations: '',
  taints: '',
};
const PRIMITIVE_MERGE_LISTS = new Set(['finalizers']);

function strategicMerge(target: Json, patch: Json, field: string): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _drop, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v) && MERGE_KEYS[k] && Array.isArray(cur)) out[k] = mergeList(cur, v, MERGE_KEYS[k]);
    else if (Array.isArray(v) && PRIMITIVE_MERGE_LISTS.has(k) && Array.isArray(cur))
      out[k] = [...new Set([...cur, ...v])];
    else if (Array.isArray(v)) out[k] = v.map((e) => stripDirectives(e));
    else out[k] = strategicMerge(cur ?? null, v, k);
  }
  void field;
  return out;
}

function mergeList(cur: Json[], patch: Json[], key: string): Json[] {
  const out = [...cur];
  for (const el of patch) {
    if (!isObject(el) || !(key in el)) {
      out.push(stripDirectives(el));
      continue;
    }
    const i = out.findIndex((c) => isObject(c) && c[key] === el[key]);
    if (el.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMerge(out[i], el, '');
    else out.push(stripDirectives(el));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(val);
  return out;
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function jsonPatch(target: Json, patch: unknown): Json {
  if (!Array.isArray(patch)) throw new PatchError('json patch must be an array of operations', 400);
  let doc: Json = structuredClone(target);
  for (const raw of patch as Op[]) {
    const op = raw as Op;
    switch (op.op) {
      case 'add':
        doc = setAt(doc, parsePointer(op.path), op.value ?? null, 'add');
        break;
      case 'replace':
        getAt(doc, parsePointer(op.path));
        doc = setAt(doc, parsePointer(op.path), op.value ?? null, 'replace');
        break;
      case 'remove':
        doc = removeAt(doc, parsePointer(op.path));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, parsePointer(op.path))) !== JSON.stringify(op.value)) {
          throw new PatchError(
            `the server rejected our request due to an error in our request: testing value ${op.path} failed`,
            422,
          );
        }
        break;
      case 'move': {
        const from = parsePointer(op.from ?? '');
        const v = getAt(doc, from);
        doc = setAt(removeAt(doc, from), parsePointer(op.path), v, 'add');
        break;
      }
      case 'copy':
        doc = setAt(doc, parsePointer(op.path), structuredClone(getAt(doc, parsePointer(op.from ?? ''))), 'add');
        break;
      default:
        throw new PatchError(`Unexpected kind: ${String(op.op)}`, 422);
    }
  }
  return doc;
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(p)}`, 422);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: Json, path: string[]): Json {
  let cur: Json = doc;
  for (const part of path) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObject(cur)) cur = cur[part];
    else cur = undefined as unknown as Json;
    if (cur === undefined)
      throw new PatchError(
        `the server rejected our request due to an error in our request: path ${'/' + path.join('/')} not found`,
        422,
      );
  }
  return cur;
}

function setAt(doc: Json, path: string[], value: Json, mode: 'add' | 'replace'): Json {
  if (path.length === 0) return value;
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (mode === 'add') parent.splice(i, 0, value);
    else parent[i] = value;
  } else if (isObject(parent)) parent[last] = value;
  else throw new PatchError(`the server rejected our request: cannot set ${'/' + path.join('/')}`, 422);
  return doc;
}

function removeAt(doc: Json, path: string[]): Json {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  getAt(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObject(parent)) delete parent[last];
  return doc;
}
