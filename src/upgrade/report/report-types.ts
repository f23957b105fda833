/**
 * The run report's model: what `k8s-upgrade report` (and the end of every apply/rollback) renders as HTML,
 * Markdown and JUnit. Plain data built from the plan, the run state and the run log; times are epoch
 * milliseconds (the renderers format them), so the model is easy to compute with and to test.
 */
import type { Finding } from '../../plan/index.js';
import type { SnapshotRecord } from '../../etcd/types.js';
import type { NodeStep, PhaseKind, RunOutcome } from '../run/events.js';
import type { NodeRunStatus, PhaseStatus, RunStatus, RunStop } from '../run/run-state-types.js';

/** What the timeline draws for a step: the three driver steps share one colour. */
export type StepCategory = 'cordon' | 'drain' | 'driver' | 'wait-ready' | 'uncordon' | 'gate';

export const STEP_CATEGORIES: readonly StepCategory[] = ['cordon', 'drain', 'driver', 'wait-ready', 'uncordon', 'gate'];

export const STEP_CATEGORY: Record<NodeStep, StepCategory> = {
  cordon: 'cordon',
  drain: 'drain',
  upgrade: 'driver',
  downgrade: 'driver',
  'restore-etcd': 'driver',
  'wait-ready': 'wait-ready',
  uncordon: 'uncordon',
  'health-gate': 'gate',
};

export interface TimeSpan {
  startMs: number;
  endMs: number;
}

/** One step of a node in one attempt: from its `node-step` event to the next step, the node's end or the attempt's. */
export interface StepSpan extends TimeSpan {
  step: NodeStep;
  category: StepCategory;
  detail?: string;
  /** 1-based index into `RunReport.attempts`. */
  attempt: number;
  /** The attempt ended (killed, paused) before the step did. */
  interrupted: boolean;
  /** The step failed (`node-failed`). */
  failed: boolean;
}

/** Time a drain spent on one pod that PodDisruptionBudgets refused to let go (one or more 429s in a row). */
export interface PdbWait extends TimeSpan {
  pod: string;
  /** `namespace/name` of the PDB that refused, when the API named it. */
  pdb?: string;
  /** The last refusal's message. */
  message: string;
  refusals: number;
  attempt: number;
}

/** One node in one phase (a node upgraded over two control-plane hops has two). */
export interface ReportNode {
  phase: string;
  node: string;
  role: 'control-plane' | 'worker';
  status: NodeRunStatus;
  from?: string;
  to: string;
  /** First start and last end seen (log, else the run state); absent for a node never started. */
  startMs?: number;
  endMs?: number;
  /** Time the node was being worked on, summed over attempts (the run state's figure). */
  durationMs: number;
  evictions: number;
  /** Time its drains waited on PDBs (the run state's figure, measured by the drain). */
  blockedMs: number;
  /** Node-started → finished/failed/end of attempt, one per attempt that worked on it. */
  segments: (TimeSpan & { attempt: number })[];
  steps: StepSpan[];
  pdbWaits: PdbWait[];
  /** Why it was skipped (`already at v1.32.0`). */
  detail?: string;
  /** The last error, and the step it stopped at. */
  error?: string;
  failedStep?: NodeStep;
  onCriticalPath: boolean;
}

export interface ReportPhase {
  id: string;
  kind: PhaseKind;
  title: string;
  status: PhaseStatus;
  /** A phase of the rollback of this run. */
  rollback: boolean;
  /** One per attempt that ran it. */
  spans: (TimeSpan & { attempt: number; status?: string })[];
  startMs?: number;
  endMs?: number;
  nodes: ReportNode[];
}

/** One `apply` or `rollback` invocation that ran phases (a `run-started` in the log). */
export interface ReportAttempt extends TimeSpan {
  index: number;
  kind: 'apply' | 'rollback';
  resumed: boolean;
  /** From its `run-finished`; absent when the log ends first (killed, or still running). */
  outcome?: RunOutcome;
}

/**
 * One link of the critical path: a node's work, a phase without nodes (snapshot, postflight), time inside a
 * phase outside any node (gates, the window, the engine), start-up, or time between attempts.
 */
export interface CriticalLink extends TimeSpan {
  kind: 'node' | 'phase' | 'between-nodes' | 'startup' | 'idle';
  phase?: string;
  node?: string;
}

export interface PdbTotal {
  pdb: string;
  waits: number;
  ms: number;
  nodes: string[];
}

export interface ReportTotals {
  /** Wall clock from the first start to the last end, pauses between attempts included. */
  makespanMs: number;
  /** Summed over attempts: the time a process was running the upgrade. */
  activeMs: number;
  /** Node rows (a node in each phase) by status. */
  nodes: Record<NodeRunStatus, number>;
  evictions: number;
  blockedMs: number;
  pdbWaits: number;
  /** PDBs by time waited, longest first. */
  pdbs: PdbTotal[];
}

export interface ReportSnapshot {
  phase: string;
  record: SnapshotRecord;
}

export interface RunReport {
  plan: {
    name: string;
    path: string;
    from: string;
    to: string;
    contentHash: string;
    createdAt: string;
    generator: string;
    strategy: string;
    driver: string;
  };
  cluster: { server: string; kubeSystemUid: string; context?: string };
  runId: string;
  /** What the headline says: the rollback's outcome when there is one, else the upgrade's. */
  outcome: RunOutcome | 'running';
  status: RunStatus;
  rollbackStatus?: RunStatus;
  startMs: number;
  endMs: number;
  attempts: ReportAttempt[];
  /** Upgrade phases in order, then the rollback's. */
  phases: ReportPhase[];
  findings: readonly Finding[];
  waivers: readonly string[];
  snapshots: ReportSnapshot[];
  snapshotSkipped?: { at: string; reason: string };
  /** etcd restores the rollback did (`etcd-restored` events). */
  restores: { node: string; snapshot: string; atMs: number }[];
  stop?: RunStop;
  rollbackStop?: RunStop;
  totals: ReportTotals;
  criticalPath: CriticalLink[];
  log: { path?: string; events: number; problems: string[] };
}
