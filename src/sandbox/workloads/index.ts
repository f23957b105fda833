/**
 * Builds the cluster `cluster.options` asks for: system namespaces, machines + Nodes + node Leases,
 * kube-system (mirror pods, kube-proxy, CoreDNS + PDB, kubeadm ConfigMaps), then the workload (`demo`, `scale`
 * or `none`). Call it once on a fresh SandboxCluster, normally before `startControllers` (which then adopts
 * what exists in its first pass); calling it after works too, the controllers react to the new objects.
 * `demo` leaves pod creation and placement to the controllers and the scheduler; `scale` creates everything
 * already running so that 5,000 nodes / 100,000 pods come up in seconds.
 *
 * Must not: import anything outside src/sandbox/.
 */
import { seededRandom } from '../clock.js';
import type { SandboxCluster } from '../cluster.js';
import { ensureIndexes } from '../controllers/index.js';
import { buildDemo } from './demo.js';
import { buildNodes } from './nodes.js';
import { Prebuilder } from './prebuilt.js';
import { buildScale } from './scale.js';
import { buildNamespaces, buildSystem, SYSTEM_NAMESPACES } from './system.js';

export function buildCluster(cluster: SandboxCluster): void {
  ensureIndexes(cluster.store);
  const random = seededRandom(cluster.options.seed * 31 + 101);
  buildNamespaces(cluster, SYSTEM_NAMESPACES);
  const nodes = buildNodes(cluster, random);
  const w = cluster.options.workload;
  const pre = w.kind === 'scale' ? new Prebuilder(cluster, nodes) : undefined;
  buildSystem(cluster, nodes, pre);
  if (w.kind === 'demo') buildDemo(cluster);
  if (w.kind === 'scale' && pre) buildScale(cluster, nodes, pre, w.podsPerNode, w.budgetEveryDeployment);
}

export { kubeSystemUid } from './system.js';
export { DEMO_NAMESPACES, remediateDemo } from './demo.js';
