/** Typed errors of the fleet commands: invalid input (exit 3) names the problem and says what to do. */

/** Bad input to a fleet command (a fleet plan, a changed plan file, an unknown stage): nothing was changed. */
export class FleetInputError extends Error {
  override name = 'FleetInputError';
}

/** Another `fleet apply` holds the fleet Lease. */
export class FleetLockedError extends Error {
  override name = 'FleetLockedError';
}
