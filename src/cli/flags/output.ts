/**
 * What a command prints: one `-o/--output` vocabulary for every command with machine-readable output —
 * `human` (the default view), `json`, `yaml`, and `wide` where a table has more columns — plus oclif's `--json`,
 * which is `-o json`. `renderOutput` is the one dispatch from a format to the command's renderers; json and yaml
 * default to the data itself (2-space JSON, YAML), so `--json`, `-o json` and `-o yaml` print the same document.
 */
import { Flags } from '@oclif/core';
import { stringify } from 'yaml';
import { invalidInput } from '../errors.js';

export const OUTPUT_FORMATS = ['human', 'json', 'yaml'] as const;
export const WIDE_OUTPUT_FORMATS = [...OUTPUT_FORMATS, 'wide'] as const;

export type OutputFormat = (typeof WIDE_OUTPUT_FORMATS)[number];

const outputFlag = <F extends readonly OutputFormat[]>(options: F, description: string) =>
  // No default on purpose: `--json` with an explicit `-o` other than json is refused (resolveOutput).
  Flags.option({ char: 'o', options, description, defaultHelp: 'human', helpGroup: 'OUTPUT' })();

/** `-o human|json|yaml`; `human` describes what the human view shows. */
export const outputFlags = (human: string) => ({
  output: outputFlag(
    OUTPUT_FORMATS,
    `Output: ${human} (human, the default), or the data as json or yaml (--json is -o json).`,
  ),
});

/** `-o human|json|yaml|wide`, for a table that has more columns than fit a terminal. */
export const wideOutputFlags = (human: string) => ({
  output: outputFlag(
    WIDE_OUTPUT_FORMATS,
    `Output: ${human} (human, the default; wide: every column), or json or yaml (--json is -o json).`,
  ),
});

/**
 * The format to print in: `--json` means json; with `-o` too, both must say json. Neither: human.
 * Throws an invalid-input CliError (exit 3) when they disagree.
 */
export function resolveOutput<F extends OutputFormat>(output: F | undefined, json: boolean): F | 'json' | 'human' {
  if (json && output !== undefined && output !== 'json') {
    throw invalidInput(`--json and -o ${output} disagree: --json prints what -o json prints; give one of them`);
  }
  return json ? 'json' : (output ?? 'human');
}

/** The text of each format; `json` and `yaml` default to the data itself, `wide` to `human`. */
export interface Renderers<T> {
  human: (data: T) => string;
  wide?: (data: T) => string;
  json?: (data: T) => string;
  yaml?: (data: T) => string;
}

export const renderJson = (data: unknown): string => `${JSON.stringify(data ?? null, null, 2)}\n`;

export function renderOutput<T>(format: OutputFormat, data: T, renderers: Renderers<T>): string {
  switch (format) {
    case 'json':
      return (renderers.json ?? renderJson)(data);
    case 'yaml':
      return (renderers.yaml ?? ((d: T) => stringify(d ?? null)))(data);
    case 'wide':
      return (renderers.wide ?? renderers.human)(data);
    case 'human':
      return renderers.human(data);
  }
}
