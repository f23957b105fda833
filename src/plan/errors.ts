/**
 * Typed errors of the planning core. Only unusable input throws (an unparsable version, a downgrade, an
 * impossible option; a bad label selector throws kube/'s LabelSelectorError); what the planner finds out
 * about a cluster is returned as data. Every message says what to do next; `code` is stable and meant for exit
 * codes and `--json` output.
 */

export const PLAN_ERROR_CODES = [
  'INVALID_VERSION',
  'DOWNGRADE_REFUSED',
  'NO_SAFE_PATH',
  'INVALID_MAX_UNAVAILABLE',
  'INVALID_CANARY',
  'UNMATCHED_NODES',
  'INVALID_PLAN_INPUT',
] as const;

export type PlanErrorCode = (typeof PLAN_ERROR_CODES)[number];

/** Base class: bad input to the planner. `cause` is kept when one exists. */
export class PlanInputError extends Error {
  override readonly name: string = 'PlanInputError';
  readonly code: PlanErrorCode;

  constructor(code: PlanErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A version string that is not a Kubernetes version (or not precise enough for a target). */
export class InvalidVersionError extends PlanInputError {
  override readonly name = 'InvalidVersionError';

  constructor(
    readonly input: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_VERSION', message, options);
  }
}

/** One component that runs a newer version than the requested target. */
export interface NewerThanTarget {
  readonly component: 'kube-apiserver' | 'kubelet';
  readonly node?: string;
  readonly version: string;
}

/** The target is older than something already running: downgrades are a rollback, not an upgrade. */
export class DowngradeRefusedError extends PlanInputError {
  override readonly name = 'DowngradeRefusedError';

  constructor(
    readonly target: string,
    readonly newer: readonly NewerThanTarget[],
  ) {
    const list = newer.map((n) => `${n.component}${n.node ? ` on ${n.node}` : ''} at ${n.version}`).join(', ');
    super(
      'DOWNGRADE_REFUSED',
      `Refusing to plan a downgrade: the target ${target} is older than ${list}. ` +
        'Pick a target at or above the newest version running, or use `k8s-upgrade rollback` to undo an upgrade.',
    );
  }
}

/** No order of steps keeps the version-skew policy (the cluster is already far outside it). */
export class NoSafePathError extends PlanInputError {
  override readonly name = 'NoSafePathError';

  constructor(message: string) {
    super('NO_SAFE_PATH', message);
  }
}

/** A `maxUnavailable` value that is neither `N` nor `N%`. */
export class MaxUnavailableError extends PlanInputError {
  override readonly name = 'MaxUnavailableError';

  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(
      'INVALID_MAX_UNAVAILABLE',
      `Invalid maxUnavailable ${JSON.stringify(input)}: ${problem}. ` +
        'Give a whole number of nodes (e.g. 2) or a percentage of the group (e.g. 25%).',
    );
  }
}

/** Worker nodes that no `--workers` selector matched while `strict` grouping was asked for. */
export class UnmatchedNodesError extends PlanInputError {
  override readonly name = 'UnmatchedNodesError';

  constructor(readonly nodes: readonly string[]) {
    super(
      'UNMATCHED_NODES',
      `${nodes.length} worker node(s) match none of the worker group selectors: ${nodes.join(', ')}. ` +
        'Add a selector that covers them, or drop strict grouping to upgrade them in a last group of their own.',
    );
  }
}
