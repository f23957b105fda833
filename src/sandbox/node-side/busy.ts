/**
 * Which sandbox machines have a node-side operation (upgrade, downgrade) running, so two never overlap on one
 * machine and an etcd restore waits for none to be running.
 */
import type { SandboxCluster } from '../cluster.js';

const inProgress = new WeakMap<SandboxCluster, Set<string>>();
const restoring = new WeakSet<SandboxCluster>();

/** Marks an etcd restore as running: node-side operations are refused meanwhile. */
export function setRestoring(cluster: SandboxCluster, on: boolean): void {
  if (on) restoring.add(cluster);
  else restoring.delete(cluster);
}

export function isRestoring(cluster: SandboxCluster): boolean {
  return restoring.has(cluster);
}

export function busyNodes(cluster: SandboxCluster): Set<string> {
  let busy = inProgress.get(cluster);
  if (!busy) {
    busy = new Set<string>();
    inProgress.set(cluster, busy);
  }
  return busy;
}

/** Runs `fn` holding `node`'s lock; `onBusy` builds the error thrown when the node is locked or a restore runs. */
export async function withNodeLock<T>(
  cluster: SandboxCluster,
  node: string,
  onBusy: (reason: string) => Error,
  fn: () => Promise<T>,
): Promise<T> {
  const busy = busyNodes(cluster);
  if (restoring.has(cluster)) throw onBusy(`an etcd restore is running; retry once it is done`);
  if (busy.has(node)) throw onBusy(`another upgrade or downgrade is already running on ${node}`);
  busy.add(node);
  try {
    return await fn();
  } finally {
    busy.delete(node);
  }
}
