/**
 * Turns what `runProcess` reports into the driver's typed errors (timeout, abort, not found, non-zero exit),
 * with the last output lines and advice on what to do next.
 */
import type { RunProcessOutcome } from './run-process.js';
import { NodeDriverError } from './types.js';

export interface FailureContext {
  node: string;
  /** What ran, for messages: `exec driver "upgrade-node"`, `ssh to 10.0.0.5`. */
  what: string;
  program: string;
  timeoutMs: number;
  /** Advice when the program is not installed. */
  notFoundAdvice: string;
}

const tailText = (tail: readonly string[]): string =>
  tail.length ? `\n  last output:\n    ${tail.join('\n    ')}` : '';

/** The error for an outcome that is not a clean exit 0 and that the caller did not classify more precisely. */
export const outcomeError = (o: RunProcessOutcome, ctx: FailureContext): NodeDriverError => {
  if (o.spawnError) {
    const code = o.spawnError.code;
    if (code === 'ENOENT' || code === 'EACCES') {
      const why = code === 'ENOENT' ? 'was not found' : 'is not executable';
      return new NodeDriverError(
        `${ctx.what} on ${ctx.node}: ${ctx.program} ${why}. ${ctx.notFoundAdvice}`,
        'NOT_FOUND',
        ctx.node,
        undefined,
        [],
        {
          cause: o.spawnError.cause,
        },
      );
    }
    return new NodeDriverError(
      `${ctx.what} on ${ctx.node}: could not start ${ctx.program}: ${o.spawnError.message}`,
      'FAILED',
      ctx.node,
      undefined,
      [],
      {
        cause: o.spawnError.cause,
      },
    );
  }
  if (o.aborted) {
    return new NodeDriverError(
      `${ctx.what} on ${ctx.node} was stopped (the run was aborted); the node may be half-upgraded: re-run to finish it.`,
      'ABORTED',
      ctx.node,
      undefined,
      o.tail,
    );
  }
  if (o.timedOut) {
    return new NodeDriverError(
      `${ctx.what} on ${ctx.node} did not finish within ${Math.round(ctx.timeoutMs / 1000)} s and was killed; ` +
        `look at the node, then raise the driver's timeoutSeconds in the plan or re-run.${tailText(o.tail)}`,
      'TIMEOUT',
      ctx.node,
      undefined,
      o.tail,
    );
  }
  const how = o.exitCode !== undefined ? `exited with code ${o.exitCode}` : `was killed by ${o.signal ?? 'a signal'}`;
  return new NodeDriverError(
    `${ctx.what} on ${ctx.node} ${how}.${tailText(o.tail)}`,
    'FAILED',
    ctx.node,
    o.exitCode,
    o.tail,
  );
};
