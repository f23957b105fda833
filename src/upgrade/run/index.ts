/**
 * What the `apply` and `rollback` use cases share to execute a run: the run journal, the run-state types and
 * their store (the state file, written atomically, and its ConfigMap mirror), the cluster lock, the events,
 * the phase runner, the node runner, the rolling window and its chooser, the run context and its wiring, and
 * the typed input errors. It changes the cluster only through cluster/, drain/ and nodes/, persists every
 * transition before it moves on, emits events and never prints. It holds no use case: it must not import
 * `plan/`, `apply/` or `rollback/`, and deciding what a run does (which phases, which checks) is theirs.
 */
export * from './events.js';
export * from './run-state-types.js';
export { ApplyInputError } from './errors.js';
export {
  DEFAULT_APPLY_SETTINGS,
  type Advice,
  type ApplyContext,
  type ApplySettings,
  type EventBody,
} from './context.js';
export { makeContext, type ContextParts } from './context-wiring.js';
export { readPlan } from './read-plan.js';
export { checkSameCluster } from './same-cluster.js';
export { makeEmitter, runLogPath } from './emitter.js';
export { RunJournal } from './run-journal.js';
export { parseRunState, readStateFile, statePathFor, writeStateFile, StateFileError } from './state-store.js';
export {
  StateMirror,
  StateMirrorError,
  listRunRecords,
  mirrorNameFor,
  planHashPrefix,
  readMirror,
  recordOf,
  MIRROR_NAMESPACE,
  MIRROR_SELECTOR,
  type MirrorKey,
  type RunRecord,
  type StateMirrorOptions,
} from './state-mirror.js';
export {
  acquireRunLock,
  holderRunId,
  liveHolderOf,
  releaseRunLockOf,
  assertRunLockFree,
  LockHeldError,
  LockLostError,
  LOCK_NAME,
  LOCK_NAMESPACE,
  type AcquireRunLockOptions,
  type RunLock,
} from './lock.js';
export { executePhases, type PhaseHandlers } from './execute-phases.js';
export { ActiveRunElsewhere, keepingPrevious, previousRunOf, recordedRun, type RecordedRun } from './recorded-run.js';
export {
  Interruption,
  announceInterrupts,
  hasSomethingToRollBack,
  interruptedStop,
  type InterruptSignals,
} from './interruption.js';
export { buildPhases, groupLabel, phaseBatches, ETCD_PHASE_ID, POSTFLIGHT_PHASE_ID } from './phases.js';
export { summarize, summarizeEarlyStop } from './run-summary.js';
