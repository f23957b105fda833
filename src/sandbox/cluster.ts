/**
 * The state of one simulated cluster: the object store (what the API serves), the "machines" behind the
 * nodes (what a real node's disk holds: installed kubelet and control-plane versions, which survive an etcd
 * restore), the scaled clock, injected faults and per-node upgrade counters. Controllers, the API layer and
 * the node side all work on this object.
 */
import { ObjectStore } from './store/object-store.js';
import {
  Clock,
  DEFAULT_TIMINGS,
  type Ticker,
  hashString,
  seededRandom,
  validateTimings,
  type Timings,
} from './clock.js';
import { FaultRegistry } from './faults.js';
import type { KObject } from './store/types.js';
import type { SandboxEtcd } from './etcd-backend/sandbox-etcd.js';
import { CustomResources } from './api/custom-resources.js';

export type WorkloadSpec =
  | { kind: 'demo' }
  | { kind: 'none' }
  | {
      kind: 'scale';
      nodes: number;
      podsPerNode: number;
      /** Every Deployment has ≥ 2 replicas and a PDB (a fleet's clusters: drains never take a workload down). */
      budgetEveryDeployment?: boolean;
    };

export interface PoolSpec {
  name: string;
  count: number;
}

export interface SandboxOptions {
  /** Kubernetes version of every component at start, e.g. `v1.31.4`. */
  version: string;
  controlPlanes: number;
  pools: PoolSpec[];
  workload: WorkloadSpec;
  seed: number;
  /** Multiplies every simulated delay (0.1 = ten times faster). */
  timeScale: number;
  timings?: Partial<Timings>;
  /** How many past changes watches can replay (older resourceVersions get 410 Expired). */
  historySize?: number;
}

export const DEFAULT_VERSION = 'v1.31.4';
export const ZONES = ['zone-a', 'zone-b', 'zone-c'] as const;

/** What is installed on a simulated machine. */
export interface Machine {
  name: string;
  role: 'control-plane' | 'worker';
  pool?: string;
  zone: string;
  address: string;
  kubeletVersion: string;
  /** Version of the static control-plane pods (control-plane machines only). */
  controlPlaneVersion?: string;
  /** Upgrades that changed a version on this machine (visible to tests through the admin API). */
  upgrades: number;
  /** Every upgrade command accepted for this machine, including no-ops on a machine already at the target. */
  upgradeCommands?: number;
  /** Downgrades (`sandbox node downgrade`) that changed a version on this machine. */
  downgrades: number;
  kubelet: 'running' | 'restarting';
}

export class SandboxCluster {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly timings: Timings;
  readonly random: () => number;
  readonly faults: FaultRegistry;
  readonly machines = new Map<string, Machine>();
  private cpMachines: Machine[] = [];
  private cpMachinesAt = -1;
  /** Explicit per-node upgrade-time multipliers (tests, benchmarks); they win over the seeded jitter. */
  readonly nodeTimeFactors = new Map<string, number>();
  /** group-version/resource → count of requests made through a deprecated group-version. */
  readonly deprecatedRequests = new Map<
    string,
    { group: string; version: string; resource: string; removedRelease: string; count: number }
  >();
  /** The etcd holding every object, when the sandbox runs with --etcd (the store is then its serving cache). */
  etcd?: SandboxEtcd;
  /** Set while the kube-apiservers are stopped (an etcd restore): the API answers 503, the admin API still works. */
  apiserverStopped?: string;
  /** The kinds CustomResourceDefinitions registered (served by the generic API verbs). */
  readonly customResources: CustomResources;

  /** `ticker`: the interval timers shared by the clusters of a sandbox fleet (default: this cluster's own). */
  constructor(
    readonly options: SandboxOptions,
    ticker?: Ticker,
  ) {
    this.store = new ObjectStore({ historySize: options.historySize });
    this.clock = new Clock(options.timeScale, ticker);
    this.timings = { ...DEFAULT_TIMINGS, ...stripUndefined(options.timings ?? {}) };
    validateTimings(this.timings);
    this.random = seededRandom(options.seed);
    this.faults = new FaultRegistry(seededRandom(options.seed + 1));
    this.store.addIndex('pods', 'node', (p) => p.spec?.nodeName || undefined);
    this.store.addIndex('pods', 'owner', (p) => p.metadata.ownerReferences?.find((o) => o.controller)?.uid);
    this.store.addIndex('pods', 'namespace', (p) => p.metadata.namespace);
    this.customResources = new CustomResources(this.store);
  }

  /** The version /version reports: the oldest kube-apiserver, so clients never assume more than every instance serves. */
  apiserverVersion(): string {
    // Asked on every request: the control-plane machines are looked up once per machine count, not scanned each time.
    if (this.cpMachinesAt !== this.machines.size) {
      this.cpMachines = [...this.machines.values()].filter((m) => m.role === 'control-plane' || m.controlPlaneVersion);
      this.cpMachinesAt = this.machines.size;
    }
    const versions = this.cpMachines.filter((m) => m.controlPlaneVersion).map((m) => m.controlPlaneVersion!);
    if (versions.length === 0) return this.options.version;
    return versions.sort(compareVersions)[0];
  }

  apiserverMinor(): number {
    return parseVersion(this.apiserverVersion()).minor;
  }

  controlPlaneMachines(): Machine[] {
    return [...this.machines.values()]
      .filter((m) => m.role === 'control-plane')
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  node(name: string): KObject | undefined {
    return this.store.get('nodes', undefined, name);
  }

  /**
   * The multiplier of this node's upgrade time: an explicit `nodeTimeFactors` entry, else 1 when
   * `timings.nodeTimeJitter` is 0, else uniform in [1 − j, 1 + j] from the seed and the node's name.
   */
  nodeTimeFactor(node: string): number {
    const explicit = this.nodeTimeFactors.get(node);
    if (explicit !== undefined) return explicit;
    const j = this.timings.nodeTimeJitter;
    if (!j) return 1;
    const r = seededRandom(hashString(`${this.options.seed}/${node}`))();
    return 1 - j + 2 * j * r;
  }

  /** Simulated time of the package install + kubeadm work on this node. */
  nodeUpgradeCommandMs(node: string): number {
    return this.timings.upgradeCommandMs * this.nodeTimeFactor(node);
  }

  /** Simulated time this node's kubelet stays NotReady after an upgrade. */
  nodeKubeletRestartMs(node: string): number {
    return this.timings.kubeletRestartMs * this.nodeTimeFactor(node);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(v: string): ParsedVersion {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (!m) throw new Error(`not a Kubernetes version: ${JSON.stringify(v)} (expected vX.Y.Z, e.g. v1.31.4)`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** The etcd image kubeadm ships with each minor (approximate, for mirror-pod images). */
export function etcdVersionFor(minor: number): string {
  if (minor >= 31) return '3.5.15-0';
  if (minor >= 29) return '3.5.12-0';
  if (minor >= 27) return '3.5.9-0';
  if (minor >= 25) return '3.5.6-0';
  return '3.5.3-0';
}
