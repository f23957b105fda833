/**
 * The plan document: what `k8s-upgrade plan` writes to `plans/*.yaml`, what `apply` reads back, and — the same
 * shape, one shape — what `plan -o json|yaml` prints for CI. Field order here is the order in the file.
 *
 * Conventions: versions are strings as Kubernetes prints them (`v1.32.0`); node names are sorted unless the
 * order is meaningful (batches, hops); durations are whole seconds in fields named `…Seconds`; optional fields
 * are left out rather than written as `null`. A plan never holds credentials: the kubeconfig and ssh keys are
 * named by the user at `apply` time (the ssh `identityFile` is a path, never key material).
 */
import type { Finding } from './findings.js';
import type { WorkerStepReason } from './version-path.js';

export const PLAN_API_VERSION = 'k8s-upgrade/v1';
export const PLAN_KIND = 'UpgradePlan';

/** Components whose versions the plan reports, in display order. */
export const PLAN_COMPONENTS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'etcd',
  'kube-proxy',
  'kubelet',
  'coredns',
] as const;
export type PlanComponent = (typeof PLAN_COMPONENTS)[number];

export const PLAN_STRATEGIES = ['rolling', 'batch'] as const;
/** `rolling`: a window of at most maxUnavailable nodes moves through a group; `batch`: batch by batch, each completes first. */
export type PlanStrategy = (typeof PLAN_STRATEGIES)[number];

export const ETCD_SNAPSHOT_MODES = ['none', 'local', 'ssh'] as const;
export type EtcdSnapshotMode = (typeof ETCD_SNAPSHOT_MODES)[number];

export const PLAN_DRIVER_TYPES = ['exec', 'kubeadm-ssh'] as const;
export type PlanDriverType = (typeof PLAN_DRIVER_TYPES)[number];

export const SSH_HOST_KEY_CHECKING = ['yes', 'accept-new'] as const;
export type SshHostKeyChecking = (typeof SSH_HOST_KEY_CHECKING)[number];

export const PACKAGE_MANAGERS = ['apt', 'yum'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

export interface PlanMetadata {
  /** The plan's name: by default the file name without `.yaml` (see `planName`). */
  readonly name: string;
  /** ISO-8601 UTC timestamp of `plan`, e.g. `2025-11-23T14:00:00.000Z`. */
  readonly createdAt: string;
  /** `k8s-upgrade <version>` that wrote the plan. */
  readonly generator: string;
  /** `sha256:<64 hex>` over the canonical JSON of everything else (see `computeContentHash`). */
  readonly contentHash: string;
}

/** Which cluster the plan is for; `apply` refuses a plan whose server or kube-system UID differ. */
export interface PlanCluster {
  /** The API server URL from the kubeconfig, without credentials. */
  readonly server: string;
  /** `metadata.uid` of the `kube-system` namespace: survives DNS and IP changes, differs between clusters. */
  readonly kubeSystemUid: string;
  /** The kubeconfig context used at plan time (informational; also names the file). */
  readonly context?: string;
}

export interface PlanComponentVersions {
  readonly component: PlanComponent;
  /** Distinct versions running now, sorted; empty when the component was not found. */
  readonly current: readonly string[];
  readonly target: string;
}

/** One control-plane hop: one minor (or the final patch), one node at a time, `nodes[0]` first (kubeadm upgrade apply). */
export interface PlanControlPlaneHop {
  readonly to: string;
  readonly nodes: readonly string[];
}

export interface PlanControlPlane {
  /** Every control-plane node, sorted. */
  readonly nodes: readonly string[];
  readonly hops: readonly PlanControlPlaneHop[];
}

/** One worker hop: `skew` is an intermediate hop the skew policy forces, `target` the final one. */
export interface PlanWorkerHop {
  readonly to: string;
  readonly reason: WorkerStepReason;
  /** The workers this hop upgrades, sorted; they are visited in group and batch order. */
  readonly nodes: readonly string[];
}

export interface PlanWorkers {
  /** In execution order; a hop runs after the control-plane hop that allows it. */
  readonly hops: readonly PlanWorkerHop[];
}

/** A worker group, in the order given to `plan --workers`. */
export interface PlanGroup {
  /** The label selector as given; `''` for the implicit group of workers no selector matched. */
  readonly selector: string;
  readonly implicit: boolean;
  /** Resolved against the group size: how many nodes may be unavailable at once. */
  readonly maxUnavailable: number;
  /** As given: `1`, `25%`. */
  readonly maxUnavailableSpec: string;
  /** Every worker in the group (also those already at the target), sorted. */
  readonly nodes: readonly string[];
  /** The group's nodes cut into ordered batches; together exactly `nodes`. */
  readonly batches: readonly (readonly string[])[];
}

export interface PlanDrainOptions {
  readonly timeoutSeconds: number;
  /** Pod termination grace period override; absent = each pod's own. */
  readonly gracePeriodSeconds?: number;
  readonly deleteEmptyDirData: boolean;
  /** Delete pods that no controller manages (they are not recreated anywhere). */
  readonly forceUnmanaged: boolean;
  /** After this long blocked by a PDB, delete instead of evict; absent = never (the drain times out instead). */
  readonly disableEvictionAfterSeconds?: number;
}

export interface PlanHttpGate {
  readonly url: string;
  readonly timeoutSeconds?: number;
}

export interface PlanCommandGate {
  /** An argv array, run without a shell; exit 0 = healthy. */
  readonly argv: readonly string[];
  readonly timeoutSeconds?: number;
}

export interface PlanHealthGates {
  /** How long a gate may take to pass after a batch. */
  readonly timeoutSeconds: number;
  /** How long every gate must keep passing before the next batch. */
  readonly soakSeconds: number;
  readonly http: readonly PlanHttpGate[];
  readonly commands: readonly PlanCommandGate[];
}

export interface PlanEtcdSnapshot {
  /** `none`: no snapshot (apply then needs --skip-etcd-snapshot to touch the control plane); `local`: etcdctl on the operator's machine; `ssh`: etcdctl on a control-plane node, the file copied back. */
  readonly mode: EtcdSnapshotMode;
  /** A snapshot before every control-plane hop, not only the first. */
  readonly perHop: boolean;
  /** Client URLs. `local`: as reachable from this machine; `ssh`: from the node (default https://127.0.0.1:2379). */
  readonly endpoints?: readonly string[];
  /** Paths to the CA, client certificate and key (on this machine for `local`; on the node for `ssh`, kubeadm's by default). Never their content. */
  readonly cacert?: string;
  readonly cert?: string;
  readonly key?: string;
  /** `ssh`: the control-plane node that runs etcdctl (default: the first node of the hop). */
  readonly node?: string;
  /** Where the operator's copies go (default: `<plan>.etcd/` next to the plan). */
  readonly dir?: string;
}

export interface PlanOptions {
  readonly strategy: PlanStrategy;
  /** Size of the first batch of the first non-empty group. */
  readonly canary?: number;
  readonly drain: PlanDrainOptions;
  readonly healthGates: PlanHealthGates;
  readonly etcdSnapshot: PlanEtcdSnapshot;
}

export interface ExecDriverSettings {
  /**
   * argv template run once per node, without a shell. Placeholders (whole or inside an element): `{node}`,
   * `{address}`, `{version}` (e.g. v1.32.0), `{role}` (`control-plane`|`worker`), `{first}` (`true` on the first
   * control-plane node of a hop, else `false`). `argv[0]` is a literal program.
   */
  readonly upgrade: readonly string[];
  /** Rollback: takes a node back to `{version}` (the version it had before the run); same placeholders as `upgrade`. */
  readonly downgrade?: readonly string[];
  /** Rollback: restores the etcd snapshot on one control-plane node (etcd member); `{node}`, `{address}`, `{snapshot}` (the local path of the verified copy). */
  readonly restoreEtcd?: readonly string[];
  readonly timeoutSeconds: number;
}

export interface ExecDriver {
  readonly type: 'exec';
  readonly exec: ExecDriverSettings;
}

export interface SshSettings {
  readonly user: string;
  readonly port: number;
  /** A path to the private key, resolved at apply time; never the key itself. */
  readonly identityFile?: string;
  /** `[user@]host[:port]`, passed to ssh -J. */
  readonly jumpHost?: string;
  /** Where the node's ssh address comes from: its InternalIP, or the value of a node label. */
  readonly addressFrom: 'InternalIP' | { readonly label: string };
  readonly strictHostKeyChecking: SshHostKeyChecking;
  readonly packageManager: PackageManager;
  readonly sudo: boolean;
  readonly timeoutSeconds: number;
}

export interface KubeadmSshDriver {
  readonly type: 'kubeadm-ssh';
  readonly ssh: SshSettings;
}

export type PlanDriver = ExecDriver | KubeadmSshDriver;

export interface PlanSummary {
  /** Blocker findings that are not waived. */
  readonly blockers: number;
  readonly warnings: number;
  readonly infos: number;
  /** Distinct nodes that at least one hop upgrades. */
  readonly nodesToUpgrade: number;
  /** No unwaived blocker: `apply` may run it. */
  readonly safe: boolean;
}

export interface UpgradePlan {
  readonly apiVersion: typeof PLAN_API_VERSION;
  readonly kind: typeof PLAN_KIND;
  readonly metadata: PlanMetadata;
  readonly cluster: PlanCluster;
  /** The oldest kube-apiserver's version now. */
  readonly from: string;
  readonly to: string;
  readonly components: readonly PlanComponentVersions[];
  readonly controlPlane: PlanControlPlane;
  readonly workers: PlanWorkers;
  readonly groups: readonly PlanGroup[];
  readonly options: PlanOptions;
  readonly driver: PlanDriver;
  /** Sorted with `sortFindings`. */
  readonly findings: readonly Finding[];
  /** The `--ignore-check` ids given to plan, sorted. */
  readonly waivers: readonly string[];
  readonly summary: PlanSummary;
}
