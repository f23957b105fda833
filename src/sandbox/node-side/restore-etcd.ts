/**
 * What an operator does on a kubeadm control-plane node to restore etcd from a snapshot, for the sandbox:
 * stop the kube-apiservers (the API answers 503 and every watch ends; the admin API keeps working), stop the
 * controllers and kubelets' API work, stop etcd, `etcdctl snapshot restore` into a new data dir, start etcd
 * there, reload the serving cache from etcd (resourceVersions jump above every earlier one and history is
 * dropped, so watches from before the restore get 410 Expired), let the kubelets re-post what the machines
 * really run (restores do not rewind machines), restart the controllers with empty caches, and restart the
 * apiservers.
 *
 * The sandbox has ONE etcd member, on the first control-plane node. A restore session is a run of calls with
 * the same snapshot file (same path, size and mtime): the first call restores the member, whichever
 * control-plane node it names; later calls for other control-plane nodes answer success without restoring
 * again (the message says so); such calls made while the restore runs wait for it. A call for a node already
 * covered by the session starts a new session.
 */
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { SandboxCluster } from '../cluster.js';
import type { Controllers } from '../controllers/index.js';
import { staticPodImage, STATIC_COMPONENTS } from '../controllers/mirror-pods.js';
import { kubeProxyVersionFor } from '../controllers/node-agent.js';
import { now, withCondition } from '../controllers/util.js';
import { snapshotStatus } from '../etcd-backend/process.js';
import { busyNodes, isRestoring, setRestoring } from './busy.js';
import { NodeSideError } from './upgrade.js';

export interface RestoreEtcdResult {
  node: string;
  snapshot: string;
  /** The etcd member restored (the sandbox's only one). */
  member: string;
  /** False when this call found the member already restored from this snapshot in the current session. */
  restored: boolean;
  /** The snapshot's etcd revision and key count (etcdctl snapshot status). */
  revision: number;
  keys: number;
  /** Objects the API serves after the restore. */
  objects: number;
  dataDir: string;
  message: string;
}

interface Session {
  fingerprint: string;
  nodes: Set<string>;
  result: RestoreEtcdResult;
}

const sessions = new WeakMap<SandboxCluster, Session>();
/** The restore running now: calls for other control-plane nodes with the same snapshot wait for it. */
const running = new WeakMap<SandboxCluster, { fingerprint: string; done: Promise<RestoreEtcdResult> }>();

export async function restoreEtcd(
  cluster: SandboxCluster,
  controllers: Controllers,
  dropWatches: () => void,
  node: string,
  snapshot: string,
): Promise<RestoreEtcdResult> {
  const etcd = cluster.etcd;
  if (!etcd)
    throw new NodeSideError(
      409,
      'this sandbox runs without etcd (its objects live only in memory), so there is nothing to restore: start it with `k8s-upgrade sandbox up --etcd`',
    );
  const m = cluster.machines.get(node);
  if (!m)
    throw new NodeSideError(
      404,
      `no such node: ${node} (sandbox machines: ${[...cluster.machines.keys()].join(', ')})`,
    );
  if (m.role !== 'control-plane')
    throw new NodeSideError(
      422,
      `${node} is a worker: etcd runs on the control-plane nodes (${cluster
        .controlPlaneMachines()
        .map((x) => x.name)
        .join(', ')})`,
    );
  if (!isAbsolute(snapshot))
    throw new NodeSideError(
      422,
      `the snapshot path must be absolute (the node side does not know your working directory): ${snapshot}`,
    );
  let fingerprint: string;
  try {
    const st = statSync(snapshot);
    if (!st.isFile()) throw new Error('not a regular file');
    fingerprint = `${snapshot}|${st.size}|${st.mtimeMs}`;
  } catch (e) {
    throw new NodeSideError(422, `snapshot ${snapshot} cannot be read: ${(e as Error).message}`);
  }
  for (let active = running.get(cluster); active; active = running.get(cluster)) {
    if (active.fingerprint !== fingerprint)
      throw new NodeSideError(409, 'an etcd restore from another snapshot is running; wait for it to finish');
    await active.done.catch(() => undefined);
  }
  if (isRestoring(cluster)) throw new NodeSideError(409, 'an etcd restore is running; wait for it to finish');

  const session = sessions.get(cluster);
  const member = etcd.info().member;
  if (session && session.fingerprint === fingerprint && !session.nodes.has(node)) {
    session.nodes.add(node);
    return {
      ...session.result,
      node,
      restored: false,
      objects: countObjects(cluster),
      message: `the sandbox has a single etcd member (${member}); it was already restored from ${snapshot} by the call for ${[...session.nodes][0]}, so there is nothing more to do on ${node}`,
    };
  }
  const busy = [...busyNodes(cluster)];
  if (busy.length > 0)
    throw new NodeSideError(
      409,
      `node-side operations are running on ${busy.join(', ')}; restore etcd once they are done`,
    );

  // Registered before the first await, so concurrent calls for the other control-plane nodes wait for this one.
  const done = (async () => {
    let status;
    try {
      status = await snapshotStatus(snapshot);
    } catch (e) {
      throw new NodeSideError(422, `${snapshot} is not a usable etcd snapshot: ${(e as Error).message}`);
    }
    return restoreMember(cluster, controllers, dropWatches, node, snapshot, status);
  })();
  running.set(cluster, { fingerprint, done });
  try {
    const result = await done;
    sessions.set(cluster, { fingerprint, nodes: new Set([node]), result });
    return result;
  } finally {
    running.delete(cluster);
  }
}

async function restoreMember(
  cluster: SandboxCluster,
  controllers: Controllers,
  dropWatches: () => void,
  node: string,
  snapshot: string,
  status: { revision: number; totalKey: number },
): Promise<RestoreEtcdResult> {
  const etcd = cluster.etcd!;
  const member = etcd.info().member;
  setRestoring(cluster, true);
  cluster.apiserverStopped = `restoring etcd from ${snapshot}`;
  dropWatches();
  controllers.suspend();
  try {
    try {
      await etcd.restore(snapshot);
    } catch (e) {
      throw new NodeSideError(
        500,
        `etcd restore from ${snapshot} failed; etcd runs again on its previous data: ${(e as Error).message}`,
      );
    }
    let objects;
    try {
      objects = await etcd.load();
    } catch (e) {
      throw new NodeSideError(
        500,
        `etcd was restored from ${snapshot} but could not be read back: ${(e as Error).message}`,
      );
    }
    cluster.store.reload(objects);
    cluster.customResources.resync();
    repostMachineState(cluster);
  } finally {
    etcd.resumeWrites();
    controllers.resume();
    cluster.apiserverStopped = undefined;
    setRestoring(cluster, false);
  }
  const info = etcd.info();
  const result: RestoreEtcdResult = {
    node,
    snapshot,
    member,
    restored: true,
    revision: status.revision,
    keys: status.totalKey,
    objects: countObjects(cluster),
    dataDir: info.dataDir,
    message: `restored the sandbox's etcd member ${member} from ${snapshot} (revision ${status.revision}, ${status.totalKey} keys) into ${info.dataDir}; the apiserver serves the restored objects again`,
  };
  return result;
}

function countObjects(cluster: SandboxCluster): number {
  return [
    'namespaces',
    'nodes',
    'pods',
    'apps/deployments',
    'apps/replicasets',
    'apps/daemonsets',
    'apps/statefulsets',
  ].reduce((n, r) => n + cluster.store.count(r), 0);
}

/**
 * What the kubelets do once the apiserver is back: a machine's installed versions are not rewound by a
 * restore, so each running kubelet re-posts its real version and Ready, and a mirror pod whose image no
 * longer matches the manifest on disk is replaced (the mirror-pod controller recreates it).
 */
function repostMachineState(cluster: SandboxCluster): void {
  const store = cluster.store;
  const t = now();
  for (const m of cluster.machines.values()) {
    if (m.kubelet === 'running') {
      store.mutate('nodes', undefined, m.name, (d) => {
        d.status = d.status ?? {};
        d.status.nodeInfo = {
          ...d.status.nodeInfo,
          kubeletVersion: m.kubeletVersion,
          kubeProxyVersion: kubeProxyVersionFor(m.kubeletVersion),
        };
        d.status.conditions = withCondition(
          d.status.conditions,
          {
            type: 'Ready',
            status: 'True',
            lastHeartbeatTime: t,
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
          },
          t,
        );
      });
    }
    if (m.role !== 'control-plane' || !m.controlPlaneVersion) continue;
    for (const c of STATIC_COMPONENTS) {
      const pod = store.get('pods', 'kube-system', `${c}-${m.name}`);
      if (pod && pod.spec?.containers?.[0]?.image !== staticPodImage(c, m.controlPlaneVersion))
        store.remove('pods', 'kube-system', pod.metadata.name);
    }
  }
}
