/**
 * `N` or `N%` of a stage's clusters, resolved to a count. Concurrency rounds up (10% of 5 clusters is 1, never
 * 0: a stage must be able to run) and is at least 1; the failure budget rounds down (10% of 5 is 0: the fleet
 * never tolerates a failure the operator did not allow), so both roundings err on the safe side.
 */
import type { CountOrPercent } from '../file/fleet-file-types.js';

/** An `N%` or `N` that is not a count (the fleet file's schema rejects these first; this guards direct use). */
export class CountError extends Error {
  override name = 'CountError';
}

function parse(v: CountOrPercent): { n: number; percent: boolean } {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) throw new CountError(`${v} is not a count (a whole number ≥ 0, or N%)`);
    return { n: v, percent: false };
  }
  const m = /^(\d+(?:\.\d+)?)%$/.exec(v);
  if (!m || Number(m[1]) > 100) throw new CountError(`${v} is not a percentage (0–100%, e.g. 25%)`);
  return { n: Number(m[1]), percent: true };
}

/** At most this many clusters of `total` run at once: ceil for a percentage, at least 1, at most `total` (≥ 1). */
export function resolveConcurrency(v: CountOrPercent, total: number): number {
  const { n, percent } = parse(v);
  const raw = percent ? Math.ceil((n * total) / 100) : n;
  return Math.max(1, Math.min(raw, Math.max(total, 1)));
}

/** Failed clusters of `total` the stage tolerates: floor for a percentage, at most `total`. */
export function resolveFailureBudget(v: CountOrPercent | undefined, total: number): number {
  if (v === undefined) return 0;
  const { n, percent } = parse(v);
  return Math.min(percent ? Math.floor((n * total) / 100) : n, total);
}
