/**
 * The helper process that starts the drivers' and command gates' processes (see process-pool.ts). Starting a
 * process forks the caller; from this bare process that is cheap, and the executor is not involved.
 * Messages over the IPC channel: `run` (file, args, options) → `pid`, `line`… then `done` with the outcome;
 * `abort` stops a run. It exits when its parent goes away (the channel closes).
 */
import { runProcessHere, type OutputStream, type RunProcessOutcome } from './run-process.js';

export type ToWorker =
  | {
      kind: 'run';
      id: number;
      file: string;
      args: string[];
      timeoutMs: number;
      tailLines?: number;
      killGraceMs?: number;
      lines: boolean;
    }
  | { kind: 'abort'; id: number };

export type FromWorker =
  | { kind: 'pid'; id: number; pid: number }
  | { kind: 'line'; id: number; stream: OutputStream; line: string }
  | { kind: 'done'; id: number; outcome: RunProcessOutcome };

if (process.send) {
  const aborts = new Map<number, AbortController>();
  const post = (msg: FromWorker) => {
    if (process.connected) process.send!(msg);
  };
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: ToWorker) => {
    if (m.kind === 'abort') return void aborts.get(m.id)?.abort();
    const ac = new AbortController();
    aborts.set(m.id, ac);
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
      .catch((e: unknown) =>
        post({
          kind: 'done',
          id: m.id,
          outcome: {
            timedOut: false,
            aborted: false,
            tail: [],
            durationMs: 0,
            spawnError: { message: `the process could not be run: ${(e as Error).message}`, cause: undefined },
          },
        }),
      )
      .finally(() => aborts.delete(m.id));
  });
}

/** The outcome with its spawn error's cause reduced to what survives a structured clone (message and code). */
function cloneable(o: RunProcessOutcome): RunProcessOutcome {
  if (!o.spawnError) return o;
  const c = o.spawnError.cause as NodeJS.ErrnoException | undefined;
  const cause =
    c instanceof Error
      ? Object.assign(new Error(c.message), { code: c.code, errno: c.errno, syscall: c.syscall, path: c.path })
      : undefined;
  return { ...o, spawnError: { ...o.spawnError, cause } };
}
