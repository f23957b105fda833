/**
 * The plan's content hash: sha256 over the canonical JSON of the plan without `metadata.contentHash`.
 * Canonical JSON = `JSON.stringify` with the keys of every object sorted by code point, recursively, no
 * whitespace, and `undefined` members left out (as YAML leaves them out). It detects edits and truncation;
 * it is not a signature (anyone can recompute it).
 */
import { createHash } from 'node:crypto';
import { compareNames } from './ordering.js';
import type { UpgradePlan } from './plan-file-schema.js';

export const CONTENT_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** Deterministic JSON text of plain data (objects, arrays, strings, finite numbers, booleans, null). */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a finite number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareNames(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
};

/** `sha256:<hex>` of the plan with `metadata.contentHash` left out (whatever it holds now). */
export const computeContentHash = (plan: UpgradePlan): string => {
  const { contentHash: _ignored, ...metadata } = plan.metadata;
  const hex = createHash('sha256')
    .update(canonicalJson({ ...plan, metadata }), 'utf8')
    .digest('hex');
  return `sha256:${hex}`;
};

/** The plan with `metadata.contentHash` set to its computed value. */
export const sealPlan = (plan: UpgradePlan): UpgradePlan => ({
  ...plan,
  metadata: { ...plan.metadata, contentHash: computeContentHash(plan) },
});
