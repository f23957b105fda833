/**
 * Unknown fields, found as kube-apiserver's strict decoding finds them: every field the kind's schema does not
 * declare (for built-in kinds the typed struct, for custom resources the CRD's structural schema, where
 * `x-kubernetes-preserve-unknown-fields` keeps anything) is reported by its path — `spec.foo`,
 * `spec.template.spec.containers[0].bar`. `apiVersion` and `kind` are always allowed, `metadata` is always
 * checked against ObjectMeta.
 *
 * Unlike kube-apiserver, which drops unknown fields while decoding into its typed structs (or prunes them from
 * custom resources), the sandbox keeps what clients send (store/types.ts: deliberately loose): under Warn and
 * Ignore the fields are stored, under Strict the write is refused, so nothing unknown is stored on kubectl's
 * default path.
 */
import type { KObject } from '../store/types.js';
import { OBJECT_META, resolveRef } from './catalog.js';
import type { Schema } from './schema.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The paths of every field of `obj` that `root` does not declare, in document order. */
export function unknownFields(obj: KObject, root: Schema, definitions: Record<string, Schema>): string[] {
  const unknown: string[] = [];
  const deref = (s: Schema | undefined): Schema | undefined => {
    let cur = s;
    for (let i = 0; cur && i < 32; i++) {
      if (cur.$ref) cur = resolveRef(definitions, cur.$ref);
      else if (cur.allOf?.length === 1 && !cur.properties && !cur.type) cur = cur.allOf[0];
      else break;
    }
    return cur;
  };
  const walk = (value: Json, schema: Schema | undefined, path: string): void => {
    const s = deref(schema);
    if (!s || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      if (s.items) value.forEach((v, i) => walk(v, s.items, `${path}[${i}]`));
      return;
    }
    const props = s.properties;
    const extra = s.additionalProperties;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = s['x-kubernetes-embedded-resource'] === true;
    if (!props && extra === undefined) return; // an object of any shape (RawExtension, FieldsV1, JSON, …)
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      const declared = props?.[key];
      if (embedded && key === 'metadata') walk(value[key], { $ref: `#/definitions/${OBJECT_META}` }, at);
      else if (declared) walk(value[key], declared, at);
      else if (embedded && (key === 'apiVersion' || key === 'kind')) continue;
      else if (typeof extra === 'object') walk(value[key], extra, at);
      else if (extra === true || preserve) continue;
      else unknown.push(at);
    }
  };
  const top = deref(root);
  const typeMeta = { apiVersion: { type: 'string' }, kind: { type: 'string' } };
  const properties = { ...typeMeta, ...(top?.properties ?? {}), metadata: { $ref: `#/definitions/${OBJECT_META}` } };
  walk(obj as unknown as Json, { ...top, properties }, '');
  return unknown;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The `fieldValidation` directive of a write; kube-apiserver's default (since 1.23) is Warn. */
export function fieldValidationOf(q: URLSearchParams): FieldValidation | undefined {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  return v === 'Strict' || v === 'Warn' || v === 'Ignore' ? v : undefined;
}

/** The `strict decoding error` text kube-apiserver gives for these unknown fields. */
export function strictDecodingError(paths: string[]): string {
  return `strict decoding error: ${paths.map((p) => `unknown field "${p}"`).join(', ')}`;
}
