/**
 * The executor's typed event stream. `apply` (and later `rollback`) emit these and never print: the TTY
 * renderer (listr2), the plain-line and JSON-line renderers, the run log and the closing summary all consume
 * the same stream. Every event carries `at` (ISO-8601 UTC). Pods are named `namespace/name`.
 */

/** The steps of one node, in order. */
export const NODE_STEPS = [
  'cordon',
  'drain',
  'upgrade',
  'downgrade',
  'restore-etcd',
  'wait-ready',
  'uncordon',
  'health-gate',
] as const;
export type NodeStep = (typeof NODE_STEPS)[number];

export type PhaseKind = 'etcd-snapshot' | 'control-plane' | 'workers' | 'postflight' | 'etcd-restore';

/** How a run ended (or stopped) — maps 1:1 onto the exit-code table. */
export type RunOutcome = 'done' | 'failed' | 'blocked' | 'paused' | 'locked' | 'invalid';

export interface NodeSummary {
  phase: string;
  node: string;
  /** `skipped` = already at the target (read from the cluster), nothing done. */
  status: 'done' | 'skipped' | 'failed' | 'pending' | 'in-progress' | 'paused';
  durationMs: number;
  evictions: number;
  /** Time spent waiting on PDB-refused evictions (429). */
  blockedMs: number;
}

export interface RunSummary {
  runId: string;
  plan: string;
  outcome: RunOutcome;
  durationMs: number;
  nodes: NodeSummary[];
  evictions: number;
  blockedMs: number;
  /** For a paused or failed run: what stopped it, and what to do next. */
  stoppedBy?: {
    phase?: string;
    node?: string;
    step?: NodeStep | 'preflight' | 'lock' | 'etcd-snapshot' | 'etcd-restore';
    message: string;
    next: string[];
    /** A transient API failure (unavailable, overloaded, unreachable) outlasted its retries: apply again to resume. */
    transient?: true;
  };
}

interface Base {
  at: string;
}

export type UpgradeEvent = Base &
  (
    | {
        type: 'run-started';
        runId: string;
        plan: string;
        /** The cluster's name as the plan knows it: its kubeconfig context, else the API server's host. */
        cluster?: string;
        from: string;
        to: string;
        resumed: boolean;
        phases: { id: string; kind: PhaseKind; title: string; nodes: string[] }[];
      }
    | { type: 'lock-acquired'; holder: string; takenOverFrom?: string }
    | { type: 'preflight-finished'; blockers: number; warnings: number; waived: string[] }
    | { type: 'phase-started'; phase: string; kind: PhaseKind; title: string }
    | { type: 'phase-finished'; phase: string; status: 'done' | 'skipped' | 'failed' | 'paused' }
    | { type: 'node-started'; phase: string; node: string; role: 'control-plane' | 'worker'; version: string }
    | { type: 'node-step'; phase: string; node: string; step: NodeStep; detail?: string }
    | {
        type: 'node-finished';
        phase: string;
        node: string;
        status: 'done' | 'skipped';
        durationMs: number;
        evictions: number;
        blockedMs: number;
        detail?: string;
      }
    | { type: 'node-failed'; phase: string; node: string; step: NodeStep; message: string }
    /** The node stopped at a safe point (or its step was interrupted); a resumed run continues it at `step`. */
    | { type: 'node-paused'; phase: string; node: string; step: NodeStep; message: string }
    /**
     * Ctrl-C/SIGTERM reached the run. `pause` (the first): no new node or phase starts, the nodes in flight
     * finish their driver or drain up to a safe point. `abort` (the second): in-flight steps are cancelled;
     * `inDriver` names the nodes whose driver is being stopped.
     */
    | { type: 'run-interrupted'; how: 'pause' | 'abort'; inFlight: string[]; inDriver: string[] }
    | { type: 'pod-evicted'; node: string; pod: string; how: 'evicted' | 'deleted' }
    | { type: 'eviction-blocked'; node: string; pod: string; pdb?: string; message: string; retryInMs: number }
    | { type: 'pod-gone'; node: string; pod: string }
    | { type: 'driver-output'; node: string; stream: 'stdout' | 'stderr'; line: string }
    /** A driver started by an earlier, killed run may still run on the node: nothing runs there until it ends. */
    | { type: 'driver-waiting'; node: string; pid?: number; until: string; message: string }
    | { type: 'gate-waiting'; phase: string; node?: string; failing: string[] }
    | { type: 'gate-passed'; phase: string; node?: string }
    | { type: 'gate-failed'; phase: string; node?: string; failing: string[] }
    | {
        type: 'snapshot-taken';
        phase: string;
        path: string;
        revision: number;
        sizeBytes: number;
        sha256: string;
        takenOn: string;
      }
    | { type: 'etcd-restored'; phase: string; node: string; snapshot: string }
    | { type: 'warning'; message: string }
    | { type: 'run-finished'; summary: RunSummary }
  );

export type UpgradeEventType = UpgradeEvent['type'];
export type EventOf<T extends UpgradeEventType> = Extract<UpgradeEvent, { type: T }>;

/** Anything that consumes the stream (renderers, the state writer, the run log). */
export type EventSink = (e: UpgradeEvent) => void;
