/**
 * The use cases the commands call: `planUpgrade` today; the executor (phases, run state, lock, resume,
 * rollback) joins it with the apply issue. It returns data and emits events; it never prints.
 */
export { planUpgrade, WaiverError, type PlanRequest, type PlanResult } from './plan-upgrade.js';
export { isWaivable, CHECKS } from '../checks/index.js';
export * from './apply/index.js';
export * from './events.js';
export * from './run-state-types.js';
export * from './rollback/index.js';
