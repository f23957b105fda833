/**
 * The `status` use case: find the run to show (from the state saved next to a plan, or the latest in plans/).
 * Reads local files only; returns data and never prints.
 */
export { findRun, type RunLookup } from './find-run.js';
export { RunLookupError } from './errors.js';
