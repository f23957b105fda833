/**
 * Validating a parsed plan document: the zod schema (`plan-file-schema.ts`) first, every problem with its path,
 * then the rules between sections (`plan-file-consistency.ts`) once the structure is valid. The result is the
 * plan rebuilt with its keys in the canonical order, so the same function serves reading and writing.
 */
import type { PlanFileProblem } from './plan-file-errors.js';
import { consistencyProblems } from './plan-file-consistency.js';
import { problemsFromIssues } from './plan-file-issues.js';
import { upgradePlanSchema, type UpgradePlan } from './plan-file-schema.js';

/**
 * `value` with the `null` members of its mappings made `undefined`: for a plan, `key:` with no value (YAML null)
 * is the same as no key (a required field is then `required`, an optional one absent, an unknown one still
 * unknown). List items are kept as they are (a `null` item is an error). Copies only what it changes.
 */
const nullMembersAbsent = (value: unknown): unknown => {
  if (Array.isArray(value)) {
    return value.some((v) => v !== null && typeof v === 'object') ? value.map(nullMembersAbsent) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = v === null ? undefined : nullMembersAbsent(v);
  return out;
};

/** Removes `undefined` members from the mappings of a parsed plan (an optional field given as absent), in place. */
const dropUndefinedMembers = (value: unknown): void => {
  if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object') dropUndefinedMembers(v);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (o[k] === undefined) delete o[k];
    else dropUndefinedMembers(o[k]);
  }
};

/**
 * Validates a parsed document. Returns the plan rebuilt in canonical key order when there is no problem, and
 * every problem found otherwise (structure first; consistency between sections once the structure is valid).
 */
export const validatePlanDocument = (
  value: unknown,
): { plan: UpgradePlan; problems: [] } | { plan?: undefined; problems: PlanFileProblem[] } => {
  const parsed = upgradePlanSchema.safeParse(nullMembersAbsent(value));
  if (!parsed.success) return { problems: problemsFromIssues(parsed.error.issues) };
  dropUndefinedMembers(parsed.data); // zod's output is a new object: this edits no caller's data
  const out: PlanFileProblem[] = [];
  consistencyProblems(parsed.data, out);
  return out.length === 0 ? { plan: parsed.data, problems: [] } : { problems: out };
};
