/**
 * What every step of a run (an apply or a rollback) shares: the plan, the cluster (client and watch cache),
 * the node driver, the journal, the event emitter, the cancellation signal, the settings, and the advice
 * texts that errors end with. Built once per run by `makeContext` (context-wiring.ts).
 */
import type { ClusterCache, ClusterClient } from '../../cluster/index.js';
import type { DrainOptions } from '../../drain/index.js';
import type { NodeDriver } from '../../nodes/index.js';
import type { UpgradePlan } from '../../plan/index.js';
import type { UpgradeEvent } from './events.js';
import type { RunJournal } from './run-journal.js';
import type { Interruption } from './interruption.js';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
/** An event without its timestamp: `emit` stamps it. */
export type EventBody = DistributiveOmit<UpgradeEvent, 'at'>;

export interface ApplySettings {
  /** How long a node may take, after its driver returned, to be Ready at the target. */
  nodeReadyTimeoutMs: number;
  /** Extra attempts of a failed node driver (kubeadm upgrade is idempotent). */
  driverRetries: number;
  driverRetryDelayMs: number;
  /** Base delay between eviction retries after a 429 (kubectl: 5 s). */
  evictionRetryDelayMs: number;
  /** `--skip-etcd-snapshot`: change the control plane without a snapshot (recorded in the run state, warned). */
  skipEtcdSnapshot: boolean;
  /**
   * `--etcd-snapshot-dir`: a durable folder (shared or backed-up storage) for the etcd snapshot, instead of the
   * plan's setting or the folder next to the plan on the runner's disk.
   */
  etcdSnapshotDir?: string;
}

export const DEFAULT_APPLY_SETTINGS: ApplySettings = {
  nodeReadyTimeoutMs: 600_000,
  driverRetries: 2,
  driverRetryDelayMs: 5_000,
  evictionRetryDelayMs: 5_000,
  skipEtcdSnapshot: false,
};

export interface Advice {
  resume(): string[];
  rollback(): string[];
  afterGate(failing: string[]): string[];
}

export interface ApplyContext {
  readonly plan: UpgradePlan;
  /** The plan file as the operator named it (snapshots and advice are relative to it). */
  readonly planPath: string;
  /** ssh client settings given at apply time (known_hosts, key). */
  readonly driverOptions: { knownHostsFile?: string; identityFile?: string };
  readonly client: ClusterClient;
  readonly cache: ClusterCache;
  readonly driver: NodeDriver;
  readonly journal: RunJournal;
  /** Cancels what is in flight (a second Ctrl-C, a lost lock): drains, drivers and waits stop at once. */
  readonly signal: AbortSignal;
  /**
   * Asks the run to pause (the first Ctrl-C; also aborted with `signal`): no new node or phase starts, a drain
   * stops between evictions, a driver already running finishes its node. See interruption.ts.
   */
  readonly pause: AbortSignal;
  /** What the interrupt left behind: nodes paused at a safe point, nodes whose driver runs or was cancelled. */
  readonly interruption: Interruption;
  readonly settings: ApplySettings;
  /** Nodes currently between cordon and the end of their health gate. */
  readonly inFlight: Set<string>;
  readonly advice: Advice;
  emit(e: EventBody): void;
  drainOptions(): DrainOptions;
  runCommand(argv: readonly string[], timeoutMs: number): Promise<{ ok: boolean; output: string }>;
}
