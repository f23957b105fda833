/**
 * The watch caches `apply` reads while it works: nodes, PodDisruptionBudgets, the workload controllers and
 * the kube-system pods (where the control-plane mirror pods live). Started once per run (one list page per
 * 500 objects and one watch per collection), they let the executor wait for a node and evaluate health
 * gates from events instead of polling. The caches only read; they decide nothing.
 */
import type { NodeInfo, PdbInfo, PodInfo, WorkloadKind } from '../types.js';
import { toNodeInfo, toPdbInfo, toPodInfo } from '../adapter/index.js';
import { ObjectCache } from './object-cache.js';
import { WatchCache, type WatchCacheOptions, type WatchClient } from './watch-cache.js';
import { toWorkloadView, workloadKey, type WorkloadView } from './workload-views.js';
import { waitForChange, type Pending, type WaitOptions, type WaitSource } from './wait-for-change.js';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'];

const WORKLOAD_PATHS: Record<WorkloadKind, { path: string; what: string }> = {
  Deployment: { path: '/apis/apps/v1/deployments', what: 'deployments' },
  ReplicaSet: { path: '/apis/apps/v1/replicasets', what: 'replicasets' },
  StatefulSet: { path: '/apis/apps/v1/statefulsets', what: 'statefulsets' },
  DaemonSet: { path: '/apis/apps/v1/daemonsets', what: 'daemonsets' },
};

const nsKey = (o: { namespace: string; name: string }) => `${o.namespace}/${o.name}`;

export interface ClusterCacheParts {
  nodes: ObjectCache<NodeInfo>;
  pdbs: ObjectCache<PdbInfo>;
  workloads: Record<WorkloadKind, ObjectCache<WorkloadView>>;
  systemPods: ObjectCache<PodInfo>;
}

/** Empty in-memory parts (for tests and tools that fill a cache by hand): keys and uid indexes as the watch caches use. */
export function memoryCacheParts(): ClusterCacheParts {
  const workloads = {} as Record<WorkloadKind, ObjectCache<WorkloadView>>;
  for (const kind of WORKLOAD_KINDS)
    workloads[kind] = new ObjectCache<WorkloadView>(
      WORKLOAD_PATHS[kind].what,
      (w) => workloadKey(w.kind, w.namespace, w.name),
      (w) => w.uid,
    );
  return {
    nodes: new ObjectCache<NodeInfo>(
      'nodes',
      (n) => n.name,
      (n) => n.uid,
    ),
    pdbs: new ObjectCache<PdbInfo>('PodDisruptionBudgets', nsKey),
    workloads,
    systemPods: new ObjectCache<PodInfo>('kube-system pods', nsKey, (p) => p.uid),
  };
}

export interface NodeWaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Default: `node <name>`. */
  what?: string;
}

export class ClusterCache {
  readonly nodes: ObjectCache<NodeInfo>;
  readonly pdbs: ObjectCache<PdbInfo>;
  readonly workloads: Readonly<Record<WorkloadKind, ObjectCache<WorkloadView>>>;
  readonly systemPods: ObjectCache<PodInfo>;
  private readonly components = new Set<string>();
  private readonly stopListeners = new Set<() => void>();
  private stopped = false;

  constructor(parts: ClusterCacheParts) {
    this.nodes = parts.nodes;
    this.pdbs = parts.pdbs;
    this.workloads = parts.workloads;
    this.systemPods = parts.systemPods;
    const noteComponent = (p: PodInfo) => {
      if (p.mirror && p.labels.component) this.components.add(p.labels.component);
    };
    for (const p of this.systemPods.all()) noteComponent(p);
    this.systemPods.onChange((c) => noteComponent(c.object));
  }

  /**
   * The `component` labels of every mirror pod seen in kube-system since the cache started (kube-apiserver,
   * etcd …): a control-plane component once seen stays expected, even while its mirror pod is re-created.
   */
  get staticPodComponents(): ReadonlySet<string> {
    return this.components;
  }

  private get parts(): ObjectCache<unknown>[] {
    return [
      this.nodes,
      this.pdbs,
      ...WORKLOAD_KINDS.map((k) => this.workloads[k]),
      this.systemPods,
    ] as ObjectCache<unknown>[];
  }

  /** One line per cache that may be behind the cluster (its last read failed): `nodes: re-list failed: …`. */
  staleness(): string[] {
    return this.parts.filter((p) => p.staleReason).map((p) => `${p.what}: ${p.staleReason}`);
  }

  workload(kind: WorkloadKind, namespace: string, name: string): WorkloadView | undefined {
    return this.workloads[kind].get(workloadKey(kind, namespace, name));
  }

  /** A Deployment, ReplicaSet, StatefulSet or DaemonSet by metadata.uid. */
  workloadByUid(uid: string): WorkloadView | undefined {
    for (const kind of WORKLOAD_KINDS) {
      const w = this.workloads[kind].byUid(uid);
      if (w) return w;
    }
    return undefined;
  }

  allWorkloads(): WorkloadView[] {
    return WORKLOAD_KINDS.flatMap((k) => this.workloads[k].all());
  }

  /** Calls `listener` after a change in any of the caches, or in whether one is behind. Returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    const offs = this.parts.flatMap((p) => [p.onChange(() => listener()), p.onStaleChange(listener)]);
    return () => offs.forEach((off) => off());
  }

  /** Like ObjectCache.waitFor, over every cache: evaluated now and after each change, never by polling. */
  waitFor<R>(predicate: () => R | Pending, opts: WaitOptions): Promise<R> {
    return waitForChange(this.waitSource(), predicate, opts);
  }

  /** Resolves with the node once `pred` holds for it (e.g. Ready at the target kubelet version). */
  waitForNode(name: string, pred: (n: NodeInfo) => boolean, opts: NodeWaitOptions): Promise<NodeInfo> {
    return waitForChange(
      this.nodes.waitSource(),
      () => {
        const n = this.nodes.get(name);
        return n && pred(n) ? n : undefined;
      },
      {
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        what: opts.what ?? `node ${name}`,
        describe: () => describeNode(name, this.nodes.get(name)),
      },
    );
  }

  /** Stops every watch; pending waits reject with CacheStoppedError. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const p of this.parts) p.stop();
    for (const l of [...this.stopListeners]) l();
    this.stopListeners.clear();
  }

  private waitSource(): WaitSource {
    return {
      subscribe: (l) => this.onChange(l),
      onStop: (l) => {
        this.stopListeners.add(l);
        return () => this.stopListeners.delete(l);
      },
      isStopped: () => this.stopped,
      describe: () => this.parts.map((p) => `${p.size} ${p.what}`).join(', ') + ' cached',
      staleReason: () => this.staleness().join('; ') || undefined,
    };
  }
}

/** `node blue-1: NotReady (KubeletNotReady: …), kubelet v1.30.6, cordoned`. */
export function describeNode(name: string, n: NodeInfo | undefined): string {
  if (!n) return `node ${name} is not in the cluster`;
  const ready = n.ready ? 'Ready' : `NotReady${n.readyReason ? ` (${n.readyReason})` : ''}`;
  return `node ${name}: ${ready}, kubelet ${n.kubeletVersion || 'unknown'}${n.unschedulable ? ', cordoned' : ''}`;
}

/**
 * Lists and starts watching nodes, PodDisruptionBudgets, workloads and kube-system pods; resolves once every
 * first list is in. Fails (stopping whatever started) when one of those lists fails.
 */
export async function startClusterCache(client: WatchClient, opts: WatchCacheOptions = {}): Promise<ClusterCache> {
  const workloads = {} as Record<WorkloadKind, WatchCache<WorkloadView>>;
  for (const kind of WORKLOAD_KINDS) {
    const { path, what } = WORKLOAD_PATHS[kind];
    workloads[kind] = new WatchCache<WorkloadView>(
      client,
      {
        what,
        path,
        map: (w: never) => toWorkloadView(kind, w),
        key: (w) => workloadKey(w.kind, w.namespace, w.name),
        uid: (w) => w.uid,
      },
      opts,
    );
  }
  const nodes = new WatchCache<NodeInfo>(
    client,
    { what: 'nodes', path: '/api/v1/nodes', map: (n: never) => toNodeInfo(n), key: (n) => n.name, uid: (n) => n.uid },
    opts,
  );
  const pdbs = new WatchCache<PdbInfo>(
    client,
    {
      what: 'PodDisruptionBudgets',
      path: '/apis/policy/v1/poddisruptionbudgets',
      map: (p: never) => toPdbInfo(p),
      key: nsKey,
    },
    opts,
  );
  const systemPods = new WatchCache<PodInfo>(
    client,
    {
      what: 'kube-system pods',
      path: '/api/v1/namespaces/kube-system/pods',
      map: (p: never) => toPodInfo(p),
      key: nsKey,
      uid: (p) => p.uid,
    },
    opts,
  );
  const cache = new ClusterCache({ nodes, pdbs, workloads, systemPods });
  try {
    await Promise.all([nodes, pdbs, systemPods, ...Object.values(workloads)].map((c) => c.ready()));
  } catch (e) {
    cache.stop();
    throw e;
  }
  return cache;
}
