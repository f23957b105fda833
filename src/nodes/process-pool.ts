/**
 * `runProcess`: runs a driver's or command gate's program from a small helper process (process-worker.ts),
 * so that starting it never blocks the executor. Same options and outcome as `runProcessHere`. Starting a
 * process forks the caller: from the executor — hundreds of MB of heap, several threads — that took ~35 ms of
 * CPU per program and held the process's memory map locked meanwhile; the helper is a bare Node process, so a
 * fork costs a few ms and the executor is not involved. The helper is started on first use and holds this
 * process open only while programs run; it exits when this process goes away (even killed outright), ending
 * the programs still running as run-process.ts's exit hook does. The process groups it started are known here
 * too, so that they are killed if this process exits first.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { killGroup, type RunProcessOptions, type RunProcessOutcome } from './run-process.js';
import type { FromWorker, ToWorker } from './process-worker.js';

interface Pending {
  opts: RunProcessOptions;
  resolve: (o: RunProcessOutcome) => void;
  pid?: number;
  started: number;
  onAbort?: () => void;
}

let worker: ChildProcess | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();
let exitHookInstalled = false;

/**
 * The helper: the compiled process-worker.js next to this module or, when this runs from the TypeScript
 * sources (the test suite), process-worker.ts through tsx's loader.
 */
function newWorker(): ChildProcess {
  const opts = {
    serialization: 'advanced' as const,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'] as ['ignore', 'ignore', 'inherit', 'ipc'],
  };
  if (!import.meta.url.endsWith('.ts'))
    return fork(fileURLToPath(new URL('./process-worker.js', import.meta.url)), [], { ...opts, execArgv: [] });
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  return fork(fileURLToPath(new URL('./process-worker.ts', import.meta.url)), [], {
    ...opts,
    execArgv: ['--import', tsx],
  });
}

const send = (w: ChildProcess, m: ToWorker) => {
  if (w.connected) w.send(m);
};

/** Holds this process open (or not) on the helper's account: its handle and its IPC channel. */
function hold(w: ChildProcess, on: boolean): void {
  const ch = w.channel as { ref?: () => void; unref?: () => void } | undefined;
  if (on) {
    w.ref();
    ch?.ref?.();
  } else {
    w.unref();
    ch?.unref?.();
  }
}

function startWorker(): ChildProcess {
  const w = newWorker();
  w.on('message', (m: FromWorker) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.kind === 'pid') {
      p.pid = m.pid;
      p.opts.onPid?.(m.pid);
    } else if (m.kind === 'line') p.opts.onLine?.(m.stream, m.line);
    else finish(m.id, m.outcome);
  });
  const fail = (why: string) => {
    if (worker === w) worker = undefined;
    for (const [id, p] of [...pending]) {
      if (p.pid !== undefined) killGroup(p.pid, 'SIGKILL');
      finish(id, {
        timedOut: false,
        aborted: false,
        tail: [],
        durationMs: Date.now() - p.started,
        spawnError: { message: `the process worker stopped: ${why}`, cause: undefined },
      });
    }
  };
  w.on('error', (e) => fail(e.message));
  w.on('exit', (code, signal) => fail(`exit ${signal ?? `code ${code}`}`));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of pending.values()) if (p.pid !== undefined && !p.opts.survivesExit) killGroup(p.pid, 'SIGKILL');
    });
  }
  return w;
}

function finish(id: number, outcome: RunProcessOutcome): void {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  if (p.onAbort) p.opts.signal?.removeEventListener('abort', p.onAbort);
  if (pending.size === 0 && worker) hold(worker, false);
  p.resolve(outcome);
}

export function runProcess(file: string, args: readonly string[], opts: RunProcessOptions): Promise<RunProcessOutcome> {
  if (opts.signal?.aborted) return Promise.resolve({ timedOut: false, aborted: true, tail: [], durationMs: 0 });
  const w = (worker ??= startWorker());
  hold(w, true);
  const id = nextId++;
  return new Promise((resolve) => {
    const p: Pending = { opts, resolve, started: Date.now() };
    pending.set(id, p);
    if (opts.signal) {
      p.onAbort = () => send(w, { kind: 'abort', id });
      opts.signal.addEventListener('abort', p.onAbort, { once: true });
    }
    send(w, {
      kind: 'run',
      id,
      file,
      args: [...args],
      timeoutMs: opts.timeoutMs,
      tailLines: opts.tailLines,
      killGraceMs: opts.killGraceMs,
      lines: opts.onLine !== undefined,
      ...(opts.survivesExit ? { survivesExit: true } : {}),
    });
  });
}
