/**
 * The shared flag sets, one per concern: cluster access, output, plan settings, run settings. Commands spread
 * them into their `static flags`; the types come from oclif's inference, never retyped.
 */
export * from './access.js';
export * from './output.js';
export * from './plan-settings.js';
export * from './plan-options.js';
export * from './report.js';
export * from './run-settings.js';
