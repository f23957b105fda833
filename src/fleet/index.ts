/**
 * The fleet: many clusters upgraded in ordered stages (canary first, soak, failure budget, gates, maintenance
 * windows) from one fleet file. Each cluster is planned and applied by the same use cases as a single `plan`
 * and `apply` (its own Lease, state file and ConfigMap mirror), so the truth about a cluster is always in the
 * cluster; the fleet state is a summary that a resume rebuilds from the clusters. Folders:
 * - `file/`: the fleet file (`kind: Fleet`): its types, schema and reading, with paths in every error;
 * - `plan/`: `fleet plan`, every cluster planned in parallel, and the fleet plan file (`kind: FleetPlan`);
 * - `schedule/`: pure policy over an injected clock: counts and percentages, windows, stage scheduling;
 * - `state/`, `apply/`: the fleet state file, `fleet apply|approve|retry|status`.
 * It never prints (it emits events and returns data) and never imports the CLI, the checks or the sandbox.
 */
export type * from './file/fleet-file-types.js';
export type * from './plan/fleet-plan-types.js';
