/**
 * Runs one program (never through a shell) for the drivers and command gates: streams every output line,
 * keeps the last lines for error messages, and on timeout or abort kills the whole process tree (the child runs
 * in its own process group). Returns what happened; deciding what it means is the caller's job.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa } from 'execa';

export type OutputStream = 'stdout' | 'stderr';

export interface RunProcessOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onLine?: (stream: OutputStream, line: string) => void;
  /** How many of the last lines to keep (default 20). */
  tailLines?: number;
  /** Grace period between SIGTERM and SIGKILL of the process group (default 3 s). */
  killGraceMs?: number;
  /** Told the child's pid once it exists (it leads its own process group). */
  onPid?: (pid: number) => void;
  /**
   * A node driver: left running when this process (or the helper) goes away — a killed run must not half-kill
   * `kubeadm upgrade`; the journal's driver record makes the next run wait for it. Timeouts and aborts still
   * kill its whole group.
   */
  survivesExit?: boolean;
}

export interface RunProcessOutcome {
  /** Set when the program ran and exited by itself. */
  exitCode?: number;
  /** The signal that ended it, if any. */
  signal?: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the program could not be started (`ENOENT`, `EACCES` …). */
  spawnError?: { code?: string; message: string; cause: unknown };
  /** The last output lines, both streams interleaved in arrival order. */
  tail: string[];
  durationMs: number;
}

/** Process groups still running: killed if this process exits first, so no orphan upgrade keeps going unseen. */
const running = new Set<number>();
let exitHookInstalled = false;
const installExitHook = (): void => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of running) killGroup(pid, 'SIGKILL');
  });
};

export const killGroup = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
};

const readLines = (stream: Readable | null | undefined, onLine: (line: string) => void): Promise<void> => {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', onLine);
    rl.on('close', resolve);
    stream.on('error', () => resolve());
  });
};

/**
 * Runs the program from this process. The product goes through `runProcess` (process-pool.ts), which calls
 * this in a small helper process: starting a process forks the caller and blocks it until the child has
 * exec'd, which from the executor's large heap was slow and stalled it.
 */
export async function runProcessHere(
  file: string,
  args: readonly string[],
  opts: RunProcessOptions,
  onPid?: (pid: number) => void,
): Promise<RunProcessOutcome> {
  const started = Date.now();
  const keep = opts.tailLines ?? 20;
  const tail: string[] = [];
  let timedOut = false;
  let aborted = false;

  if (opts.signal?.aborted) {
    return { timedOut, aborted: true, tail, durationMs: 0 };
  }

  const child = execa(file, [...args], {
    shell: false,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    detached: true,
    windowsHide: true,
  });

  const pid = child.pid;
  if (pid !== undefined) {
    if (!opts.survivesExit) {
      installExitHook();
      running.add(pid);
    }
    onPid?.(pid);
    opts.onPid?.(pid);
  }
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (pid === undefined) return;
    killGroup(pid, 'SIGTERM');
    killTimer ??= setTimeout(() => killGroup(pid, 'SIGKILL'), opts.killGraceMs ?? 3_000);
    killTimer.unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, opts.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    stop();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const line = (stream: OutputStream) => (l: string) => {
    tail.push(l);
    if (tail.length > keep) tail.shift();
    opts.onLine?.(stream, l);
  };
  const streamsDone = Promise.all([readLines(child.stdout, line('stdout')), readLines(child.stderr, line('stderr'))]);

  try {
    const result = await child;
    // A grandchild may hold the pipes open after the child exited: do not wait for it forever.
    await Promise.race([streamsDone, new Promise((r) => setTimeout(r, 2_000).unref())]);
    const durationMs = Date.now() - started;
    if (result.exitCode === undefined && result.signal === undefined && !timedOut && !aborted) {
      const { cause, message } = result as { cause?: unknown; message?: string };
      const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? (result as { code?: string }).code;
      return {
        timedOut,
        aborted,
        spawnError: { code, message: cause instanceof Error ? cause.message : (message ?? 'spawn failed'), cause },
        tail,
        durationMs,
      };
    }
    return { exitCode: result.exitCode, signal: result.signal ?? undefined, timedOut, aborted, tail, durationMs };
  } finally {
    clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined) {
      // The child is gone; anything left in its group (a stray grandchild) goes with it.
      if (timedOut || aborted) killGroup(pid, 'SIGKILL');
      running.delete(pid);
    }
  }
}
