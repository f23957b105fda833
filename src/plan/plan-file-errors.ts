/**
 * The typed error of reading (or writing) a plan file. Every problem found is listed with its path in the
 * document, and the message says what to do: re-run `k8s-upgrade plan` rather than editing the file.
 * All codes are "invalid input" for the CLI's exit-code table (exit 3).
 */

export const PLAN_FILE_ERROR_CODES = [
  /** Not YAML (or several documents in one file). */
  'PLAN_PARSE',
  /** YAML, but not a valid plan: see `problems`. */
  'PLAN_SCHEMA',
  /** `apiVersion` is not one this build reads. */
  'PLAN_API_VERSION',
  /** Something that looks like a credential (a `token:` key, a private key, a password in a URL …). */
  'PLAN_CREDENTIALS',
  /** The content does not match `metadata.contentHash`: the file was edited after `plan` wrote it. */
  'PLAN_HASH_MISMATCH',
] as const;
export type PlanFileErrorCode = (typeof PLAN_FILE_ERROR_CODES)[number];

/** One problem at one place in the document; `path` is like `groups[1].batches[0][2]` (`(root)` for the whole). */
export interface PlanFileProblem {
  readonly path: string;
  readonly message: string;
}

export const REPLAN_ADVICE =
  'Plans are generated, reviewed and applied as written: re-run `k8s-upgrade plan` with the options you want instead of editing the file.';

export class PlanFileError extends Error {
  override readonly name = 'PlanFileError';

  constructor(
    readonly code: PlanFileErrorCode,
    message: string,
    readonly problems: readonly PlanFileProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `groups[1].batches[0][2]: expected a node name string` lines, one per problem. */
export const formatProblems = (problems: readonly PlanFileProblem[]): string =>
  problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
