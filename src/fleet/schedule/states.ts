/** The states of a cluster and of a stage in a fleet run (the fleet state file holds them). */

export const CLUSTER_STATES = ['NotStarted', 'Waiting', 'Running', 'Paused', 'Failed', 'Done', 'Skipped'] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

export const STAGE_STATES = ['NotStarted', 'Waiting', 'Running', 'Soaking', 'Paused', 'Failed', 'Done'] as const;
export type StageState = (typeof STAGE_STATES)[number];

/** Finished for this run: nothing more happens to the cluster until `fleet retry` (Failed) or a resume (Paused). */
export const isSettled = (s: ClusterState): boolean =>
  s === 'Done' || s === 'Failed' || s === 'Skipped' || s === 'Paused';
