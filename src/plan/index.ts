/**
 * The planning core: Kubernetes versions and the version-skew policy, the removed-API table, the version path
 * of an upgrade, label selectors and worker batching. Pure functions over plain data: no I/O, no clock, no
 * printing, no cluster access, and no imports beyond `semver` and `yaml`. Bad input throws a typed
 * `PlanInputError`; what is found out about a cluster is returned as data.
 */
export * from './errors.js';
export * from './versions.js';
export * from './skew.js';
export * from './removed-apis.js';
export * from './version-path.js';
export * from './label-selector.js';
export * from './batching.js';
