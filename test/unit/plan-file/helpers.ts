/** Shared helpers of the plan-file tests: catch a PlanFileError, and edit plans as plain data by path. */
import YAML from 'yaml';
import { expect } from 'vitest';
import { PlanFileError, parsePlan, type PlanFileErrorCode, type UpgradePlan } from '../../../src/plan/index.js';

/** Runs `fn`, expects a PlanFileError with `code`, returns it. */
export const planError = (fn: () => unknown, code: PlanFileErrorCode): PlanFileError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PlanFileError);
    const err = e as PlanFileError;
    expect(err.code, err.message).toBe(code);
    return err;
  }
  throw new Error(`expected a PlanFileError ${code}, but nothing was thrown`);
};

type Container = Record<string, unknown> | unknown[];
export const DELETE = Symbol('delete');

const segments = (path: string): (string | number)[] =>
  [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] as string)));

/** Sets (or with DELETE removes) the value at `groups[1].batches[0][2]`-style paths, in place. */
export const setPath = (doc: unknown, path: string, value: unknown): void => {
  const keys = segments(path);
  const last = keys.pop() as string | number;
  let node = doc as Container;
  for (const k of keys) node = (node as Record<string | number, unknown>)[k] as Container;
  const target = node as Record<string | number, unknown>;
  if (value === DELETE) {
    if (Array.isArray(target)) target.splice(last as number, 1);
    else delete target[last];
  } else target[last] = value;
};

/** A deep copy of a plan as plain data with some paths changed. */
export const edited = (plan: UpgradePlan, edits: Record<string, unknown> = {}): Record<string, unknown> => {
  const doc = JSON.parse(JSON.stringify(plan)) as Record<string, unknown>;
  for (const [path, value] of Object.entries(edits)) setPath(doc, path, value);
  return doc;
};

/** Parses a hand-made document (written with plain YAML.stringify: no checks, no hash stamping). */
export const parseRaw = (doc: unknown): UpgradePlan => parsePlan(YAML.stringify(doc), { source: 'test.yaml' });
