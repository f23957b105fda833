/**
 * The fleet plan (`kind: FleetPlan`, YAML, written by `fleet plan` under `plans/<fleet>/`): the fleet file's
 * stages resolved to clusters, each with the plan file made for it and that plan's content hash, so that
 * `fleet apply` runs exactly what was reviewed. Per-cluster plans are ordinary plan files that `apply` accepts.
 */
import type { FleetStage, MaintenanceWindow } from '../file/fleet-file-types.js';

export const FLEET_PLAN_KIND = 'FleetPlan';

export interface FleetPlanCluster {
  name: string;
  labels: Record<string, string>;
  /** Access as in the fleet file, kubeconfig made absolute (never credentials). */
  kubeconfig?: string;
  context?: string;
  /** The cluster's plan file, relative to the fleet plan's folder. */
  planPath: string;
  /** `metadata.contentHash` of that plan: `fleet apply` refuses a plan file that changed since. */
  contentHash: string;
  /** Versions from → to, e.g. `v1.31.4` → `v1.32.0`. */
  from: string;
  to: string;
  /** Nodes the plan upgrades. */
  nodes: number;
  /** Unwaived blocker ids (empty when safe). */
  blockers: string[];
  safe: boolean;
  maintenanceWindow?: MaintenanceWindow;
}

/** A cluster left out of the fleet plan (`--skip-blocked`, or already at the target), and why. */
export interface FleetPlanSkipped {
  name: string;
  stage?: string;
  /** Why, by kind: blocked (unwaived blockers), unreachable (its API did not answer), invalid (its access or
   * settings were refused by the planner), at-target (nothing to upgrade). */
  kind: FleetPlanSkipKind;
  reason: string;
  /** The plan that was written for it (blocked, at-target), relative to the fleet plan's folder. */
  planPath?: string;
}

export const FLEET_PLAN_SKIP_KINDS = ['blocked', 'unreachable', 'invalid', 'at-target'] as const;
export type FleetPlanSkipKind = (typeof FLEET_PLAN_SKIP_KINDS)[number];

export interface FleetPlanStage extends Omit<FleetStage, 'selector'> {
  selector: string;
  clusters: FleetPlanCluster[];
}

export interface FleetPlan {
  apiVersion: 'k8s-upgrade/v1';
  kind: typeof FLEET_PLAN_KIND;
  metadata: {
    /** The fleet's name (`metadata.name` of the fleet file). */
    name: string;
    createdAt: string;
    generator: string;
    /** The fleet file it was made from, and the sha256 of its bytes (a changed inventory is detected). */
    fleetFile: string;
    fleetFileHash: string;
    /** sha256 over the canonical JSON of everything else, as in plan files. */
    contentHash: string;
  };
  to: string;
  stages: FleetPlanStage[];
  skipped: FleetPlanSkipped[];
}
