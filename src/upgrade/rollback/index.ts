/**
 * The `rollback` use case: undo what a recorded run of a plan changed (`rollbackRun`): what to undo (from
 * the journal), the etcd restore, and the downgrade of the nodes, through the shared phase and node runners
 * of `run/`. It must not import `apply/` (what both need lives in `run/`), and it never prints.
 */
export { rollbackRun, type RollbackRequest, type RollbackConfirmInfo } from './rollback-run.js';
export { rollbackScope, buildRollbackPhases, type RollbackScope } from './rollback-phases.js';
