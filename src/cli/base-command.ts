/**
 * The base of every command: maps CliError (and anything else) to a one-line message on stderr and the
 * exit code of the table; with `--json` the error is also printed on stdout as `{"error": {...}}`, so stdout is
 * always one JSON document. Output goes through `emit` (one format dispatch, cli/flags/output.ts), which writes
 * `--json` itself: the same bytes as `-o json`, also when the command then exits non-zero.
 */
import { Command } from '@oclif/core';
import { CliError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { renderJson, renderOutput, resolveOutput, type OutputFormat, type Renderers } from './flags/output.js';

/** oclif's own parse errors (unknown flag, missing argument, a value not among the options): invalid input. */
const PARSE_ERROR = /Unexpected argument|Nonexistent flag|Missing \d+ required arg|Expected --|Missing required flag/;

type CaughtError = Error & { exitCode?: number; code?: string; oclif?: { exit?: number } };

export abstract class BaseCommand extends Command {
  /** The format to print in, from `-o` and `--json` (which must agree). */
  protected outputFormat<F extends OutputFormat>(output: F | undefined): F | 'json' | 'human' {
    return resolveOutput(output, this.jsonEnabled());
  }

  /** Writes `data` in `format` to stdout and returns it (what `--json` prints, and what `run()` returns). */
  protected emit<T>(format: OutputFormat, data: T, renderers: Renderers<T>): T {
    process.stdout.write(renderOutput(format, data, renderers));
    return data;
  }

  /** Writes `data` as JSON (for a command whose only machine output is `--json`) and returns it. */
  protected emitJson<T>(data: T): T {
    return this.emit('json', data, { human: renderJson });
  }

  /** `--json` output is written by `emit`; oclif's own print after `run()` returns would print it twice. */
  protected override logJson(_json: unknown): void {}

  protected override async catch(err: CaughtError): Promise<unknown> {
    if (err.code === 'EEXIT') throw err;
    if (err instanceof CliError) return this.fail(err.message, err.exitCode, err.suggestions ?? [], err);
    if (PARSE_ERROR.test(err.message)) {
      return this.fail(err.message, EXIT.INVALID_INPUT, ['See --help for usage.'], err, false);
    }
    if (this.jsonEnabled()) return this.fail(err.message, (err.oclif?.exit ?? EXIT.FAILED) as ExitCode, [], err);
    return super.catch(err);
  }

  private fail(message: string, exitCode: ExitCode, suggestions: readonly string[], err: Error, indent = true): never {
    process.stderr.write(`Error: ${message}\n`);
    for (const s of suggestions) process.stderr.write(`${indent ? '  ' : ''}${s}\n`);
    if (process.env.DEBUG && err.cause) {
      process.stderr.write(`Caused by: ${String((err.cause as Error).stack ?? err.cause)}\n`);
    }
    if (this.jsonEnabled()) {
      const error = { name: err.name, message, exitCode, ...(suggestions.length ? { suggestions } : {}) };
      process.stdout.write(renderJson({ error }));
    }
    return this.exit(exitCode);
  }
}
