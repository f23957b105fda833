/**
 * The helper process that starts the drivers' and command gates' processes (see process-pool.ts). Starting a
 * process forks the caller; from this bare process that is cheap, and the executor is not involved.
 * Messages over the IPC channel: `run` (file, args, options) → `pid`, `line`… then `done` with the outcome;
 * `abort` stops a run. It exits when its parent goes away (the channel closes) — after the node drivers still
 * running have ended: it holds their output pipes, so that a killed run does not take them down with it. It
 * ignores SIGINT and SIGTERM (a Ctrl-C reaches the whole process group): the run decides what a signal does.
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
      survivesExit?: boolean;
    }
  | { kind: 'abort'; id: number };

export type FromWorker =
  | { kind: 'pid'; id: number; pid: number }
  | { kind: 'line'; id: number; stream: OutputStream; line: string }
  | { kind: 'done'; id: number; outcome: RunProcessOutcome };

if (process.send) {
  const aborts = new Map<number, AbortController>();
  /** Runs that survive the parent (node drivers): the worker stays until they end. */
  const keep = new Set<number>();
  let orphaned = false;
  const post = (msg: FromWorker) => {
    if (process.connected) process.send!(msg);
  };
  const exitWhenIdle = () => {
    if (orphaned && keep.size === 0) process.exit(0);
  };
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => {
    orphaned = true;
    for (const [id, ac] of aborts) if (!keep.has(id)) ac.abort();
    exitWhenIdle();
  });
  process.on('message', (m: ToWorker) => {
    if (m.kind === 'abort') return void aborts.get(m.id)?.abort();
    const ac = new AbortController();
    aborts.set(m.id, ac);
    if (m.survivesExit) keep.add(m.id);
    void runProcessHere(
      m.file,
      m.args,
      {
        timeoutMs: m.timeoutMs,
        signal: ac.signal,
        tailLines: m.tailLines,
        killGraceMs: m.killGraceMs,
        ...(m.survivesExit ? { survivesExit: true } : {}),
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
      .finally(() => {
        aborts.delete(m.id);
        keep.delete(m.id);
        exitWhenIdle();
      });
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
