/**
 * The run state (journal) of `apply`: written atomically after every transition to
 * `plans/<plan>.state.json` and mirrored to a ConfigMap in kube-system. The local file is the authority.
 * `status` reads it; `apply` on an unfinished run resumes from it (every step still reads the cluster first).
 */
import type { OwnerRef } from '../../cluster/index.js';
import type { SnapshotRecord } from '../../etcd/types.js';
import type { NodeStep, PhaseKind, RunOutcome } from './events.js';

export const RUN_STATE_API_VERSION = 'k8s-upgrade/v1';
export const RUN_STATE_KIND = 'UpgradeRun';

export type RunStatus = 'running' | 'paused' | 'failed' | 'done';
export type PhaseStatus = 'pending' | 'running' | 'done' | 'failed' | 'paused' | 'skipped';
export type NodeRunStatus = 'pending' | 'in-progress' | 'done' | 'skipped' | 'failed';

export interface NodeRunState {
  node: string;
  role: 'control-plane' | 'worker';
  /** The version this phase takes the node to. */
  to: string;
  /** The kubelet version read before this phase first changed the node (rollback's target). */
  from?: string;
  status: NodeRunStatus;
  /** The last step started (in-progress) or finished (done). */
  step?: NodeStep;
  /** What the step is doing, when the step alone does not say (rollback's etcd restore: `stopping etcd and the apiserver`). */
  detail?: string;
  /** We cordoned it in this run (so we must uncordon it, even after a crash). */
  cordonedByUs: boolean;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  evictions: number;
  blockedMs: number;
  /** How many times the node driver was run for this node in this phase (resume re-runs only when needed). */
  driverRuns: number;
  /** The controllers of the pods this node's drain removed: the workloads its health gate checks (dropped when the node finishes). */
  touched?: OwnerRef[];
  error?: string;
}

export interface PhaseRunState {
  /** `control-plane/v1.32.0`, `workers/v1.32.0/pool=blue`, `etcd-snapshot`, `postflight`. */
  id: string;
  kind: PhaseKind;
  title: string;
  to?: string;
  /** Worker phases: the group's selector and its window. */
  group?: { selector: string; maxUnavailable: number };
  /** `downgrade` for rollback phases (the node driver's downgrade; `to` is the version before the run). */
  action?: 'upgrade' | 'downgrade';
  status: PhaseStatus;
  startedAt?: string;
  finishedAt?: string;
  /** In execution order. */
  nodes: NodeRunState[];
}

export interface RunStop {
  outcome: RunOutcome;
  phase?: string;
  node?: string;
  step?: string;
  message: string;
  /** Commands/advice for the operator (resume, rollback, …). */
  next: string[];
}

export interface RunState {
  apiVersion: typeof RUN_STATE_API_VERSION;
  kind: typeof RUN_STATE_KIND;
  runId: string;
  plan: { name: string; path: string; contentHash: string; from: string; to: string };
  cluster: { server: string; kubeSystemUid: string };
  status: RunStatus;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Each `apply` invocation on this run (1 = never resumed). */
  attempts: { startedAt: string; holder: string; endedAt?: string; outcome?: RunOutcome }[];
  phases: PhaseRunState[];
  /** Why the last attempt stopped, when it did not finish. */
  stop?: RunStop;
  /** Verified etcd snapshots taken by this run, oldest first (the first is what rollback restores). */
  snapshots?: { phase: string; record: SnapshotRecord }[];
  /** The operator skipped the etcd snapshot (`apply --skip-etcd-snapshot`): rollback cannot restore the control plane. */
  snapshotSkipped?: { at: string; reason: string };
  /** A rollback of this run, when one was started. */
  rollback?: RollbackRunState;
}

export interface RollbackRunState {
  status: RunStatus;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** The snapshot being restored (absent when only workers are rolled back). */
  snapshot?: SnapshotRecord;
  attempts: { startedAt: string; holder: string; endedAt?: string; outcome?: RunOutcome }[];
  phases: PhaseRunState[];
  stop?: RunStop;
}
