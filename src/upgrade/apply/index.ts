/**
 * The executor of `apply`: phases built from a plan, the run journal, one node's steps, the rolling window,
 * postflight. It changes the cluster only through cluster/, drain/ and nodes/, persists every transition
 * before it moves on, emits events, and never prints.
 */
export { applyPlan, type ApplyRequest, type ConfirmInfo } from './apply-plan.js';
export {
  applyWithAutoRollback,
  stoppedByFailedGate,
  type AutoRollbackApplyRequest,
  type AutoRollbackApplyResult,
  type RunPresenter,
} from './apply-with-auto-rollback.js';
export { ApplyInputError } from './errors.js';
export { buildPhases, groupLabel } from './phases.js';
export { DEFAULT_APPLY_SETTINGS, type ApplySettings } from './context.js';
