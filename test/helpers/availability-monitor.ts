/**
 * Availability monitor, a test and benchmark utility: while an upgrade (or any drain) runs, it watches every
 * Deployment, StatefulSet, ReplicaSet, DaemonSet, PodDisruptionBudget and pod of the cluster through
 * client-node informers (list + watch) and records what a zero-downtime upgrade must never do:
 *
 * - `pdb-below-minimum`: a PDB whose ready matching pods (counted here from the pods — Ready, not terminating,
 *   same namespace, matching the selector — never from the PDB's status) fall below its minimum: minAvailable,
 *   or expected − maxUnavailable with expected = Σ replicas of the controllers of its pods, percentages rounded
 *   up as the disruption controller does. One violation per episode, with its duration and the lowest count.
 * - `workload-unavailable`: a Deployment or StatefulSet that wants > 0 replicas and has 0 ready pods.
 * - `pod-lost`: a pod that disappeared, was not terminal, and never carried the `DisruptionTarget` condition
 *   with reason `EvictionByEvictionAPI` (a plain delete, `kubectl drain --disable-eviction`, the product's
 *   `--disable-eviction-after`); and any unmanaged pod that disappeared (evicted or not: nobody recreates it).
 *   Deletions by the controllers themselves (a ReplicaSet removing surplus pods, a StatefulSet or DaemonSet
 *   rolling update, garbage collection of a deleted owner) and mirror pods are not losses.
 *
 * Problems already present when the monitor starts are reported apart (`preexisting`), so that a broken
 * workload of the fixture does not hide the meaning of zero. Durations are real seconds, or simulated seconds
 * when `timeScale` (the sandbox's) is given. Not product code: it must never be imported from src/.
 */
import {
  AppsV1Api,
  CoreV1Api,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  makeInformer,
  PolicyV1Api,
  type V1DaemonSet,
  type V1Deployment,
  type V1LabelSelector,
  type V1OwnerReference,
  type V1Pod,
  type V1PodDisruptionBudget,
  type V1ReplicaSet,
  type V1StatefulSet,
} from '@kubernetes/client-node';

export interface PdbBelowMinimum {
  kind: 'pdb-below-minimum';
  namespace: string;
  name: string;
  /** desiredHealthy: the minimum number of ready pods the budget promises. */
  minimum: number;
  /** The lowest number of ready matching pods seen during the episode. */
  lowest: number;
  seconds: number;
  startedAt: string;
  /** False when the episode was still open when the monitor stopped. */
  ended: boolean;
}

export interface WorkloadUnavailable {
  kind: 'workload-unavailable';
  workloadKind: 'Deployment' | 'StatefulSet';
  namespace: string;
  name: string;
  desired: number;
  seconds: number;
  startedAt: string;
  ended: boolean;
}

export interface PodLost {
  kind: 'pod-lost';
  namespace: string;
  name: string;
  uid: string;
  node?: string;
  /** `Kind/name` of the pod's controller, if it had one. */
  owner?: string;
  reason: 'deleted-without-eviction' | 'unmanaged-pod-gone';
  at: string;
}

export type Violation = PdbBelowMinimum | WorkloadUnavailable | PodLost;

export interface AvailabilityReport {
  /** Violations that began while the monitor ran. */
  violations: Violation[];
  /** Problems already present at start (not counted in the figures below). */
  preexisting: Violation[];
  /** Evaluations of the cluster's state (one per watch event, plus one per interval). */
  samples: number;
  durationMs: number;
  /** Σ seconds of every pdb-below-minimum violation. */
  pdbSecondsBelow: number;
  podsLost: number;
  /** Watch or list failures the monitor recovered from (a non-empty list weakens a zero). */
  errors: string[];
  /** A readable summary for test failure messages. */
  format(): string;
}

export interface AvailabilityMonitor {
  stop(): Promise<AvailabilityReport>;
}

export interface MonitorOptions {
  /** Re-evaluation period in real milliseconds besides every watch event (default 100). */
  intervalMs?: number;
  /** The sandbox's time scale: durations are then reported in simulated seconds (default 1: real seconds). */
  timeScale?: number;
}

const EVICTED_REASON = 'EvictionByEvictionAPI';

type Episode = {
  start: number;
  startedAt: string;
  lowest: number;
  preexisting: boolean;
  minimum: number;
  desired: number;
};

export async function startAvailabilityMonitor(
  kc: KubeConfig,
  opts: MonitorOptions = {},
): Promise<AvailabilityMonitor> {
  const m = new Monitor(kc, opts);
  await m.start();
  return m;
}

class Monitor implements AvailabilityMonitor {
  private readonly intervalMs: number;
  private readonly timeScale: number;
  private readonly informers: Informer<KubernetesObject>[] = [];
  private ready = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private samples = 0;
  private readonly errors: string[] = [];
  private readonly violations: Violation[] = [];
  private readonly preexisting: Violation[] = [];

  // State from the watches, by namespace then uid.
  private readonly pods = new Map<string, Map<string, V1Pod>>();
  private readonly pdbs = new Map<string, Map<string, V1PodDisruptionBudget>>();
  private readonly deployments = new Map<string, Map<string, V1Deployment>>();
  private readonly statefulSets = new Map<string, Map<string, V1StatefulSet>>();
  private readonly replicaSets = new Map<string, V1ReplicaSet>();
  private readonly daemonSets = new Map<string, V1DaemonSet>();

  /** Pod uid → it carried DisruptionTarget/EvictionByEvictionAPI at some point. */
  private readonly evicted = new Set<string>();
  /** Pod uid → its deletion was started by its controller (decided when the deletion is first seen). */
  private readonly deletionByController = new Map<string, boolean>();
  /** PDB uid → controllers ever seen owning its pods (`Kind/uid`), so a budget whose pods all vanished still counts them. */
  private readonly pdbControllers = new Map<string, Set<string>>();
  private readonly open = new Map<string, Episode>();
  /** Budgets and workloads deleted while monitored, so that their episodes keep their names. */
  private readonly lastSeen = new Map<string, KubernetesObject>();

  constructor(
    private readonly kc: KubeConfig,
    opts: MonitorOptions,
  ) {
    this.intervalMs = opts.intervalMs ?? 100;
    this.timeScale = opts.timeScale ?? 1;
  }

  async start(): Promise<void> {
    const core = this.kc.makeApiClient(CoreV1Api);
    const apps = this.kc.makeApiClient(AppsV1Api);
    const policy = this.kc.makeApiClient(PolicyV1Api);
    this.watch<V1ReplicaSet>(
      '/apis/apps/v1/replicasets',
      () => apps.listReplicaSetForAllNamespaces(),
      (t, o) => this.onSimple(this.replicaSets, t, o),
    );
    this.watch<V1DaemonSet>(
      '/apis/apps/v1/daemonsets',
      () => apps.listDaemonSetForAllNamespaces(),
      (t, o) => this.onSimple(this.daemonSets, t, o),
    );
    this.watch<V1Deployment>(
      '/apis/apps/v1/deployments',
      () => apps.listDeploymentForAllNamespaces(),
      (t, o) => this.onNamespaced(this.deployments, t, o),
    );
    this.watch<V1StatefulSet>(
      '/apis/apps/v1/statefulsets',
      () => apps.listStatefulSetForAllNamespaces(),
      (t, o) => this.onNamespaced(this.statefulSets, t, o),
    );
    this.watch<V1PodDisruptionBudget>(
      '/apis/policy/v1/poddisruptionbudgets',
      () => policy.listPodDisruptionBudgetForAllNamespaces(),
      (t, o) => this.onNamespaced(this.pdbs, t, o),
    );
    this.watch<V1Pod>(
      '/api/v1/pods',
      () => core.listPodForAllNamespaces(),
      (t, o) => this.onPod(t, o),
    );
    await Promise.all(this.informers.map((i) => i.start()));
    this.startedAt = performance.now();
    this.ready = true;
    // Pods already terminating at start were not deleted by what is being monitored.
    for (const inNs of this.pods.values())
      for (const p of inNs.values())
        if (p.metadata?.deletionTimestamp) this.deletionByController.set(p.metadata.uid!, true);
    this.sampleAll(true);
    this.timer = setInterval(() => this.sampleAll(false), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<AvailabilityReport> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.sampleAll(false);
    await Promise.all(this.informers.map((i) => i.stop()));
    const now = performance.now();
    for (const [key, ep] of this.open) this.close(key, ep, now, false);
    this.open.clear();
    const violations = [...this.violations];
    const preexisting = [...this.preexisting];
    const durationMs = now - this.startedAt;
    const pdbSecondsBelow = round(violations.reduce((s, v) => s + (v.kind === 'pdb-below-minimum' ? v.seconds : 0), 0));
    const podsLost = violations.filter((v) => v.kind === 'pod-lost').length;
    const samples = this.samples;
    const errors = [...this.errors];
    return {
      violations,
      preexisting,
      samples,
      durationMs,
      pdbSecondsBelow,
      podsLost,
      errors,
      format: () =>
        formatReport(
          { violations, preexisting, samples, durationMs, pdbSecondsBelow, podsLost, errors },
          this.timeScale,
        ),
    };
  }

  // --- watches -------------------------------------------------------------------------------------------

  private watch<T extends KubernetesObject>(
    path: string,
    list: () => Promise<{ items: T[] }>,
    on: (type: 'add' | 'update' | 'delete', o: T) => void,
  ): void {
    const inf = makeInformer<T>(this.kc, path, list as never);
    inf.on('add', (o) => on('add', o));
    inf.on('update', (o) => on('update', o));
    inf.on('delete', (o) => on('delete', o));
    inf.on('error', (e: unknown) => {
      if (this.stopping) return;
      this.errors.push(`${path}: ${e instanceof Error ? e.message : String(e)}`);
      setTimeout(() => {
        if (!this.stopping) inf.start().catch((err: unknown) => this.errors.push(`${path} restart: ${String(err)}`));
      }, 200).unref();
    });
    this.informers.push(inf as unknown as Informer<KubernetesObject>);
  }

  private onSimple<T extends KubernetesObject>(map: Map<string, T>, type: string, o: T): void {
    if (type === 'delete') map.delete(o.metadata!.uid!);
    else map.set(o.metadata!.uid!, o);
    this.sample(o.metadata!.namespace ?? '');
  }

  private onNamespaced<T extends KubernetesObject>(map: Map<string, Map<string, T>>, type: string, o: T): void {
    const ns = o.metadata!.namespace ?? '';
    const inNs = map.get(ns) ?? new Map<string, T>();
    map.set(ns, inNs);
    if (type === 'delete') {
      inNs.delete(o.metadata!.uid!);
      this.lastSeen.set(o.metadata!.uid!, o);
      // A budget or workload that is deleted ends its episode.
      const now = performance.now();
      for (const [key, ep] of this.open) {
        if (key.endsWith(`/${o.metadata!.uid}`)) {
          this.open.delete(key);
          this.close(key, ep, now, true);
        }
      }
    } else inNs.set(o.metadata!.uid!, o);
    this.sample(ns);
  }

  private onPod(type: string, p: V1Pod): void {
    const uid = p.metadata!.uid!;
    const ns = p.metadata!.namespace ?? '';
    const inNs = this.pods.get(ns) ?? new Map<string, V1Pod>();
    this.pods.set(ns, inNs);
    if (carriesEvictionCondition(p)) this.evicted.add(uid);
    if (type === 'delete') {
      if (this.ready && !this.deletionByController.has(uid))
        this.deletionByController.set(uid, this.deletedByController(p));
      inNs.delete(uid);
      if (this.ready) this.judgeGone(p);
      this.deletionByController.delete(uid);
      this.evicted.delete(uid);
    } else {
      if (p.metadata?.deletionTimestamp && this.ready && !this.deletionByController.has(uid))
        this.deletionByController.set(uid, this.deletedByController(p));
      inNs.set(uid, p);
    }
    this.sample(ns);
  }

  // --- pod-lost ------------------------------------------------------------------------------------------

  private judgeGone(p: V1Pod): void {
    if (isMirrorPod(p) || isTerminal(p)) return;
    const uid = p.metadata!.uid!;
    const ref = controllerRef(p);
    let reason: PodLost['reason'] | undefined;
    if (!ref) reason = 'unmanaged-pod-gone';
    else if (!this.evicted.has(uid) && !this.deletionByController.get(uid)) reason = 'deleted-without-eviction';
    if (!reason) return;
    this.violations.push({
      kind: 'pod-lost',
      namespace: p.metadata!.namespace ?? '',
      name: p.metadata!.name!,
      uid,
      node: p.spec?.nodeName,
      owner: ref ? `${ref.kind}/${ref.name}` : undefined,
      reason,
      at: new Date().toISOString(),
    });
  }

  /**
   * Whether the pod's own controller started this deletion: a ReplicaSet with more live pods than it wants, a
   * StatefulSet scaling down or rolling a pod of an old revision, a DaemonSet rolling a pod of an old template
   * generation, or an owner that is gone or being deleted (garbage collection).
   */
  private deletedByController(p: V1Pod): boolean {
    const ref = controllerRef(p);
    if (!ref) return false;
    const ns = p.metadata!.namespace ?? '';
    if (ref.kind === 'ReplicaSet') {
      const rs = this.replicaSets.get(ref.uid);
      if (!rs || rs.metadata?.deletionTimestamp) return true;
      const others = [...(this.pods.get(ns)?.values() ?? [])].filter(
        (x) =>
          x.metadata!.uid !== p.metadata!.uid &&
          controllerRef(x)?.uid === ref.uid &&
          !x.metadata?.deletionTimestamp &&
          !isTerminal(x),
      ).length;
      return others >= (rs.spec?.replicas ?? 1);
    }
    if (ref.kind === 'StatefulSet') {
      const sts = this.statefulSets.get(ns)?.get(ref.uid);
      if (!sts || sts.metadata?.deletionTimestamp) return true;
      const ordinal = Number(/-(\d+)$/.exec(p.metadata!.name!)?.[1] ?? -1);
      if (ordinal >= (sts.spec?.replicas ?? 1)) return true;
      const rev = p.metadata?.labels?.['controller-revision-hash'];
      return !!sts.status?.updateRevision && rev !== undefined && rev !== sts.status.updateRevision;
    }
    if (ref.kind === 'DaemonSet') {
      const ds = this.daemonSets.get(ref.uid);
      if (!ds || ds.metadata?.deletionTimestamp) return true;
      const gen = p.metadata?.labels?.['pod-template-generation'];
      return gen !== undefined && gen !== String(ds.metadata?.generation ?? 1);
    }
    return false;
  }

  // --- pdb-below-minimum and workload-unavailable ---------------------------------------------------------

  private namespaces(): Set<string> {
    return new Set([...this.pdbs.keys(), ...this.deployments.keys(), ...this.statefulSets.keys()]);
  }

  /** One evaluation of a namespace after a watch event. */
  private sample(ns: string): void {
    if (!this.ready) return;
    this.samples++;
    this.evaluate(ns, false);
  }

  /** One evaluation of every namespace (at start, on every interval, at stop). */
  private sampleAll(initial: boolean): void {
    this.samples++;
    for (const ns of this.namespaces()) this.evaluate(ns, initial);
  }

  private evaluate(ns: string, initial: boolean): void {
    const now = performance.now();
    const pods = [...(this.pods.get(ns)?.values() ?? [])];
    for (const pdb of this.pdbs.get(ns)?.values() ?? []) {
      const { healthy, minimum } = this.budget(pdb, pods);
      this.track(`pdb/${pdb.metadata!.uid}`, healthy < minimum, healthy, now, initial, minimum, 0);
    }
    // Ready pods per owner uid (the ReplicaSet's Deployment, or the StatefulSet), in one pass.
    const readyBy = new Map<string, number>();
    for (const p of pods) {
      if (!healthy(p)) continue;
      const owner = this.deploymentOf(p) ?? controllerRef(p)?.uid;
      if (owner) readyBy.set(owner, (readyBy.get(owner) ?? 0) + 1);
    }
    for (const [kind, map] of [
      ['deploy', this.deployments],
      ['sts', this.statefulSets],
    ] as const) {
      for (const w of map.get(ns)?.values() ?? []) {
        const desired = w.spec?.replicas ?? 1;
        const ready = readyBy.get(w.metadata!.uid!) ?? 0;
        this.track(`${kind}/${w.metadata!.uid}`, desired > 0 && ready === 0, ready, now, initial, 0, desired);
      }
    }
  }

  /** The disruption controller's desiredHealthy, with healthy pods counted from the pods themselves. */
  private budget(pdb: V1PodDisruptionBudget, pods: V1Pod[]): { healthy: number; minimum: number } {
    const matching = pods.filter((p) => matchesSelector(pdb.spec?.selector, p.metadata?.labels ?? {}));
    const healthyCount = matching.filter(healthy).length;
    const controllers = this.pdbControllers.get(pdb.metadata!.uid!) ?? new Set<string>();
    this.pdbControllers.set(pdb.metadata!.uid!, controllers);
    for (const p of matching) {
      const c = this.scaleController(p);
      if (c) controllers.add(c);
    }
    const expected = [...controllers].reduce((sum, c) => sum + this.replicasOf(c), 0);
    return { healthy: healthyCount, minimum: pdbMinimum(pdb.spec ?? {}, expected) };
  }

  /** `Deployment/uid`, `ReplicaSet/uid` or `StatefulSet/uid`: the controller whose replicas count for a PDB. */
  private scaleController(p: V1Pod): string | undefined {
    const ref = controllerRef(p);
    if (!ref) return undefined;
    if (ref.kind === 'ReplicaSet') {
      const d = this.deploymentOf(p);
      return d ? `Deployment/${d}` : `ReplicaSet/${ref.uid}`;
    }
    if (ref.kind === 'StatefulSet') return `StatefulSet/${ref.uid}`;
    return undefined;
  }

  private replicasOf(key: string): number {
    const [kind, uid] = key.split('/');
    const find = <T extends KubernetesObject>(m: Map<string, Map<string, T>>) => {
      for (const inNs of m.values()) if (inNs.has(uid)) return inNs.get(uid);
      return undefined;
    };
    const o =
      kind === 'Deployment'
        ? find(this.deployments)
        : kind === 'StatefulSet'
          ? find(this.statefulSets)
          : this.replicaSets.get(uid);
    return o ? ((o as V1Deployment).spec?.replicas ?? 1) : 0;
  }

  private deploymentOf(p: V1Pod): string | undefined {
    const ref = controllerRef(p);
    if (ref?.kind !== 'ReplicaSet') return undefined;
    const rs = this.replicaSets.get(ref.uid);
    const owner = rs?.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'Deployment');
    return owner?.uid;
  }

  private track(
    key: string,
    bad: boolean,
    count: number,
    now: number,
    initial: boolean,
    minimum: number,
    desired: number,
  ): void {
    const ep = this.open.get(key);
    if (bad && !ep) {
      this.open.set(key, {
        start: now,
        startedAt: new Date().toISOString(),
        lowest: count,
        preexisting: initial,
        minimum,
        desired,
      });
    } else if (bad && ep) {
      ep.lowest = Math.min(ep.lowest, count);
      ep.minimum = minimum;
      ep.desired = desired;
    } else if (!bad && ep) {
      this.open.delete(key);
      this.close(key, ep, now, true);
    }
  }

  private close(key: string, ep: Episode, now: number, ended: boolean): void {
    const [kind, uid] = key.split('/');
    const seconds = round((now - ep.start) / 1000 / this.timeScale);
    const obj = this.objectByUid(kind, uid);
    const namespace = obj?.metadata?.namespace ?? '';
    const name = obj?.metadata?.name ?? uid;
    const v: Violation =
      kind === 'pdb'
        ? {
            kind: 'pdb-below-minimum',
            namespace,
            name,
            minimum: ep.minimum,
            lowest: ep.lowest,
            seconds,
            startedAt: ep.startedAt,
            ended,
          }
        : {
            kind: 'workload-unavailable',
            workloadKind: kind === 'deploy' ? 'Deployment' : 'StatefulSet',
            namespace,
            name,
            desired: ep.desired,
            seconds,
            startedAt: ep.startedAt,
            ended,
          };
    (ep.preexisting ? this.preexisting : this.violations).push(v);
  }

  private objectByUid(kind: string, uid: string): KubernetesObject | undefined {
    const m = kind === 'pdb' ? this.pdbs : kind === 'deploy' ? this.deployments : this.statefulSets;
    for (const inNs of (m as Map<string, Map<string, KubernetesObject>>).values())
      if (inNs.has(uid)) return inNs.get(uid);
    return this.lastSeen.get(uid);
  }
}

// --- pure helpers --------------------------------------------------------------------------------------------

function controllerRef(p: KubernetesObject): V1OwnerReference | undefined {
  return p.metadata?.ownerReferences?.find((o) => o.controller);
}

function isTerminal(p: V1Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

function isMirrorPod(p: V1Pod): boolean {
  return p.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined;
}

/** Ready=True and not terminating: what the disruption controller counts as healthy. */
function healthy(p: V1Pod): boolean {
  return (
    !p.metadata?.deletionTimestamp &&
    !isTerminal(p) &&
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
  );
}

function carriesEvictionCondition(p: V1Pod): boolean {
  return (
    p.status?.conditions?.some(
      (c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === EVICTED_REASON,
    ) === true
  );
}

/**
 * The disruption controller's desiredHealthy: an integer minAvailable as is; a percentage of `expected` (Σ replicas
 * of the pods' controllers) rounded up; expected − maxUnavailable (a percentage rounded up), floored at 0.
 */
export function pdbMinimum(
  spec: { minAvailable?: number | string | null; maxUnavailable?: number | string | null },
  expected: number,
): number {
  const { minAvailable, maxUnavailable } = spec;
  if (minAvailable !== undefined && minAvailable !== null) {
    return typeof minAvailable === 'number' ? minAvailable : Math.ceil((percent(minAvailable) * expected) / 100);
  }
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const maxU =
      typeof maxUnavailable === 'number' ? maxUnavailable : Math.ceil((percent(maxUnavailable) * expected) / 100);
    return Math.max(0, expected - maxU);
  }
  return 0;
}

function percent(v: string | number): number {
  return typeof v === 'number' ? v : Number(String(v).replace(/%$/, ''));
}

/** policy/v1 semantics: a null selector selects nothing, `{}` every pod of the namespace. */
export function matchesSelector(sel: V1LabelSelector | undefined | null, labels: Record<string, string>): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function describe(v: Violation): string {
  switch (v.kind) {
    case 'pdb-below-minimum':
      return `pdb-below-minimum ${v.namespace}/${v.name}: down to ${v.lowest} ready, minimum ${v.minimum}, for ${v.seconds}s${v.ended ? '' : ' (still below at stop)'}`;
    case 'workload-unavailable':
      return `workload-unavailable ${v.workloadKind} ${v.namespace}/${v.name}: 0 of ${v.desired} ready for ${v.seconds}s${v.ended ? '' : ' (still at stop)'}`;
    case 'pod-lost':
      return `pod-lost ${v.namespace}/${v.name}${v.node ? ` on ${v.node}` : ''}${v.owner ? ` (${v.owner})` : ''}: ${v.reason === 'unmanaged-pod-gone' ? 'an unmanaged pod is gone' : 'deleted without the Eviction API'}`;
  }
}

function formatReport(r: Omit<AvailabilityReport, 'format'>, timeScale: number): string {
  const unit = timeScale === 1 ? 's' : 's simulated';
  const lines = [
    `${r.violations.length} availability violation(s) in ${round(r.durationMs / 1000)}s real (${r.samples} samples): ` +
      `${r.podsLost} pod(s) lost, ${r.pdbSecondsBelow}${unit} of PDBs below minimum`,
    ...r.violations.map((v) => `  ${describe(v)}`),
  ];
  if (r.preexisting.length)
    lines.push(`already present at start (not counted):`, ...r.preexisting.map((v) => `  ${describe(v)}`));
  if (r.errors.length) lines.push(`watch errors:`, ...r.errors.map((e) => `  ${e}`));
  return lines.join('\n');
}
