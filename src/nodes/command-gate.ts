/**
 * Runs a custom health gate from the plan (`options.healthGates.commands`): an argv without a shell, exit 0 =
 * healthy. Never throws for an unhealthy, missing or hung command: the answer is `ok: false` with the output.
 */
import { runProcess } from './process-pool.js';

export interface CommandGateResult {
  ok: boolean;
  exitCode?: number;
  /** The command's last output lines (both streams), or why it did not run. */
  output: string;
}

const MAX_LINES = 50;

export async function runCommandGate(
  argv: readonly string[],
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<CommandGateResult> {
  const [program, ...args] = argv;
  if (program === undefined || program === '')
    return { ok: false, output: 'the health gate command is empty; fix options.healthGates.commands in the plan' };
  const o = await runProcess(program, args, {
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    tailLines: MAX_LINES,
    killGraceMs: 1_000,
  });
  const output = o.tail.join('\n');
  if (o.spawnError) {
    const why =
      o.spawnError.code === 'ENOENT'
        ? 'was not found (install it or give its absolute path)'
        : `could not start: ${o.spawnError.message}`;
    return { ok: false, output: `${program} ${why}` };
  }
  if (o.aborted) return { ok: false, output: output ? `${output}\n(aborted)` : '(aborted)' };
  if (o.timedOut)
    return {
      ok: false,
      output: `${output ? `${output}\n` : ''}(killed after ${Math.round(opts.timeoutMs / 1000)} s without an answer)`,
    };
  return { ok: o.exitCode === 0, exitCode: o.exitCode, output };
}
