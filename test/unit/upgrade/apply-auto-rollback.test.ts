/**
 * `apply --auto-rollback` as a use case (src/upgrade/auto-rollback/apply-with-auto-rollback.ts): which stops trigger the
 * rollback, that nothing is rolled back without the flag or when the apply cannot start, and the exit code of
 * the pair (6 when the rollback finished). The full run against a cluster is e2e (test/e2e/rollback.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { applyExitCode } from '../../../src/cli/outcome.js';
import { ApplyInputError } from '../../../src/upgrade/run/errors.js';
import {
  applyWithAutoRollback,
  stoppedByFailedGate,
} from '../../../src/upgrade/auto-rollback/apply-with-auto-rollback.js';
import type { RunSummary } from '../../../src/upgrade/run/events.js';

const summary = (outcome: RunSummary['outcome'], step?: NonNullable<RunSummary['stoppedBy']>['step']): RunSummary => ({
  runId: 'r',
  plan: 'p',
  outcome,
  durationMs: 1,
  nodes: [],
  evictions: 0,
  blockedMs: 0,
  ...(step ? { stoppedBy: { step, message: 'stopped', next: [] } } : {}),
});

describe('apply --auto-rollback', () => {
  it.each([
    ['health-gate', true],
    ['wait-ready', true],
    ['drain', false],
    ['upgrade', false],
    ['preflight', false],
    [undefined, false],
  ] as const)('a run stopped at %s triggers a rollback: %s', (step, expected) => {
    expect(stoppedByFailedGate(summary('paused', step))).toBe(expected);
  });

  it.each([
    [{ apply: summary('done') }, 0],
    [{ apply: summary('paused', 'health-gate') }, 4],
    [{ apply: summary('paused', 'health-gate'), rollback: summary('done') }, 6],
    [{ apply: summary('paused', 'health-gate'), rollback: summary('failed') }, 1],
    [{ apply: summary('locked') }, 5],
  ])('exit code of %j is %i', (result, code) => {
    expect(applyExitCode(result)).toBe(code);
  });

  it('an apply that cannot start is not rolled back: the error reaches the caller, only the apply was presented', async () => {
    const presented: string[] = [];
    const run = applyWithAutoRollback(
      {
        planPath: '/nonexistent/plan.yaml',
        access: {},
        generator: 'test',
        confirm: async () => true,
        autoRollback: true,
      },
      (which, execute) => {
        presented.push(which);
        return execute(() => {});
      },
    );
    await expect(run).rejects.toBeInstanceOf(ApplyInputError);
    expect(presented).toEqual(['apply']);
  });
});
