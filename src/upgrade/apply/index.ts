/**
 * The `apply` use case: execute a plan against the cluster it was made for, resumably (`applyPlan`). It
 * re-runs preflight, takes the cluster lease, takes and verifies the etcd snapshot, and runs the plan's
 * phases through the shared executor of `run/`. It must not import `rollback/` (a rollback after a failed
 * apply is chained by the caller), and it emits events and returns data: it never prints.
 */
export { applyPlan, type ApplyRequest, type ConfirmInfo } from './apply-plan.js';
export { ApplyInputError, DEFAULT_APPLY_SETTINGS, type ApplySettings } from '../run/index.js';
