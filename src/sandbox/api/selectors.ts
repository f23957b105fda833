/**
 * Label and field selectors as the apiserver accepts them in `labelSelector=` / `fieldSelector=` query
 * parameters, and `LabelSelector` objects (matchLabels/matchExpressions) as PDBs and workloads carry them.
 * The sandbox has its own implementation on purpose: it is the server side and must not share the product's.
 */
import type { KObject } from '../store/types.js';

export class SelectorError extends Error {}

type Req =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'eq' | 'neq'; value: string };

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** Parses the string form (`a=b,c!=d,e in (x,y),!f,g`). */
export function parseLabelSelector(s: string): LabelMatcher {
  const reqs = splitTopLevel(s).map(parseRequirement);
  return (labels) => reqs.every((r) => matchReq(r, labels ?? {}));
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseRequirement(p: string): Req {
  let m = /^!\s*([\w./-]+)$/.exec(p);
  if (m) return { key: m[1], op: 'notexists' };
  m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p);
  if (m)
    return {
      key: m[1],
      op: m[2] as 'in' | 'notin',
      values: m[3]
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    };
  m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(p);
  if (m) return { key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] };
  m = /^([\w./-]+)$/.exec(p);
  if (m) return { key: m[1], op: 'exists' };
  throw new SelectorError(`unable to parse requirement: ${JSON.stringify(p)}`);
}

function matchReq(r: Req, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'exists':
      return has;
    case 'notexists':
      return !has;
    case 'eq':
      return has && labels[r.key] === r.value;
    case 'neq':
      return !has || labels[r.key] !== r.value;
    case 'in':
      return has && r.values.includes(labels[r.key]);
    case 'notin':
      return !has || !r.values.includes(labels[r.key]);
  }
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * Matcher for a LabelSelector object. `emptySelectsAll` follows policy/v1 (an empty selector `{}` selects
 * every pod in the namespace); a missing selector selects nothing.
 */
export function selectorObjectMatcher(
  sel: LabelSelectorObject | undefined | null,
  emptySelectsAll = true,
): LabelMatcher {
  if (!sel) return () => false;
  const ml = Object.entries(sel.matchLabels ?? {});
  const me = sel.matchExpressions ?? [];
  if (ml.length === 0 && me.length === 0) return () => emptySelectsAll;
  return (labels) => {
    const l = labels ?? {};
    for (const [k, v] of ml) if (l[k] !== v) return false;
    for (const e of me) {
      const has = Object.prototype.hasOwnProperty.call(l, e.key);
      const values = e.values ?? [];
      if (e.operator === 'In' && !(has && values.includes(l[e.key]))) return false;
      if (e.operator === 'NotIn' && has && values.includes(l[e.key])) return false;
      if (e.operator === 'Exists' && !has) return false;
      if (e.operator === 'DoesNotExist' && has) return false;
    }
    return true;
  };
}

export interface FieldRequirement {
  path: string;
  op: 'eq' | 'neq';
  value: string;
}

/** Parses `spec.nodeName=n1,status.phase!=Running`. */
export function parseFieldSelector(s: string): FieldRequirement[] {
  return splitTopLevel(s).map((p) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(p);
    if (!m) throw new SelectorError(`invalid field selector: ${JSON.stringify(p)}`);
    return { path: m[1], op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] };
  });
}

export function matchFields(reqs: FieldRequirement[], obj: KObject): boolean {
  return reqs.every((r) => {
    const v = fieldValue(obj, r.path);
    return r.op === 'eq' ? v === r.value : v !== r.value;
  });
}

function fieldValue(obj: KObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return String(cur);
}
