/**
 * Pure Kubernetes rules, one implementation of each for the whole product: resource quantities, label selectors
 * in both syntaxes (kubectl strings and the API's LabelSelector), what a drain does with a pod, status
 * conditions, owner references. Functions over small structural types defined here (the views of
 * `cluster/types.ts` fit them), checked against upstream and kubernetes-facts.md.
 *
 * Must not: do any I/O (no timers, files, network, clock or randomness), or import anything — not the product's
 * other folders, not a library, not a `node:` module. Lint enforces it. The sandbox keeps its own copy of these
 * rules on purpose and must not import this folder.
 */
export * from './quantity.js';
export * from './label-selector.js';
export * from './conditions.js';
export * from './owner-references.js';
export * from './drain-rules.js';
