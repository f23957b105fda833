/**
 * `fleet apply|approve|retry|status` as use cases: the fleet run (stages, caps, budgets, windows, soaks, gates,
 * resume from the clusters), approvals, retries of failed clusters, and the status view. Each cluster is run by
 * the `apply` use case in-process. Emits events and returns data; it never prints.
 */
export { applyFleet, type FleetApplyRequest, type FleetApplyResult } from './fleet-apply.js';
export { approveStage } from './fleet-approve.js';
export { resetFailedClusters } from './fleet-retry.js';
export { fleetStatus, type FleetStatusView } from './fleet-status.js';
export { FleetInputError, FleetLockedError } from './errors.js';
export { systemClock, type FleetClock } from './clock.js';
export { clusterPlanPath } from './cluster-plan-path.js';
export { readClusterTruth, regressionOf, type ClusterTruth } from './cluster-truth.js';
export * from './fleet-events.js';
