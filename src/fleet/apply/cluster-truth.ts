/**
 * A cluster's truth, read from the cluster itself: its run-state mirror (done? which node and step in flight?),
 * its nodes' kubelet versions and readiness, and its control-plane static pods. A resume after kill -9 rebuilds
 * the fleet state from this, so a cluster finished by someone else counts as done; the soak re-checks it.
 */
import { connect, type AccessOptions } from '../../cluster/index.js';
import type { RunState } from '../../upgrade/run/index.js';
import type { ClusterProgress } from '../state/index.js';
import { readClusterRunMirror } from './cluster-mirror.js';

export interface ClusterTruth {
  /** The mirror says this plan's run finished. */
  mirrorDone: boolean;
  mirrorStatus?: RunState['status'];
  /** Nodes Ready at the target, and all nodes. */
  nodesAtTarget: number;
  nodesTotal: number;
  /** Nodes that are not Ready, or not at the target (names). */
  lagging: string[];
  /** Control-plane static pods that are not Ready (`namespace/name`). */
  unhealthyControlPlane: string[];
  progress: ClusterProgress;
}

/** What `readClusterTruth` needs of a cluster's plan. */
export interface TruthPlan {
  name: string;
  contentHash: string;
  to: string;
}

export async function readClusterTruth(access: AccessOptions, plan: TruthPlan): Promise<ClusterTruth> {
  const client = connect(access);
  try {
    const [mirror, nodes, pods] = await Promise.all([
      readClusterRunMirror(client, plan),
      client.listNodes(),
      client.listPods({ namespace: 'kube-system', labelSelector: 'tier=control-plane' }),
    ]);
    const atTarget = nodes.filter((n) => n.ready && n.kubeletVersion === plan.to);
    const inFlight = mirror?.phases
      .flatMap((p) => p.nodes)
      .find((n) => n.status === 'in-progress' || n.status === 'paused');
    const progress: ClusterProgress = {
      nodesDone: atTarget.length,
      nodesTotal: nodes.length,
      ...(inFlight ? { node: inFlight.node, ...(inFlight.step ? { step: inFlight.step } : {}) } : {}),
    };
    return {
      mirrorDone: mirror?.status === 'done',
      ...(mirror ? { mirrorStatus: mirror.status } : {}),
      nodesAtTarget: atTarget.length,
      nodesTotal: nodes.length,
      lagging: nodes.filter((n) => !atTarget.includes(n)).map((n) => n.name),
      unhealthyControlPlane: pods.filter((p) => !p.ready || p.terminating).map((p) => `${p.namespace}/${p.name}`),
      progress,
    };
  } finally {
    client.close();
  }
}

/** Why a done cluster no longer looks done (a soak regression), or undefined when it is healthy at the target. */
export function regressionOf(t: ClusterTruth): string | undefined {
  const why: string[] = [];
  if (t.lagging.length > 0) why.push(`node(s) not Ready at the target: ${t.lagging.slice(0, 5).join(', ')}`);
  if (t.unhealthyControlPlane.length > 0)
    why.push(`control-plane pod(s) not Ready: ${t.unhealthyControlPlane.slice(0, 5).join(', ')}`);
  if (!t.mirrorDone) why.push(`its run state is ${t.mirrorStatus ?? 'missing'}, not done`);
  return why.length > 0 ? why.join('; ') : undefined;
}
