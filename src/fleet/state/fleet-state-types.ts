/**
 * The fleet state (`<fleet-plan>.state.json`, next to the fleet plan): a summary of a fleet run that a resume
 * rebuilds from the clusters themselves. Stages and clusters with their states, every attempt of every cluster
 * (history is kept across `fleet retry`), an absolute `soakUntil` so a killed run does not restart a soak, the
 * approvals with who and when, and what changed in the inventory. Never holds credentials.
 */
import type { ClusterState, StageState } from '../schedule/states.js';

export const FLEET_STATE_KIND = 'FleetState';

export interface ClusterAttempt {
  startedAt: string;
  endedAt?: string;
  /** The cluster run's outcome (`done`, `failed`, `blocked`, `paused`, `locked`), or `interrupted` when unknown. */
  outcome?: string;
  message?: string;
}

export interface ClusterProgress {
  nodesDone: number;
  nodesTotal: number;
  node?: string;
  step?: string;
}

export interface FleetClusterRecord {
  name: string;
  stage: string;
  state: ClusterState;
  /** Why it is in this state (what blocks, what failed, who finished it). */
  message?: string;
  attempts: ClusterAttempt[];
  progress?: ClusterProgress;
  /** When it waits for its maintenance window: the next opening. */
  windowOpensAt?: string;
  /** State changes, oldest first (kept across retries). */
  history: { at: string; from: ClusterState; to: ClusterState; reason?: string }[];
}

export interface FleetStageRecord {
  name: string;
  state: StageState;
  startedAt?: string;
  finishedAt?: string;
  /** Absolute end of the soak (set once when the soak starts). */
  soakUntil?: string;
  beforeGatesPassedAt?: string;
  afterGatesPassedAt?: string;
  message?: string;
}

export interface FleetApproval {
  stage: string;
  /** `<username>@<host>`, or `--auto-approve by <username>@<host>`. */
  by: string;
  at: string;
}

export interface InventoryReport {
  checkedAt: string;
  /** The fleet file's bytes no longer hash to the fleet plan's fleetFileHash. */
  fleetFileChanged: boolean;
  /** In the fleet plan, gone from the fleet file (skipped, reported). */
  removed: string[];
  /** In the fleet file, not in the fleet plan (re-run fleet plan to include them). */
  added: string[];
  /** The fleet file could not be read. */
  unreadable?: string;
}

export interface FleetState {
  apiVersion: 'k8s-upgrade/v1';
  kind: typeof FLEET_STATE_KIND;
  fleet: { name: string; planPath: string; contentHash: string; fleetFileHash: string };
  status: 'running' | 'paused' | 'failed' | 'done';
  message?: string;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  stages: FleetStageRecord[];
  clusters: FleetClusterRecord[];
  approvals: FleetApproval[];
  inventory?: InventoryReport;
}
