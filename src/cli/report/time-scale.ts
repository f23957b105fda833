/**
 * The timeline's horizontal scale: time → x in pixels. Attempts are drawn to scale; a long pause between two
 * attempts (a run resumed hours later) is squeezed to a fixed narrow band so that the work stays readable.
 * Also picks round tick steps for the axis.
 */
import type { TimeSpan } from '../../upgrade/report/index.js';

export interface TimeScale {
  x(t: number): number;
  /** The squeezed pauses, in pixels and in time. */
  breaks: (TimeSpan & { x0: number; x1: number })[];
  /** Tick times (elapsed from the start is what the labels show), none inside a squeezed pause. */
  ticks: number[];
  startMs: number;
}

interface Piece extends TimeSpan {
  x0: number;
  x1: number;
}

const BREAK_W = 28;
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map(
  (s) => s * 1000,
);

/** `active`: when the run was running (its attempts); gaps between them longer than a tenth of the run are squeezed. */
export function makeTimeScale(run: TimeSpan, active: readonly TimeSpan[], x0: number, width: number): TimeScale {
  const total = Math.max(1, run.endMs - run.startMs);
  const gaps = idleGaps(run, active).filter((g) => g.endMs - g.startMs > total / 10);
  const squeezedMs = gaps.reduce((s, g) => s + (g.endMs - g.startMs), 0);
  const scaledMs = Math.max(1, total - squeezedMs);
  const perMs = (width - gaps.length * BREAK_W) / scaledMs;
  const pieces: Piece[] = [];
  let t = run.startMs;
  let x = x0;
  for (const g of [...gaps, { startMs: run.endMs, endMs: run.endMs }]) {
    if (g.startMs > t) pieces.push({ startMs: t, endMs: g.startMs, x0: x, x1: (x += (g.startMs - t) * perMs) });
    if (g.endMs > g.startMs) pieces.push({ startMs: g.startMs, endMs: g.endMs, x0: x, x1: (x += BREAK_W) });
    t = g.endMs;
  }
  const scale = (at: number): number => {
    if (at <= run.startMs) return x0;
    const p = pieces.find((q) => at <= q.endMs) ?? pieces.at(-1);
    if (!p) return x0;
    return p.endMs === p.startMs
      ? p.x0
      : p.x0 + ((Math.min(at, p.endMs) - p.startMs) / (p.endMs - p.startMs)) * (p.x1 - p.x0);
  };
  const step = STEPS.find((s) => scaledMs / s <= 10) ?? STEPS.at(-1)!;
  const ticks: number[] = [];
  for (let k = 0; run.startMs + k * step <= run.endMs && ticks.length < 400; k++) {
    const tick = run.startMs + k * step;
    if (!gaps.some((g) => tick > g.startMs && tick < g.endMs)) ticks.push(tick);
  }
  const breaks = pieces.filter((p) => gaps.some((g) => g.startMs === p.startMs && g.endMs === p.endMs));
  return { x: scale, breaks, ticks, startMs: run.startMs };
}

/** The parts of `run` that no active span covers, in order. */
function idleGaps(run: TimeSpan, active: readonly TimeSpan[]): TimeSpan[] {
  if (active.length === 0) return [];
  const sorted = [...active].sort((a, b) => a.startMs - b.startMs);
  const gaps: TimeSpan[] = [];
  let t = run.startMs;
  for (const a of sorted) {
    if (a.startMs > t) gaps.push({ startMs: t, endMs: Math.min(a.startMs, run.endMs) });
    t = Math.max(t, a.endMs);
  }
  if (run.endMs > t) gaps.push({ startMs: t, endMs: run.endMs });
  return gaps.filter((g) => g.endMs > g.startMs);
}
