/**
 * The worker thread that starts the drivers' and command gates' processes (see process-pool.ts). Starting a
 * process blocks the calling thread until the child has exec'd — 10–25 ms on a busy machine — so at hundreds
 * of nodes, spawning on the main thread stalled the executor for seconds. Here it blocks only this thread.
 * Messages: `run` (file, args, options) → `pid`, `line`… then `done` with the outcome; `abort` stops a run.
 */
import { parentPort } from 'node:worker_threads';
import { runProcessHere, type OutputStream, type RunProcessOutcome } from './run-process.js';

export type ToWorker =
  | { kind: 'run'; id: number; file: string; args: string[]; timeoutMs: number; tailLines?: number; killGraceMs?: number; lines: boolean }
  | { kind: 'abort'; id: number };

export type FromWorker =
  | { kind: 'pid'; id: number; pid: number }
  | { kind: 'line'; id: number; stream: OutputStream; line: string }
  | { kind: 'done'; id: number; outcome: RunProcessOutcome };

const port = parentPort;
if (port) {
  const aborts = new Map<number, AbortController>();
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'abort') return void aborts.get(m.id)?.abort();
    const ac = new AbortController();
    aborts.set(m.id, ac);
    const post = (msg: FromWorker) => port.postMessage(msg);
    void runProcessHere(
      m.file,
      m.args,
      {
        timeoutMs: m.timeoutMs,
        signal: ac.signal,
        tailLines: m.tailLines,
        killGraceMs: m.killGraceMs,
        onLine: m.lines ? (stream, line) => post({ kind: 'line', id: m.id, stream, line }) : undefined,
      },
      (pid) => post({ kind: 'pid', id: m.id, pid }),
    )
      .then((outcome) => post({ kind: 'done', id: m.id, outcome: cloneable(outcome) }))
      .catch((e: unknown) => post({ kind: 'done', id: m.id, outcome: { timedOut: false, aborted: false, tail: [], durationMs: 0, spawnError: { message: `the process could not be run: ${(e as Error).message}`, cause: undefined } } }))
      .finally(() => aborts.delete(m.id));
  });
}

/** The outcome with its spawn error's cause reduced to what survives a structured clone (message and code). */
function cloneable(o: RunProcessOutcome): RunProcessOutcome {
  if (!o.spawnError) return o;
  const c = o.spawnError.cause as NodeJS.ErrnoException | undefined;
  const cause = c instanceof Error ? Object.assign(new Error(c.message), { code: c.code, errno: c.errno, syscall: c.syscall, path: c.path }) : undefined;
  return { ...o, spawnError: { ...o.spawnError, cause } };
}
