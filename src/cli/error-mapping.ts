/** Maps the engine's typed errors to CliErrors with the exit code of the table. */
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { PlanInputError, PlanFileError } from '../plan/index.js';
import { LabelSelectorError } from '../kube/index.js';
import { ClusterAccessError, ClusterApiError, TransientApiError } from '../cluster/index.js';
// Not run/index.js: it would load the executor into every command.
import { ApplyInputError } from '../upgrade/run/errors.js';
import { RunLookupError } from '../upgrade/status/errors.js';
import { FleetFileError } from '../fleet/file/fleet-file-errors.js';
import { FleetPlanFileError } from '../fleet/plan/fleet-plan-errors.js';

/** The engine's errors that mean invalid input (flags, versions, a plan or state file, a kubeconfig): exit 3. */
const INVALID_INPUT_ERRORS = [
  PlanInputError,
  PlanFileError,
  ClusterAccessError,
  ApplyInputError,
  RunLookupError,
  LabelSelectorError,
  FleetFileError,
  FleetPlanFileError,
];

export function toCliError(e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (INVALID_INPUT_ERRORS.some((type) => e instanceof type))
    return new CliError((e as Error).message, EXIT.INVALID_INPUT, { cause: e });
  // The API server unavailable for longer than the retries: nothing is wrong with the input; run it again.
  if (e instanceof TransientApiError)
    return new CliError(
      `${e.message}. The API server is unavailable or overloaded: run the same command again`,
      EXIT.PAUSED,
      {
        cause: e,
      },
    );
  if (e instanceof ClusterApiError) return new CliError(e.message, EXIT.FAILED, { cause: e });
  return new CliError(e instanceof Error ? e.message : String(e), EXIT.FAILED, { cause: e });
}
