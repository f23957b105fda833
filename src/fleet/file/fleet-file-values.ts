/**
 * The fleet file's small value types, parsed: counts or percentages (`3`, `"25%"`) and Go-style durations
 * (`90s`, `1h30m`). Pure functions; the schema uses them to validate, the scheduler to compute.
 */
import type { CountOrPercent, Duration } from './fleet-file-types.js';

const COUNT = /^(\d+)(%?)$/;

/** Why `value` is not a count ≥ `min` or a percentage `min`–100 (percent ≥ 1 when min ≥ 1), or undefined. */
export function countOrPercentProblem(value: unknown, min: number): string | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  const m = text === undefined ? null : COUNT.exec(text);
  if (!m || (typeof value === 'number' && !Number.isSafeInteger(value)))
    return `expected a whole number ≥ ${min} or a percentage such as "25%", got ${JSON.stringify(value)}`;
  const n = Number(m[1]);
  if (m[2] === '%') {
    if (n < min || n > 100) return `a percentage must be from ${min}% to 100%, got ${JSON.stringify(value)}`;
  } else if (n < min) return `expected at least ${min}, got ${JSON.stringify(value)}`;
  return undefined;
}

/** `value` of `total`: a count as is, a percentage rounded down but never below `floor`. */
export function resolveCountOrPercent(value: CountOrPercent, total: number, floor = 0): number {
  const text = String(value).trim();
  if (text.endsWith('%')) return Math.max(floor, Math.floor((total * Number(text.slice(0, -1))) / 100));
  return Math.max(floor, Number(text));
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds in a Go-style duration of hours, minutes and seconds (`2h`, `30m`, `1h30m`, `90s`); undefined if not one. */
export function parseDuration(value: Duration): number | undefined {
  const m = DURATION.exec(value.trim());
  if (!m || value.trim() === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Why `value` is not a duration from `min` to `max` seconds, or undefined. */
export function durationProblem(value: string, min = 1, max = Number.MAX_SAFE_INTEGER): string | undefined {
  const seconds = parseDuration(value);
  if (seconds === undefined) return `${JSON.stringify(value)} is not a duration (expected e.g. 90s, 30m, 1h30m, 2h)`;
  if (seconds < min) return `${JSON.stringify(value)} is too short (at least ${min}s)`;
  if (seconds > max) return `${JSON.stringify(value)} is too long (at most ${max}s)`;
  return undefined;
}

/** Why `zone` is not an IANA time zone this runtime knows (checked with Intl), or undefined. */
export function timeZoneProblem(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return `${JSON.stringify(zone)} is not an IANA time zone (expected e.g. UTC, Europe/Berlin, Asia/Tokyo)`;
  }
}
