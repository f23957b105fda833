/**
 * The contract of a node driver: how one node is taken to a Kubernetes version (packages, kubeadm, kubelet
 * restart). The executor cordons, drains and waits for the node; the driver only runs the node-side work.
 */

export interface NodeTarget {
  node: string;
  role: 'control-plane' | 'worker';
  /** Target version, `v1.32.0`. */
  version: string;
  /** The first control-plane node of a hop (`kubeadm upgrade apply`; every other node: `kubeadm upgrade node`). */
  first: boolean;
  /** The node's InternalIP, when it has one. */
  internalIP?: string;
  labels: Readonly<Record<string, string>>;
}

export interface DriverIo {
  /** Every line the node side prints (kept in the run log). */
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
  signal?: AbortSignal;
  /** Told the pid of the driver's process once it exists (its own process group: pgid = pid). */
  onStart?(pid: number): void;
}

export interface DriverResult {
  durationMs: number;
  /** The command lines run (argv joined for display, never with secrets). */
  commands: string[];
}

export interface NodeDriver {
  readonly type: 'exec' | 'kubeadm-ssh';
  /** How long one driver run may take before it is stopped. */
  readonly timeoutMs?: number;
  /**
   * Whether a driver run (by any k8s-upgrade process) is still going on the node, where the node can tell (the
   * kubeadm-ssh driver's pid file); undefined when it cannot tell. Absent: the driver cannot look.
   */
  driverRunning?(target: Pick<NodeTarget, 'node' | 'internalIP' | 'labels'>): Promise<boolean | undefined>;
  /** Runs the node-side upgrade; resolves when it exited 0, throws `NodeDriverError` otherwise. */
  upgrade(target: NodeTarget, io: DriverIo): Promise<DriverResult>;
  /** Rollback: takes the node back to `target.version` (the version it had before the run). Absent: the driver cannot. */
  downgrade?(target: NodeTarget, io: DriverIo): Promise<DriverResult>;
  /**
   * Rollback: restores the etcd snapshot (a local file) on this control-plane node's etcd member. Absent: the driver
   * cannot. `members`: every etcd member of the restore (for `--initial-cluster`); without it the kubeadm-ssh
   * driver restores a single-member cluster of this node at `https://<InternalIP>:2380`.
   */
  restoreEtcd?(
    target: NodeTarget,
    snapshotPath: string,
    io: DriverIo,
    members?: readonly EtcdMember[],
  ): Promise<DriverResult>;
  /**
   * Rollback, before any `restoreEtcd`: stops etcd and the apiserver on this control-plane node for a restore of the
   * snapshot and restores nothing, so no member keeps serving (and accepting writes the restore would discard) while
   * another is restored. Called on every member first; safe to repeat; `restoreEtcd` afterwards finds them stopped.
   * Absent: the driver's `restoreEtcd` does the whole procedure on its own.
   */
  prepareEtcdRestore?(target: NodeTarget, snapshotPath: string, io: DriverIo): Promise<DriverResult>;
}

/** An etcd member as a restore names it: kubeadm names the member after its node; peer URL `https://<InternalIP>:2380`. */
export interface EtcdMember {
  node: string;
  peerUrl: string;
}

export type NodeDriverErrorCode = 'FAILED' | 'TIMEOUT' | 'NOT_FOUND' | 'NO_ADDRESS' | 'HOST_KEY' | 'ABORTED';

export class NodeDriverError extends Error {
  override name = 'NodeDriverError';
  constructor(
    message: string,
    readonly code: NodeDriverErrorCode,
    readonly node: string,
    readonly exitCode?: number,
    /** The last lines of output, for the error message. */
    readonly tail: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
