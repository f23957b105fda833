/** The errors of the `status` use case (a module of its own, so the CLI's error mapping loads nothing else). */

/** The plan file does not exist, or its state file cannot be used: invalid input, nothing to show. */
export class RunLookupError extends Error {
  override name = 'RunLookupError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
