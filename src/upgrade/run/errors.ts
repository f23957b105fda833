/** Typed errors of `apply` that are the operator's input to fix (exit code 3): nothing was changed. */
export class ApplyInputError extends Error {
  override name = 'ApplyInputError';
}
