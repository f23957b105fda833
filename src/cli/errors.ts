/**
 * The CLI's typed error: a message that says what to do next, an exit code from the table, and the
 * original cause kept for `--verbose`/debugging.
 */
import { EXIT, type ExitCode } from './exit-codes.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.FAILED,
    options?: { cause?: unknown; suggestions?: string[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.suggestions = options?.suggestions;
  }

  readonly suggestions?: string[];
}

export const invalidInput = (message: string, cause?: unknown) => new CliError(message, EXIT.INVALID_INPUT, { cause });
