/** `fleet plan` and the fleet plan file (`kind: FleetPlan`): planning every cluster, writing and reading the plan. */
export * from './fleet-plan-types.js';
export * from './fleet-plan-errors.js';
export {
  FLEET_PLAN_FILE_NAME,
  FLEET_PLAN_MAX_BYTES,
  computeFleetPlanHash,
  parseFleetPlan,
  readFleetPlan,
  sealFleetPlan,
  serializeFleetPlan,
  writeFleetPlan,
} from './fleet-plan-file.js';
export {
  DEFAULT_FLEET_PLAN_CONCURRENCY,
  planFleet,
  type FleetClusterOutcome,
  type FleetClusterStatus,
  type FleetPlanRequest,
  type FleetPlanResult,
} from './plan-fleet.js';
