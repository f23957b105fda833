/**
 * `runProcess`: runs a driver's or command gate's program from a worker thread (process-worker.ts), so that
 * starting it never blocks the executor's event loop. Same options and outcome as `runProcessHere`. The
 * worker is started on first use and holds the process open only while programs run. The process groups it
 * started are known here too, so that they are killed if this process exits first.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { killGroup, type RunProcessOptions, type RunProcessOutcome } from './run-process.js';
import type { FromWorker, ToWorker } from './process-worker.js';

interface Pending {
  opts: RunProcessOptions;
  resolve: (o: RunProcessOutcome) => void;
  pid?: number;
  started: number;
  onAbort?: () => void;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();
let exitHookInstalled = false;

/**
 * The worker: the compiled process-worker.js next to this module or, when this runs from the TypeScript
 * sources (the test suite), process-worker.ts loaded through tsx's loader, registered inside the worker.
 */
function newWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./process-worker.js', import.meta.url));
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api');
  const entry = new URL('./process-worker.ts', import.meta.url).href;
  return new Worker(`require(${JSON.stringify(tsx)}).register(); import(${JSON.stringify(entry)});`, { eval: true });
}

function startWorker(): Worker {
  const w = newWorker();
  w.on('message', (m: FromWorker) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.kind === 'pid') p.pid = m.pid;
    else if (m.kind === 'line') p.opts.onLine?.(m.stream, m.line);
    else finish(m.id, m.outcome);
  });
  const fail = (why: string) => {
    if (worker === w) worker = undefined;
    for (const [id, p] of [...pending]) {
      if (p.pid !== undefined) killGroup(p.pid, 'SIGKILL');
      finish(id, { timedOut: false, aborted: false, tail: [], durationMs: Date.now() - p.started, spawnError: { message: `the process worker stopped: ${why}`, cause: undefined } });
    }
  };
  w.on('error', (e) => fail(e.message));
  w.on('exit', (code) => fail(`exit code ${code}`));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of pending.values()) if (p.pid !== undefined) killGroup(p.pid, 'SIGKILL');
    });
  }
  return w;
}

function finish(id: number, outcome: RunProcessOutcome): void {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  if (p.onAbort) p.opts.signal?.removeEventListener('abort', p.onAbort);
  if (pending.size === 0) worker?.unref();
  p.resolve(outcome);
}

export function runProcess(file: string, args: readonly string[], opts: RunProcessOptions): Promise<RunProcessOutcome> {
  if (opts.signal?.aborted) return Promise.resolve({ timedOut: false, aborted: true, tail: [], durationMs: 0 });
  const w = (worker ??= startWorker());
  w.ref();
  const id = nextId++;
  return new Promise((resolve) => {
    const p: Pending = { opts, resolve, started: Date.now() };
    pending.set(id, p);
    if (opts.signal) {
      p.onAbort = () => w.postMessage({ kind: 'abort', id } satisfies ToWorker);
      opts.signal.addEventListener('abort', p.onAbort, { once: true });
    }
    w.postMessage({ kind: 'run', id, file, args: [...args], timeoutMs: opts.timeoutMs, tailLines: opts.tailLines, killGraceMs: opts.killGraceMs, lines: opts.onLine !== undefined } satisfies ToWorker);
  });
}
