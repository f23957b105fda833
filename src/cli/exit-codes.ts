/**
 * The one exit-code table of the CLI. Commands set these through `process.exitCode` or errors; `--help` and
 * README.md render the same table.
 */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  BLOCKED: 2,
  INVALID_INPUT: 3,
  PAUSED: 4,
  LOCKED: 5,
  ROLLED_BACK: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_DESCRIPTIONS: Record<ExitCode, string> = {
  0: 'success',
  1: 'failure (an unexpected error; a server name that does not resolve, a refused certificate)',
  2: 'blocked: the plan has blocker findings, or a step cannot proceed',
  3: 'invalid input (flags, versions, plan file)',
  4: 'paused, resumable (also: the API server stayed unavailable past the retries): run the same command again to continue',
  5: 'locked: another run holds the cluster lease',
  6: 'rolled back: apply --auto-rollback undid the run after a failed health gate',
};

/** A help section listing the given exit codes, for a command's `static description`. */
export function exitCodeHelp(codes: ExitCode[]): string {
  return ['EXIT CODES', ...codes.map((c) => `  ${c}  ${EXIT_DESCRIPTIONS[c]}`)].join('\n');
}
