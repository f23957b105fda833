/**
 * The base of every command: maps CliError (and anything else) to a one-line message on stderr and the
 * exit code of the table.
 */
import { Command } from '@oclif/core';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';

export abstract class BaseCommand extends Command {
  protected override async catch(err: Error & { exitCode?: number; code?: string; oclif?: { exit?: number } }): Promise<unknown> {
    if (err.code === 'EEXIT') throw err;
    if (err instanceof CliError) {
      process.stderr.write(`Error: ${err.message}\n`);
      for (const s of err.suggestions ?? []) process.stderr.write(`  ${s}\n`);
      if (process.env.DEBUG && err.cause) process.stderr.write(`Caused by: ${String((err.cause as Error).stack ?? err.cause)}\n`);
      this.exit(err.exitCode);
    }
    // oclif's own parse errors (unknown flag, missing argument) are invalid input.
    if (/Unexpected argument|Nonexistent flag|Missing \d+ required arg|Expected --|Missing required flag/.test(err.message)) {
      process.stderr.write(`Error: ${err.message}\nSee --help for usage.\n`);
      this.exit(EXIT.INVALID_INPUT);
    }
    return super.catch(err);
  }
}
