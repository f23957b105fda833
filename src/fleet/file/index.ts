/** The fleet file: types, schema, validation and reading (with paths in every error). */
export * from './fleet-file-types.js';
export * from './fleet-file-errors.js';
export * from './fleet-file-values.js';
export { validateFleetDocument, clusterPlanSettings, type FleetValidation } from './fleet-file-validate.js';
export { readFleetFile, FLEET_FILE_MAX_BYTES, type LoadedFleet, type ReadFleetOptions } from './fleet-file-read.js';
