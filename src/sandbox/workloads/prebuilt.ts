/**
 * Materialises workloads as a cluster that has been running for a while: a Deployment with its ReplicaSet
 * and Ready pods already bound to the given nodes, a DaemonSet with a Ready pod on every eligible node, PDBs
 * with their status — all built with the controllers' own naming, hashing and status functions, so that the
 * controllers find nothing to change when they start. Used by the `scale` workload (100,000 pods in seconds).
 */
import { randomUUID } from 'node:crypto';
import type { SandboxCluster } from '../cluster.js';
import { daemonSetPod, daemonSetPodSpec, daemonSetStatus, shouldRun } from '../controllers/daemonset.js';
import { deploymentHash, deploymentStatus, REVISION, replicaSetFor } from '../controllers/deployment-util.js';
import { computePdbStatus, DISRUPTED_POD_TIMEOUT_MS, NamespacePods } from '../controllers/disruption.js';
import { defaultPodSpec, newPod, nodeInternalIP, podIpFor, runningStatus } from '../controllers/pods.js';
import { replicaSetStatus } from '../controllers/replicaset.js';
import { controllerRef, now, randomSuffix, uniquePodName } from '../controllers/util.js';
import {
  desiredEndpoints,
  endpointsObject,
  newSlice,
  selectedPods,
  zoneLookup,
} from '../controllers/endpoint-slices.js';
import { planSlices } from '../controllers/endpoints.js';
import { seededRandom } from '../clock.js';
import { createService } from './services.js';
import type { KObject } from '../store/types.js';

export class Prebuilder {
  private readonly ipNext = new Map<string, number>();
  private readonly byName = new Map<string, KObject>();
  private readonly time = now();
  private sliceRandom?: () => number;

  constructor(
    private readonly cluster: SandboxCluster,
    private readonly nodes: KObject[],
  ) {
    for (const n of nodes) this.byName.set(n.metadata.name, n);
  }

  private running(pod: KObject, nodeName: string): KObject {
    const node = this.byName.get(nodeName);
    const hostIP = nodeInternalIP(node);
    let podIP = hostIP;
    if (!pod.spec.hostNetwork) {
      const n = this.ipNext.get(nodeName) ?? 2;
      this.ipNext.set(nodeName, n + 1);
      podIP = podIpFor(node?.spec?.podCIDR, 2 + ((n - 2) % 253));
    }
    pod.metadata.uid = randomUUID();
    pod.status = runningStatus(pod, hostIP, podIP, true, this.time);
    return pod;
  }

  /** Creates `d`, its ReplicaSet and one Ready pod per entry of `placement` (node names). */
  deployment(d: KObject, placement: string[]): void {
    const store = this.cluster.store;
    d.metadata.uid = randomUUID();
    d.metadata.annotations = { ...d.metadata.annotations, [REVISION]: '1' };
    const hash = deploymentHash(d);
    const rs = replicaSetFor(d, hash, placement.length, 1);
    rs.metadata.uid = randomUUID();
    const tpl = rs.spec.template;
    const spec = defaultPodSpec(tpl.spec ?? {});
    const owner = controllerRef(rs, 'apps/v1', 'ReplicaSet');
    const taken = new Set<string>();
    const pods = placement.map((node) => {
      const name = uniquePodName(store, d.metadata.namespace!, rs.metadata.name, this.cluster.random, taken);
      return this.running(
        newPod({
          name,
          namespace: d.metadata.namespace!,
          labels: { ...tpl.metadata.labels },
          owner,
          spec,
          nodeName: node,
        }),
        node,
      );
    });
    rs.status = replicaSetStatus(rs, pods);
    d.status = deploymentStatus(d, rs, [rs]);
    store.create('apps/deployments', d);
    store.create('apps/replicasets', rs);
    for (const p of pods) store.create('pods', p);
  }

  /** Creates `ds` with a Ready pod on every node it should run on. */
  daemonSet(ds: KObject): void {
    const store = this.cluster.store;
    ds.metadata.uid = randomUUID();
    const spec = daemonSetPodSpec(ds);
    const pods: KObject[] = [];
    const taken = new Set<string>();
    for (const node of this.nodes) {
      if (!shouldRun(ds, node).run) continue;
      const name = uniquePodName(store, ds.metadata.namespace!, ds.metadata.name, this.cluster.random, taken);
      pods.push(this.running(daemonSetPod(ds, node.metadata.name, name, spec), node.metadata.name));
    }
    ds.status = daemonSetStatus(ds, this.nodes, pods);
    store.create('apps/daemonsets', ds);
    for (const p of pods) store.create('pods', p);
  }

  /** Creates `svc` (ClusterIP allocated) with the EndpointSlice and Endpoints of the pods it selects (made before). */
  service(svc: KObject): void {
    const store = this.cluster.store;
    svc.metadata.uid = randomUUID();
    const stored = createService(this.cluster, svc);
    const pods = selectedPods(store, stored);
    const random = (this.sliceRandom ??= seededRandom(this.cluster.options.seed * 613 + 29));
    for (const p of planSlices([], desiredEndpoints(stored, pods, zoneLookup(store))).keep) {
      let name: string;
      do name = `${stored.metadata.name.slice(0, 57)}-${randomSuffix(random)}`;
      while (store.get('discovery.k8s.io/endpointslices', stored.metadata.namespace, name));
      store.create('discovery.k8s.io/endpointslices', newSlice(stored, name, p.ports, p.endpoints));
    }
    store.create('endpoints', endpointsObject(stored, pods));
  }

  /** Creates the PDBs with their status (call after the pods they select exist). */
  pdbs(list: KObject[]): void {
    const window = this.cluster.clock.real(DISRUPTED_POD_TIMEOUT_MS);
    const pools = new Map<string, NamespacePods>();
    for (const p of list) {
      const ns = p.metadata.namespace!;
      let pool = pools.get(ns);
      if (!pool) pools.set(ns, (pool = NamespacePods.of(this.cluster.store, ns)));
      p.metadata.generation = 1;
      p.status = computePdbStatus(this.cluster.store, p, window, pool).status;
      this.cluster.store.create('policy/poddisruptionbudgets', p);
    }
  }
}
