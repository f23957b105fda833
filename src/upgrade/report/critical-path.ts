/**
 * The critical path of a run: the chain of work that determined when it ended.
 *
 * Definition: start at the end of the run and take the piece of work that finished last at or before that
 * moment — a node's segment (node-started → finished/failed/end of its attempt) or a phase without nodes (the
 * etcd snapshot, postflight). Then step back to when that piece started and repeat: the piece that finished
 * last at or before that start is what it waited for (in a rolling window, the node whose end freed its slot;
 * across phases, the previous phase's last node). Work that overlaps the moment is concurrent, not a cause, and
 * is not taken. What lies between two links is named too: time inside a phase outside any node (health gates
 * of a batch, the window's pacing, the engine), time between two phases, start-up before the first phase, and
 * time between attempts (the run was stopped and resumed later). Gaps under a second (bookkeeping between one
 * node's end and the next start) are folded into their neighbours. Shortening a link on this path ends the run
 * sooner; shortening anything else does not.
 */
import type { CriticalLink, ReportAttempt, TimeSpan } from './report-types.js';

export interface PathElement extends TimeSpan {
  kind: 'node' | 'phase';
  phase: string;
  node?: string;
}

/** Gaps shorter than this between two links are bookkeeping, not listed. */
export const MIN_GAP_MS = 1000;

export function criticalPath(
  elements: readonly PathElement[],
  attempts: readonly ReportAttempt[],
  phaseSpans: readonly (TimeSpan & { phase: string })[],
  run: TimeSpan,
): CriticalLink[] {
  const work = elements.filter((e) => e.endMs > e.startMs);
  const links: CriticalLink[] = [];
  let t = run.endMs;
  for (;;) {
    let best: PathElement | undefined;
    for (const e of work) {
      if (e.startMs >= t || e.endMs > t) continue;
      if (!best || e.endMs > best.endMs || (e.endMs === best.endMs && e.endMs - e.startMs > best.endMs - best.startMs))
        best = e;
    }
    if (!best) break;
    links.push(...gap(best.endMs, t, attempts, phaseSpans));
    links.push({
      kind: best.kind,
      phase: best.phase,
      ...(best.node !== undefined ? { node: best.node } : {}),
      startMs: best.startMs,
      endMs: best.endMs,
    });
    t = best.startMs;
  }
  links.push(...gap(run.startMs, t, attempts, phaseSpans));
  return links.reverse();
}

/** Names the time between two links (in reverse order, as the walk collects them). */
function gap(
  from: number,
  to: number,
  attempts: readonly ReportAttempt[],
  phaseSpans: readonly (TimeSpan & { phase: string })[],
): CriticalLink[] {
  if (to - from < MIN_GAP_MS) return [];
  const bounds = [...attempts, ...phaseSpans].flatMap((a) => [a.startMs, a.endMs]).filter((c) => c > from && c < to);
  const cuts = [...new Set([from, ...bounds, to])].sort((a, b) => a - b);
  const pieces: CriticalLink[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i]!, cuts[i + 1]!];
    const link = { ...classify((a + b) / 2, attempts, phaseSpans), startMs: a, endMs: b };
    const last = pieces.at(-1);
    // A sliver (a phase's bookkeeping around its start or end) goes to the piece after it.
    if (last && (last.endMs - last.startMs < MIN_GAP_MS || (last.kind === link.kind && last.phase === link.phase)))
      pieces[pieces.length - 1] = { ...link, startMs: last.startMs };
    else pieces.push(link);
  }
  const tail = pieces.at(-1);
  if (tail && pieces.length > 1 && tail.endMs - tail.startMs < MIN_GAP_MS) {
    pieces.pop();
    pieces[pieces.length - 1]!.endMs = tail.endMs;
  }
  return pieces.reverse();
}

/** Outside every attempt: idle; inside a phase: between its nodes; before the attempt's first phase: start-up. */
function classify(
  mid: number,
  attempts: readonly ReportAttempt[],
  phaseSpans: readonly (TimeSpan & { phase: string })[],
): Pick<CriticalLink, 'kind' | 'phase'> {
  const attempt = attempts.find((x) => x.startMs <= mid && mid <= x.endMs);
  if (!attempt && attempts.length > 0) return { kind: 'idle' };
  const phase = phaseSpans.find((p) => p.startMs <= mid && mid <= p.endMs);
  if (phase) return { kind: 'between-nodes', phase: phase.phase };
  const from = attempt?.startMs ?? -Infinity;
  const phaseBefore = phaseSpans.some((p) => p.startMs >= from && p.startMs < mid);
  return phaseBefore ? { kind: 'between-nodes' } : { kind: 'startup' };
}
