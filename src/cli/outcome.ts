/** A run's outcome as an exit code of the one table (exit-codes.ts). */
import type { RunOutcome } from '../upgrade/run/index.js';
import type { AutoRollbackApplyResult } from '../upgrade/auto-rollback/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';

const CODES: Record<RunOutcome, ExitCode> = {
  done: EXIT.OK,
  failed: EXIT.FAILED,
  blocked: EXIT.BLOCKED,
  invalid: EXIT.INVALID_INPUT,
  paused: EXIT.PAUSED,
  locked: EXIT.LOCKED,
};

export const outcomeExitCode = (o: RunOutcome): ExitCode => CODES[o];

/** `apply` (with `--auto-rollback`): exit 6 when the run was rolled back, else the outcome of the last run. */
export const applyExitCode = (r: AutoRollbackApplyResult): ExitCode =>
  !r.rollback
    ? outcomeExitCode(r.apply.outcome)
    : r.rollback.outcome === 'done'
      ? EXIT.ROLLED_BACK
      : outcomeExitCode(r.rollback.outcome);
