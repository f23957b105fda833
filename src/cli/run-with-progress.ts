/**
 * How `apply` and `rollback` show a run: the progress renderer starts with the run itself (after any
 * confirmation question), with the events that came before it (preflight, lock) held until then; it is always
 * closed, also when the run throws; the closing summary follows unless the output is JSON lines, where the
 * reason of a run that did not finish goes to stderr as one line (a CI log shows why without parsing). Plain and
 * JSON lines to stdout go through AsyncFdOutput, so a slow reader of the output never stalls the run; they are
 * all written out before this returns.
 */
import type { EventSink, NodeStep, RunSummary, UpgradeEvent } from '../upgrade/run/index.js';
import { createProgressRenderer, renderRunSummary, type ProgressMode } from './render/index.js';
import { AsyncFdOutput } from './async-output.js';

export async function runWithProgress(
  opts: {
    mode: ProgressMode;
    color: boolean;
    out?: NodeJS.WritableStream;
    stream?: 'stdout' | 'stderr';
    /** Step limits for the plain lines' heartbeats (e.g. `wait-ready`: --node-ready-timeout). */
    limits?: Partial<Record<NodeStep, number>>;
    /** Where the one-line reason of an unfinished run goes in JSON-lines mode (process.stderr). */
    err?: NodeJS.WritableStream;
  },
  run: (sink: EventSink) => Promise<RunSummary>,
): Promise<RunSummary> {
  // `stream: 'stderr'` keeps stdout for one JSON document (`--json`).
  const std = process[opts.stream ?? 'stdout'];
  const queued = !opts.out && opts.mode !== 'tty' ? new AsyncFdOutput(std.fd) : undefined;
  const out = opts.out ?? queued ?? std;
  let renderer: ReturnType<typeof createProgressRenderer> | undefined;
  const early: UpgradeEvent[] = [];
  const sink: EventSink = (e) => {
    if (!renderer && e.type !== 'run-started' && e.type !== 'run-finished') {
      early.push(e);
      return;
    }
    if (!renderer) {
      renderer = createProgressRenderer({
        mode: opts.mode,
        out,
        color: opts.color,
        ...(opts.limits ? { limits: opts.limits } : {}),
      });
      for (const x of early.splice(0)) renderer.sink(x);
    }
    renderer.sink(e);
  };
  try {
    const summary = await run(sink);
    await renderer?.close();
    if (opts.mode !== 'json') out.write(`\n${renderRunSummary(summary, { color: opts.color })}\n`);
    // With the JSON lines on stderr (--json) that stream is the events' alone; the summary is on stdout.
    else if (opts.stream !== 'stderr') {
      const line = reasonLine(summary);
      if (line) (opts.err ?? process.stderr).write(`${line}\n`);
    }
    return summary;
  } catch (e) {
    await renderer?.close();
    throw e;
  } finally {
    await queued?.flush();
  }
}

/** One line saying why a run did not finish and what to run next; `undefined` for a finished run. */
export function reasonLine(summary: RunSummary): string | undefined {
  const stop = summary.stoppedBy;
  if (summary.outcome === 'done' || !stop) return undefined;
  const flat = (t: string) => t.replace(/\s*\n\s*/g, '; ').trim();
  const next = stop.next[0] ? ` Next: ${flat(stop.next[0])}` : '';
  return `run ${summary.outcome}${stop.transient ? ' (transient API failure)' : ''}: ${flat(stop.message)}.${next}`;
}
