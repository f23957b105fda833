/**
 * The `status` use case: find the run to show (from the state saved next to a plan, or the latest in plans/),
 * or, read-only, from the cluster: a plan's run record, or every run record it holds. Returns data and never
 * prints.
 */
export { findRun, type RunLookup } from './find-run.js';
export { RunLookupError } from './errors.js';
export { listClusterRuns, readClusterRun } from './cluster-runs.js';
