/**
 * Cordon and drain as a library, with kubectl drain's semantics (kubernetes-facts §4–5): kube/'s drain rules, the
 * Eviction API with PodDisruptionBudget back-off, waiting for pods to be gone by UID through one watch,
 * and a global timeout. It reports through the `onEvent` callback and its typed DrainError.
 *
 * It must not print, must not cordon on its own inside drainNode (the caller cordons first, and the node
 * stays cordoned when a drain fails), must never delete a pod the Eviction API refused unless the caller
 * set `disableEvictionAfterMs`, and reaches the cluster only through the cluster/ port.
 */
export * from './types.js';
export { drainNode } from './drain-node.js';
export { cordonNode, uncordonNode } from './cordon.js';
export { UNSAFE_REASONS } from './filters.js';
export { DEFAULT_RETRY_DELAY_MS } from './evict.js';
export { sleepRejectingOnAbort, sleepResolvingOnAbort } from './sleep.js';
export type { DrainClient, CordonClient } from './client.js';
export type { CordonOptions } from './cordon.js';
