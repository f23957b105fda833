/** A hand-filled ClusterCache for the health gates: a control plane, workers, a Deployment with its budget. */
import {
  ClusterCache,
  memoryCacheParts,
  type PodInfo,
  type WorkloadView,
  type OwnerRef,
} from '../../../src/cluster/index.js';
import { node, pdb, pod } from './fixtures.js';

export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];

export const mirrorPod = (component: string, nodeName: string, ready = true): PodInfo =>
  pod('kube-system', `${component}-${nodeName}`, nodeName, {
    mirror: true,
    ready,
    labels: { component, tier: 'control-plane' },
  });

export const workload = (
  o: Partial<WorkloadView> & Pick<WorkloadView, 'kind' | 'namespace' | 'name'>,
): WorkloadView => ({
  uid: `${o.kind}-${o.namespace}-${o.name}`,
  replicas: 3,
  readyReplicas: 3,
  availableReplicas: 3,
  updatedReplicas: 3,
  images: [],
  podLabels: { app: o.name },
  current: true,
  ...o,
});

export const ref = (w: WorkloadView): OwnerRef => ({ kind: w.kind, name: w.name, uid: w.uid, apiVersion: 'apps/v1' });

/** cp-1 (with its four mirror pods), blue-1, blue-2; Deployment shop/web (3/3) with ReplicaSet web-abc and PDB web (2/2 healthy). */
export function healthyCache(): { cache: ClusterCache; web: WorkloadView; webRs: WorkloadView } {
  const parts = memoryCacheParts();
  parts.nodes.set(node('cp-1', { controlPlane: true }));
  parts.nodes.set(node('blue-1'));
  parts.nodes.set(node('blue-2'));
  for (const c of COMPONENTS) parts.systemPods.set(mirrorPod(c, 'cp-1'));
  const web = workload({ kind: 'Deployment', namespace: 'shop', name: 'web' });
  const webRs = workload({
    kind: 'ReplicaSet',
    namespace: 'shop',
    name: 'web-abc',
    owner: { kind: 'Deployment', name: 'web', uid: web.uid, apiVersion: 'apps/v1' },
  });
  parts.workloads.Deployment.set(web);
  parts.workloads.ReplicaSet.set(webRs);
  parts.pdbs.set(pdb('shop', 'web', { app: 'web' }, { currentHealthy: 3, desiredHealthy: 2 }));
  return { cache: new ClusterCache(parts), web, webRs };
}
