/**
 * The contract of the etcd module: where etcd is and how to reach it (paths to certificates, never their
 * content), how commands are run (on this machine, or on a control-plane node over ssh), and the verified
 * record of a snapshot that the run state keeps and rollback restores.
 */

export interface EtcdConnection {
  /** Client URLs, e.g. `https://10.0.0.11:2379`. The snapshot is taken from ONE healthy member. */
  endpoints: string[];
  /** Paths (on the machine that runs etcdctl) to the CA, client certificate and key. */
  cacert?: string;
  cert?: string;
  key?: string;
}

export interface RunResult {
  /** The program's exit code; 127 when it is not installed (as a shell says), 124 when it was killed on timeout. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Killed because `timeoutMs` passed. */
  timedOut?: boolean;
  /** Killed because `signal` aborted. */
  aborted?: boolean;
}

export interface RunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra environment for the program (names and values only, never secrets): e.g. `ETCDCTL_API=3`. */
  env?: Readonly<Record<string, string>>;
}

/** Runs an argv (no shell) where etcdctl lives: locally through execa, or on a node through ssh. */
export interface CommandRunner {
  readonly where: string;
  run(argv: readonly string[], opts: RunOptions): Promise<RunResult>;
  /** Brings a file the runner's side wrote to a local path (a no-op copy for the local runner). */
  fetch(remotePath: string, localPath: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<void>;
}

export interface EtcdTools {
  /** `etcdctl` always does `snapshot save`. */
  etcdctl: string;
  /** `etcdutl` (3.5+) when present, for `snapshot status`/`restore`; else etcdctl does them (3.4). */
  etcdutl?: string;
  version: string;
}

export interface SnapshotStatus {
  hash: number;
  revision: number;
  totalKeys: number;
  totalSize: number;
}

export interface SnapshotRecord extends SnapshotStatus {
  /** Local path of the operator's copy. */
  path: string;
  sha256: string;
  sizeBytes: number;
  takenAt: string;
  /** The member it was taken from. */
  endpoint: string;
  /** Where etcdctl ran: `local` or `ssh:<node>`. */
  takenOn: string;
  tool: string;
  verified: boolean;
  /** Where a copy stays on the node etcdctl ran on (ssh): the path there. */
  nodeCopy?: string;
  /** The machine that holds `path` (the runner's host name). */
  host?: string;
  /**
   * The only copy is on the runner's disk (the default folder next to the plan, no copy on a node): an
   * ephemeral CI runner that goes away takes rollback's snapshot with it.
   */
  runnerOnly?: boolean;
}

export interface RestoreMember {
  /** Member name, e.g. the node name (kubeadm uses the node name). */
  name: string;
  /** A new, empty data directory. */
  dataDir: string;
  /** `cp-1=https://10.0.0.11:2380,cp-2=…` */
  initialCluster: string;
  /** This member's peer URL. */
  initialAdvertisePeerUrls: string;
  initialClusterToken: string;
}
