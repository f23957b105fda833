/**
 * Maintenance windows in IANA time zones: is an instant inside one, when does the next one open, when does the
 * current one close. Local opening times are turned into instants through `Intl` (the zone's offset at that very
 * instant, checked twice), so a window stays at its local time across DST changes. Pure: the caller passes `now`.
 */
import { WEEKDAYS, type MaintenanceWindow } from '../file/fleet-file-types.js';
import { parseDuration } from './duration.js';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of `t` in `timeZone`, as if they were UTC (ms). */
function localAsUtc(t: number, timeZone: string): number {
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(t))
      .map((x) => [x.type, Number(x.value)]),
  ) as Record<string, number>;
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

/** The instant at which the local time `wall` (local fields as UTC ms) occurs in `timeZone`. */
function instantOf(wall: number, timeZone: string): number {
  let t = wall - (localAsUtc(wall, timeZone) - wall);
  t = wall - (localAsUtc(t, timeZone) - t); // the offset at the instant itself (DST)
  return t;
}

/** Sun=0 … Sat=6 as Date.getUTCDay → our Mon-first names. */
const DAY_OF = (utcDay: number): (typeof WEEKDAYS)[number] => WEEKDAYS[(utcDay + 6) % 7]!;

/** Window openings (instants) whose local date is within `days` of `now`'s local date, ascending. */
function openings(w: MaintenanceWindow, now: Date, before: number, after: number): number[] {
  const [hh, mm] = w.start.split(':').map(Number) as [number, number];
  const local = new Date(localAsUtc(now.getTime(), w.timeZone));
  const out: number[] = [];
  for (let k = -before; k <= after; k++) {
    const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + k);
    if (!w.days.includes(DAY_OF(new Date(day).getUTCDay()))) continue;
    out.push(instantOf(day + (hh * 60 + mm) * 60_000, w.timeZone));
  }
  return out;
}

/** The window `now` is in, if any: its opening and closing instants. */
export function currentWindow(w: MaintenanceWindow, now: Date): { opens: Date; closes: Date } | undefined {
  const len = parseDuration(w.duration);
  const t = now.getTime();
  for (const o of openings(w, now, 8, 0).reverse()) {
    if (o <= t && t < o + len) return { opens: new Date(o), closes: new Date(o + len) };
  }
  return undefined;
}

export const isInWindow = (w: MaintenanceWindow, now: Date): boolean => currentWindow(w, now) !== undefined;

/** The next opening strictly after `now` (within 15 days; undefined for a window with no days). */
export function nextWindowOpening(w: MaintenanceWindow, now: Date): Date | undefined {
  const t = now.getTime();
  const o = openings(w, now, 1, 15).find((x) => x > t);
  return o === undefined ? undefined : new Date(o);
}
