/**
 * The run state (journal) of `apply`: written atomically after every transition to
 * `plans/<plan>.state.json` and mirrored to a ConfigMap in kube-system. The local file is the authority.
 * `status` reads it; `apply` on an unfinished run resumes from it (every step still reads the cluster first).
 * The shapes are the zod schema in run-state-schema.ts (which documents each field); these are its types.
 */
export {
  RUN_STATE_API_VERSION,
  RUN_STATE_KIND,
  type NodeRunState,
  type NodeRunStatus,
  type PhaseRunState,
  type PhaseStatus,
  type PreviousRun,
  type RollbackRunState,
  type RunState,
  type RunStatus,
  type RunStop,
} from './run-state-schema.js';
