/**
 * The run state (journal) of `apply` as a zod schema: what `plans/<plan>.state.json` and its ConfigMap mirror
 * hold. The types in run-state-types.ts are inferred from it. Reading a state checks every field this build
 * uses, with its path (`phases[0].nodes[3].node is missing`); mappings are loose, as the reader always was:
 * a field this build does not know (written by a newer release) is kept, not refused. The only place in
 * src/upgrade/ that imports zod (lint allows it for this file name only).
 */
import { z } from 'zod';
import type { OwnerRef } from '../../cluster/index.js';
import type { SnapshotRecord } from '../../etcd/types.js';
import { describeValue, issuePath } from '../../plan/index.js';
import { NODE_STEPS, type PhaseKind, type RunOutcome } from './events.js';

export const RUN_STATE_API_VERSION = 'k8s-upgrade/v1';
export const RUN_STATE_KIND = 'UpgradeRun';

export const RUN_STATUSES = ['running', 'paused', 'failed', 'done'] as const;
export const PHASE_STATUSES = ['pending', 'running', 'done', 'failed', 'paused', 'skipped'] as const;
/** `paused`: stopped at a safe point (an interrupt, a drain or wait that timed out); a resumed run continues it. */
export const NODE_RUN_STATUSES = ['pending', 'in-progress', 'done', 'skipped', 'failed', 'paused'] as const;
const PHASE_KINDS = ['etcd-snapshot', 'control-plane', 'workers', 'postflight', 'etcd-restore'] as const;
const RUN_OUTCOMES = ['done', 'failed', 'blocked', 'paused', 'locked', 'invalid'] as const;

// ---- fields: messages read after the path, `status "weird" is not one of …` --------------------------------

type Issue = { readonly input?: unknown };
const mismatch =
  (what: string) =>
  (iss: Issue): string =>
    iss.input === undefined ? 'is missing' : `is ${describeValue(iss.input)}, expected ${what}`;

const str = () => z.string({ error: mismatch('a string') });
const num = () => z.number({ error: mismatch('a number') });
const bool = () => z.boolean({ error: mismatch('true or false') });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (iss) =>
      iss.input === undefined ? 'is missing' : `${JSON.stringify(iss.input)} is not one of ${values.join(', ')}`,
  });
const literal = <const T extends string>(value: T) =>
  z.literal(value, {
    error: (iss) => (iss.input === undefined ? 'is missing' : `is ${JSON.stringify(iss.input)}, expected ${value}`),
  });
const list = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: (iss) => (iss.input === undefined ? 'is missing' : 'is not a list') });
/** Unknown keys pass: zod's `z.object` ignores them, and the reader returns the document itself, so they are kept. */
const mapping = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.object(shape, { error: (iss) => (iss.input === undefined ? 'is missing' : 'is not a JSON object') });

// ---- sections ------------------------------------------------------------------------------------------------

/** The controller of a pod (cluster/types.ts `OwnerRef`). */
const ownerRefSchema = mapping({ kind: str(), name: str(), uid: str(), apiVersion: str() });

/** A verified etcd snapshot (etcd/types.ts `SnapshotRecord`). */
const snapshotRecordSchema = mapping({
  hash: num(),
  revision: num(),
  totalKeys: num(),
  totalSize: num(),
  /** Local path of the operator's copy. */
  path: str(),
  sha256: str(),
  sizeBytes: num(),
  takenAt: str(),
  /** The member it was taken from. */
  endpoint: str(),
  /** Where etcdctl ran: `local` or `ssh:<node>`. */
  takenOn: str(),
  tool: str(),
  verified: bool(),
  /** Where a copy stays on the node etcdctl ran on (ssh). */
  nodeCopy: str().optional(),
  /** The machine that holds `path` (the runner's host name). */
  host: str().optional(),
  /** The only copy is on the runner's disk. */
  runnerOnly: bool().optional(),
});

export const nodeRunStateSchema = mapping({
  node: str(),
  role: oneOf(['control-plane', 'worker']),
  /** The version this phase takes the node to. */
  to: str(),
  /** The kubelet version read before this phase first changed the node (rollback's target). */
  from: str().optional(),
  status: oneOf(NODE_RUN_STATUSES),
  /** The last step started (in-progress) or finished (done). */
  step: oneOf(NODE_STEPS).optional(),
  /**
   * What the step is doing, when the step alone does not say (rollback's etcd restore: `stopping etcd and the
   * apiserver`).
   */
  detail: str().optional(),
  /** We cordoned it in this run (so we must uncordon it, even after a crash). */
  cordonedByUs: bool(),
  startedAt: str().optional(),
  finishedAt: str().optional(),
  durationMs: num().optional(),
  evictions: num(),
  blockedMs: num(),
  /** How many times the node driver was run for this node in this phase (resume re-runs only when needed). */
  driverRuns: num(),
  /**
   * The node driver's process, recorded before it starts (driver-record.ts): a resumed run never starts another
   * driver on the node while this one may still run. `endedAt` once it is known to have ended.
   */
  driver: mapping({
    /** Where it runs: the host name and boot id of the machine that ran k8s-upgrade, and that process's pid. */
    host: str(),
    bootId: str(),
    runnerPid: num(),
    startedAt: str(),
    /** The driver's timeout: after it, the driver would have been stopped by its run. */
    timeoutMs: num(),
    /** Its pid and process group (its own: it survives a killed run), once the process exists. */
    pid: num().optional(),
    pgid: num().optional(),
    endedAt: str().optional(),
  }).optional(),
  /**
   * The controllers of the pods this node's drain removed: the workloads its health gate checks (dropped when
   * the node finishes).
   */
  touched: list(ownerRefSchema).optional(),
  error: str().optional(),
});

export const phaseRunStateSchema = mapping({
  /** `control-plane/v1.32.0`, `workers/v1.32.0/pool=blue`, `etcd-snapshot`, `postflight`. */
  id: str(),
  kind: oneOf(PHASE_KINDS),
  title: str(),
  to: str().optional(),
  /** Worker phases: the group's selector and its window. */
  group: mapping({ selector: str(), maxUnavailable: num() }).optional(),
  /** `downgrade` for rollback phases (the node driver's downgrade; `to` is the version before the run). */
  action: oneOf(['upgrade', 'downgrade']).optional(),
  status: oneOf(PHASE_STATUSES),
  startedAt: str().optional(),
  finishedAt: str().optional(),
  /** In execution order. */
  nodes: list(nodeRunStateSchema),
});

export const runStopSchema = mapping({
  outcome: oneOf(RUN_OUTCOMES),
  phase: str().optional(),
  node: str().optional(),
  step: str().optional(),
  message: str(),
  /** Commands/advice for the operator (resume, rollback, …). */
  next: list(str()),
  /** Stopped by a transient API failure that outlasted its retries: re-running apply resumes. */
  transient: bool().optional(),
});

/** One `apply` (or `rollback`) invocation on a run. */
const attemptSchema = mapping({
  startedAt: str(),
  holder: str(),
  endedAt: str().optional(),
  outcome: oneOf(RUN_OUTCOMES).optional(),
});

export const rollbackRunStateSchema = mapping({
  status: oneOf(RUN_STATUSES),
  startedAt: str(),
  updatedAt: str(),
  finishedAt: str().optional(),
  /** The snapshot being restored (absent when only workers are rolled back). */
  snapshot: snapshotRecordSchema.optional(),
  attempts: list(attemptSchema),
  phases: list(phaseRunStateSchema),
  stop: runStopSchema.optional(),
});

/** A summary of an earlier run of the same plan. */
export const previousRunSchema = mapping({
  runId: str(),
  status: oneOf(RUN_STATUSES),
  startedAt: str(),
  finishedAt: str().optional(),
  /** The status of its rollback, when one was started. */
  rollback: oneOf(RUN_STATUSES).optional(),
  rolledBackAt: str().optional(),
});

export const runStateSchema = mapping({
  apiVersion: literal(RUN_STATE_API_VERSION),
  kind: literal(RUN_STATE_KIND),
  runId: str(),
  plan: mapping({ name: str(), path: str(), contentHash: str(), from: str(), to: str() }),
  cluster: mapping({ server: str(), kubeSystemUid: str() }),
  status: oneOf(RUN_STATUSES),
  startedAt: str(),
  updatedAt: str(),
  finishedAt: str().optional(),
  /** Each `apply` invocation on this run (1 = never resumed). */
  attempts: list(attemptSchema),
  phases: list(phaseRunStateSchema),
  /** Why the last attempt stopped, when it did not finish. */
  stop: runStopSchema.optional(),
  /** Verified etcd snapshots taken by this run, oldest first (the first is what rollback restores). */
  snapshots: list(mapping({ phase: str(), record: snapshotRecordSchema })).optional(),
  /**
   * The operator skipped the etcd snapshot (`apply --skip-etcd-snapshot`): rollback cannot restore the control
   * plane.
   */
  snapshotSkipped: mapping({ at: str(), reason: str() }).optional(),
  /** A rollback of this run, when one was started. */
  rollback: rollbackRunStateSchema.optional(),
  /**
   * Earlier runs of the same plan, newest last (`apply --again` after a rollback, or a run another checkout
   * recorded): kept as summaries so the record of a run is never lost when a new one takes its place.
   */
  previousRuns: list(previousRunSchema).optional(),
});

export type RunStatus = (typeof RUN_STATUSES)[number];
export type PhaseStatus = (typeof PHASE_STATUSES)[number];
export type NodeRunStatus = (typeof NODE_RUN_STATUSES)[number];
export type NodeRunState = z.infer<typeof nodeRunStateSchema>;
export type PhaseRunState = z.infer<typeof phaseRunStateSchema>;
export type RunStop = z.infer<typeof runStopSchema>;
export type RollbackRunState = z.infer<typeof rollbackRunStateSchema>;
export type RunState = z.infer<typeof runStateSchema>;
export type PreviousRun = z.infer<typeof previousRunSchema>;

// The schema restates shapes owned elsewhere; these fail to compile when one of them drifts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type _RunStateShapesAgree = [
  Holds<Same<z.infer<typeof ownerRefSchema>, OwnerRef>>,
  Holds<Same<z.infer<typeof snapshotRecordSchema>, SnapshotRecord>>,
  Holds<Same<(typeof PHASE_KINDS)[number], PhaseKind>>,
  Holds<Same<(typeof RUN_OUTCOMES)[number], RunOutcome>>,
];

/**
 * The problems of a parsed state file, each as `<path> <what is wrong>` (`it …` for the whole document),
 * in document order; empty when it is a valid run state.
 */
export const runStateProblems = (value: unknown): string[] => {
  const parsed = runStateSchema.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.map((iss) => `${iss.path.length === 0 ? 'it' : issuePath(iss.path)} ${iss.message}`);
};
