/** The error for a driver section of a plan that cannot be used (a bad template, a bad ssh setting), before any node is touched. */

export class DriverConfigError extends Error {
  override name = 'DriverConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
