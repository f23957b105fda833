/**
 * The planning core: Kubernetes versions and the version-skew policy, the removed-API table, the version path
 * of an upgrade, worker batching (over kube/'s label selectors), and the plan file (schema, content hash, YAML). Pure
 * functions over plain data: no I/O, no clock, no printing, no cluster access, and no imports beyond `kube/`, `semver`,
 * `yaml`, `zod` (the plan schema, also published as `schemas/plan.schema.json`) and `node:crypto` (for the plan's
 * hash). Bad input throws a typed
 * `PlanInputError`; what is found out about a cluster is returned as data.
 */
export * from './errors.js';
export * from './versions.js';
export * from './skew.js';
export * from './removed-apis.js';
export * from './version-path.js';
export * from './batching.js';
export * from './findings.js';
export * from './plan-file-schema.js';
export * from './plan-file-errors.js';
export * from './plan-file-hash.js';
export * from './plan-file-argv.js';
export * from './plan-file-credentials.js';
export * from './plan-file-summary.js';
export * from './plan-file-sequence.js';
export * from './plan-file-issues.js';
export * from './plan-file-validate.js';
export * from './plan-file-semantics.js';
export * from './plan-file-json-schema.js';
export * from './plan-file.js';
export { describeValue } from './plan-file-schema-fields.js';
