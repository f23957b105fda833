/**
 * The sandbox's control loops: what kube-controller-manager, kube-scheduler and the kubelets would do to the
 * objects in the store. `startControllers` subscribes to the store (listeners only queue keys; work runs on
 * setImmediate batches), does one initial pass over what is already stored (so `buildCluster` may run before
 * or after it), and returns the handle the node side uses to restart kubelets and static pods. `suspend()` and
 * `resume()` stop every loop and start fresh ones with empty caches (an etcd restore: components restart so
 * nothing acts on stale cached state); kubelet restarts in progress carry over, as they live on the machines.
 *
 * Must not: import anything outside src/sandbox/ or write to the store from inside a store listener.
 */
import type { SandboxCluster } from '../cluster.js';
import type { ObjectStore } from '../store/object-store.js';
import { controllerOf } from '../store/types.js';
import { upgradeAddons } from './addons.js';
import { DaemonSetController } from './daemonset.js';
import { DeploymentController } from './deployment.js';
import { DisruptionController, POD_LABEL_INDEX, podLabelKeys } from './disruption.js';
import { EndpointsController, ensureEndpointIndexes } from './endpoints.js';
import { EventPruner } from './events.js';
import { ensureServiceIndexes } from '../api/services.js';
import { GarbageCollector } from './gc.js';
import { Kubelet } from './kubelet.js';
import { MirrorPods, type StaticComponent } from './mirror-pods.js';
import { NodeAgent } from './node-agent.js';
import { NodeCache } from './node-cache.js';
import { NodeLifecycle } from './node-lifecycle.js';
import type { ErrorReporter } from './queue.js';
import { ReplicaSetController } from './replicaset.js';
import { Scheduler } from './scheduler.js';
import { StatefulSetController } from './statefulset.js';
import { Ctx } from './util.js';

export interface Controllers {
  stop(): void;
  /** Simulated kubelet restart after an upgrade: NotReady for timings.kubeletRestartMs, then Ready at `version` (unless the node-never-ready fault holds). */
  restartKubelet(node: string, version: string): void;
  /** kubeadm replacing one static pod: new image, NotReady for timings.staticPodRestartMs; resolves when Ready again. */
  restartStaticPod(node: string, component: StaticComponent, version: string): Promise<void>;
  /** kubeadm's addon phase: kube-proxy (and CoreDNS) images for `version`; the controllers roll the pods. */
  upgradeAddons(version: string): void;
  /** Stops every loop (kube-controller-manager, scheduler and kubelets lose the apiserver); node-side calls throw until resume(). */
  suspend(): void;
  /** Starts fresh loops that resync from the store, and re-arms the kubelet restarts that were in progress. */
  resume(): void;
}

export interface ControllerOptions {
  /** Where controller errors go (default: one console.error line each, at most 20). */
  onError?: ErrorReporter;
}

/** Secondary indexes the controllers need besides the ones SandboxCluster registers. Idempotent. */
export function ensureIndexes(store: ObjectStore): void {
  if (!store.hasIndex('apps/replicasets', 'owner'))
    store.addIndex('apps/replicasets', 'owner', (o) => controllerOf(o)?.uid);
  if (!store.hasIndex('policy/poddisruptionbudgets', 'namespace'))
    store.addIndex('policy/poddisruptionbudgets', 'namespace', (o) => o.metadata.namespace);
  if (!store.hasIndex('pods', POD_LABEL_INDEX)) store.addIndex('pods', POD_LABEL_INDEX, podLabelKeys);
  ensureServiceIndexes(store);
  ensureEndpointIndexes(store);
}

function defaultReporter(): ErrorReporter {
  let n = 0;
  return (controller, key, err) => {
    if (n++ >= 20) return;
    console.error(`sandbox ${controller} controller: ${key}: ${err instanceof Error ? err.message : String(err)}`);
  };
}

interface ControllerSet {
  stop(): void;
  agent: NodeAgent;
  mirrors: MirrorPods;
}

function bootControllers(cluster: SandboxCluster, report: ErrorReporter): ControllerSet {
  const store = cluster.store;
  ensureIndexes(store);
  const ctx = new Ctx(cluster, report);
  const nodes = new NodeCache();
  nodes.load(store);
  const kubelet = new Kubelet(ctx, nodes);
  const scheduler = new Scheduler(ctx, nodes);
  const lifecycle = new NodeLifecycle(ctx);
  const agent = new NodeAgent(ctx, nodes, kubelet);
  const mirrors = new MirrorPods(ctx, nodes, kubelet);
  const replicaSets = new ReplicaSetController(ctx);
  const deployments = new DeploymentController(ctx);
  const statefulSets = new StatefulSetController(ctx);
  const daemonSets = new DaemonSetController(ctx, nodes);
  const disruption = new DisruptionController(ctx);
  const gc = new GarbageCollector(ctx);
  const endpoints = new EndpointsController(ctx);
  const pruner = new EventPruner(store, report);
  const all = [
    kubelet,
    scheduler,
    lifecycle,
    mirrors,
    replicaSets,
    deployments,
    statefulSets,
    daemonSets,
    disruption,
    gc,
    endpoints,
    pruner,
  ];

  const unsubscribe = store.subscribe((ev) => {
    nodes.onEvent(ev);
    for (const c of all) c.onEvent(ev);
  });

  const pods = store.list('pods');
  lifecycle.resync(nodes.all());
  kubelet.resync(pods);
  scheduler.resync(pods);
  mirrors.resync();
  replicaSets.resync();
  deployments.resync();
  statefulSets.resync();
  daemonSets.resync();
  disruption.resync();
  endpoints.resync();
  pruner.resync();
  agent.start();

  return {
    agent,
    mirrors,
    stop() {
      unsubscribe();
      ctx.stop();
      agent.stop();
      for (const c of all) c.stop();
    },
  };
}

export function startControllers(cluster: SandboxCluster, opts: ControllerOptions = {}): Controllers {
  const report = opts.onError ?? defaultReporter();
  let pendingRestarts: [string, string][] = [];
  let current: ControllerSet | undefined = bootControllers(cluster, report);
  let stopped = false;
  const live = (): ControllerSet => {
    if (!current) throw new Error('the sandbox controllers are suspended (an etcd restore is in progress)');
    return current;
  };
  return {
    stop() {
      stopped = true;
      current?.stop();
      current = undefined;
    },
    restartKubelet: (node, version) => live().agent.restartKubelet(node, version),
    restartStaticPod: (node, component, version) => live().mirrors.restartStaticPod(node, component, version),
    upgradeAddons: (version) => upgradeAddons(cluster.store, version),
    suspend() {
      if (!current) return;
      pendingRestarts = current.agent.pendingRestarts();
      current.stop();
      current = undefined;
    },
    resume() {
      if (current || stopped) return;
      current = bootControllers(cluster, report);
      for (const [node, version] of pendingRestarts) current.agent.restartKubelet(node, version);
      pendingRestarts = [];
    },
  };
}

export type { StaticComponent } from './mirror-pods.js';
