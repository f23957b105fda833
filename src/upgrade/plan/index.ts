/**
 * The `plan` use case: read the live cluster, run every preflight check and build the upgrade plan
 * (`planUpgrade`); it returns the plan and its findings and never prints. It must not load the executor:
 * no import of `run/`, `apply/` or `rollback/`, and node drivers, etcd and execa only through the lazy
 * import of the etcd health check — `plan` is bundled on its own (scripts/bundle-plan.js) for its start-up.
 */
export { planUpgrade, WaiverError, type PlanRequest, type PlanResult } from './plan-upgrade.js';
export { isWaivable, CHECKS } from '../../checks/index.js';
