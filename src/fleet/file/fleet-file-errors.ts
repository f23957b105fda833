/**
 * The typed error of reading a fleet file: every problem found, each with its path in the document
 * (`clusters[3].maintenanceWindow.start`), and what to do next. Invalid input for the CLI (exit 3): nothing was
 * planned, written or touched when it is thrown.
 */

export const FLEET_FILE_ERROR_CODES = [
  /** The file cannot be read: missing, a folder, too large, binary (a NUL byte). */
  'FLEET_READ',
  /** Not YAML, several documents, or empty. */
  'FLEET_PARSE',
  /** YAML, but not a valid fleet file (shape, names, stages, settings, kubeconfigs): see `problems`. */
  'FLEET_INVALID',
] as const;
export type FleetFileErrorCode = (typeof FLEET_FILE_ERROR_CODES)[number];

/** One problem at one place: `path` like `clusters[3].name` (`(root)` for the whole document). */
export interface FleetFileProblem {
  readonly path: string;
  readonly message: string;
}

export const FLEET_FIX_ADVICE = 'Fix the fleet file and run the command again; nothing was planned or changed.';

export class FleetFileError extends Error {
  override readonly name = 'FleetFileError';

  constructor(
    readonly code: FleetFileErrorCode,
    message: string,
    readonly problems: readonly FleetFileProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** At most this many problems are listed in the message (all are in `problems`). */
const SHOWN = 20;

/** `Fleet file F is invalid (2 problems):` and one `  path: message` line per problem, then the advice. */
export function fleetFileInvalid(source: string, problems: readonly FleetFileProblem[]): FleetFileError {
  const n = problems.length;
  const lines = problems.slice(0, SHOWN).map((p) => `  ${p.path}: ${p.message}`);
  if (n > SHOWN) lines.push(`  … and ${n - SHOWN} more`);
  return new FleetFileError(
    'FLEET_INVALID',
    `Fleet file ${source} is invalid (${n} problem${n === 1 ? '' : 's'}):\n${lines.join('\n')}\n${FLEET_FIX_ADVICE}`,
    problems,
  );
}
