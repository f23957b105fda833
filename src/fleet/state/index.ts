/**
 * The fleet state file (written atomically and durably, zod-validated), its transitions (every change in the
 * cluster's history), and the optional fleet Lease on a management cluster. It never prints.
 */
export * from './fleet-state-types.js';
export { validateFleetState } from './fleet-state-schema.js';
export { fleetStatePathFor, readFleetState, writeFleetState, FleetStateError } from './fleet-state-store.js';
export { clusterRecord, setClusterState, resetFailed, approvalFor } from './transitions.js';
export { acquireFleetLease, fleetLeaseName } from './fleet-lease.js';
