/**
 * The base of every command: maps CliError (and anything else) to a one-line message on stderr and the
 * exit code of the table; with `--json` the error is also printed on stdout as `{"error": {...}}`, so stdout is
 * always one JSON document. Output goes through `emit` (one format dispatch, cli/flags/output.ts), which writes
 * `--json` itself: the same bytes as `-o json`, also when the command then exits non-zero.
 */
import { Command } from '@oclif/core';
import { CliError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { closest } from './suggest.js';
import { renderJson, renderOutput, resolveOutput, type OutputFormat, type Renderers } from './flags/output.js';

/**
 * oclif's own parse errors — an unknown flag, a missing argument, a value not among the options or not a number,
 * a flag given twice, two flags that exclude each other: invalid input (exit 3), said on one line.
 */
const PARSE_ERROR =
  /Unexpected argument|Nonexistent flags?|Missing \d+ required arg|Expected --|Missing required flag|^Parsing --|can only be specified once|cannot also be provided|must also be provided|Expected an? |to be one of/;

/** oclif's multi-line parse messages (`Parsing --x \n\tExpected …\nSee more help with --help`) as one line. */
export const oneLine = (message: string): string =>
  message
    .replace(/\n?See more help with --help/g, '')
    .replace(/^The following errors? occurred:\s*/, '')
    .replace(/^Parsing (--\S+)\s*\n\s*/, '$1: ')
    .replace(/\s*\n\s*/g, '; ')
    .trim();

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
      const unknown = /Nonexistent flags?: (\S+)/.exec(err.message)?.[1];
      const near = unknown ? closest(unknown.replace(/^-+/, '').split('=')[0]!, this.flagNames()) : [];
      const hint = near.length > 0 ? ` Did you mean ${near.map((n) => `--${n}`).join(', ')}?` : '';
      const usage = ` See ${this.config.bin}${this.id ? ` ${this.id.split(':').join(' ')}` : ''} --help.`;
      const text = `${oneLine(err.message).replace(/\.$/, '')}.${hint}${usage}`;
      return this.fail(text, EXIT.INVALID_INPUT, [], err, false);
    }
    if (this.jsonEnabled()) return this.fail(err.message, (err.oclif?.exit ?? EXIT.FAILED) as ExitCode, [], err);
    return super.catch(err);
  }

  /** This command's flag names, for "did you mean". */
  private flagNames(): string[] {
    const ctor = this.constructor as typeof Command;
    return Object.keys({
      ...(ctor.baseFlags ?? {}),
      ...(ctor.flags ?? {}),
      ...(ctor.enableJsonFlag ? { json: true } : {}),
    });
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
