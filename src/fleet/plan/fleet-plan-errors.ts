/**
 * The typed error of reading a fleet plan file (`fleet apply` reads it): missing, not YAML, not a fleet plan (with
 * a path per problem), or edited since `fleet plan` wrote it (content hash). Invalid input for the CLI (exit 3).
 */
export const FLEET_PLAN_ERROR_CODES = [
  'FLEET_PLAN_READ',
  'FLEET_PLAN_PARSE',
  'FLEET_PLAN_SCHEMA',
  'FLEET_PLAN_HASH',
] as const;
export type FleetPlanErrorCode = (typeof FLEET_PLAN_ERROR_CODES)[number];

export const FLEET_REPLAN_ADVICE =
  'Fleet plans are applied as written: re-run `k8s-upgrade fleet plan FLEET --to vX.Y.Z` instead of editing the file.';

export class FleetPlanFileError extends Error {
  override readonly name = 'FleetPlanFileError';

  constructor(
    readonly code: FleetPlanErrorCode,
    message: string,
    readonly problems: readonly { path: string; message: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
