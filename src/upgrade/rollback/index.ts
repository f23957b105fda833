/**
 * Rollback of a run: what to undo (from the journal), the etcd restore, and the use case. Works through the
 * apply executor's phases runner and node runner (downgrade direction); never prints.
 */
export { rollbackRun, type RollbackRequest, type RollbackConfirmInfo } from './rollback-run.js';
export { rollbackScope, buildRollbackPhases, type RollbackScope } from './rollback-phases.js';
