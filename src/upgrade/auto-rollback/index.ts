/**
 * `apply --auto-rollback`: apply a plan and, when a health gate fails (or a node never comes back Ready), roll the
 * run back at once with the same lock. It composes the `apply/` and `rollback/` use cases, which never import each
 * other; it emits events and returns data, it never prints.
 */
export {
  applyWithAutoRollback,
  stoppedByFailedGate,
  type AutoRollbackApplyRequest,
  type AutoRollbackApplyResult,
  type RunPresenter,
} from './apply-with-auto-rollback.js';
