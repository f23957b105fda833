/**
 * From zod issues to the plan reader's problems: one `{ path, message }` per problem, the path written as
 * `groups[1].batches[0][2]` (`(root)` for the whole document), as `formatProblems` prints them. An unknown-keys
 * issue becomes one problem per key (at the key's path); a union that failed in every branch reports the one
 * branch that got past the top level (`addressFrom: {label: 5}` → the label's own problem), else its own message;
 * a value of the wrong type gets its type problem only.
 */
import type { z } from 'zod';
import type { PlanFileProblem } from './plan-file-errors.js';

type Issue = z.core.$ZodIssue;
type Key = PropertyKey;

/** `['groups', 1, 'batches', 0, 2]` → `groups[1].batches[0][2]`; `[]` → `''`. */
export const issuePath = (path: readonly Key[]): string =>
  path.reduce<string>((s, k) => {
    if (typeof k === 'number') return `${s}[${k}]`;
    return s === '' ? String(k) : `${s}.${String(k)}`;
  }, '');

const where = (path: readonly Key[]): string => (path.length === 0 ? '(root)' : issuePath(path));

const collect = (issues: readonly Issue[], prefix: readonly Key[], out: PlanFileProblem[]): void => {
  const wrongType = new Set(issues.filter((i) => i.code === 'invalid_type').map((i) => issuePath(i.path)));
  for (const iss of issues) {
    // zod also measures a string given where a list belongs; its type is the problem, not its length.
    if (iss.code === 'too_small' && wrongType.has(issuePath(iss.path))) continue;
    const path = [...prefix, ...iss.path];
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) out.push({ path: where([...path, key]), message: iss.message });
      continue;
    }
    if (iss.code === 'invalid_union' && iss.errors.length > 0) {
      const deep = iss.errors.filter((branch) => branch.some((b) => b.path.length > 0));
      if (deep.length === 1) {
        collect(deep[0] as Issue[], path, out);
        continue;
      }
    }
    out.push({ path: where(path), message: iss.message });
  }
};

/** The problems of a failed parse, in the order zod found them. */
export const problemsFromIssues = (issues: readonly Issue[]): PlanFileProblem[] => {
  const out: PlanFileProblem[] = [];
  collect(issues, [], out);
  return out;
};
