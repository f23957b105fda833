/**
 * The run report's model (a use case of its own, beside apply and rollback): what a run of a plan did and where
 * its time went, built from the plan, the run state and the run log — per node its steps, PDB waits and
 * evictions; the phases, findings, waivers and etcd snapshots; totals and the critical path. Pure except for
 * `loadRunReport`, which only reads those three files. It renders nothing: the HTML, Markdown and JUnit
 * renderers are in `src/cli/report/`.
 */
export * from './report-types.js';
export { buildRunReport, type ReportInput } from './build-report.js';
export { criticalPath, MIN_GAP_MS, type PathElement } from './critical-path.js';
export { loadRunReport, runLogPathFor } from './load-report.js';
export { parseRunLog, readRunLog, type RunLog } from './run-log.js';
export { ReportInputError } from './errors.js';
