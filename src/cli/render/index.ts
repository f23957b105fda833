/**
 * Renderers of the CLI: turn results (a plan, later run events) into text for a terminal, CI logs or
 * machine-readable output. They return strings and never print or read the environment themselves: the
 * commands decide where the text goes and whether colour is on.
 */
export * from './plan-summary.js';
export * from './style.js';
// Printed commands are quoted like the ssh driver quotes its remote commands (the module, not nodes/index.js:
// that one loads execa).
export { shellQuote } from '../../nodes/shell-quote.js';
export * from './progress/index.js';
export * from './run-summary.js';
export * from './run-status.js';
export * from './rollback-warning.js';
export * from './machine-table.js';
