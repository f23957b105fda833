/**
 * The `scale` workload: about `podsPerNode` Deployment pods per worker (5–15 replicas each, 50m/64Mi) over
 * up to 50 namespaces `team-01…`, a PDB on every third Deployment (alternating maxUnavailable 1 and
 * minAvailable 50%), a Service per Deployment (with its EndpointSlice and Endpoints), plus the DaemonSet pods.
 * Everything is created already bound and Ready (see
 * Prebuilder), placed round-robin so every worker carries about the same load. With `budgetEveryDeployment` (a
 * sandbox fleet's clusters) every Deployment has a PDB and at least 2 replicas (a short tail joins the last one).
 */
import type { SandboxCluster } from '../cluster.js';
import type { KObject } from '../store/types.js';
import { deployment, pdb, service } from './objects.js';
import type { Prebuilder } from './prebuilt.js';
import { buildNamespaces } from './system.js';

export function buildScale(
  cluster: SandboxCluster,
  nodes: KObject[],
  pre: Prebuilder,
  podsPerNode: number,
  budgetEveryDeployment = false,
): void {
  const workers = nodes
    .filter((n) => cluster.machines.get(n.metadata.name)?.role === 'worker')
    .map((n) => n.metadata.name);
  if (workers.length === 0) return;
  const total = workers.length * Math.max(0, podsPerNode);
  const nsCount = Math.max(1, Math.min(50, Math.ceil(total / 200)));
  const namespaces = Array.from({ length: nsCount }, (_, i) => `team-${String(i + 1).padStart(2, '0')}`);
  buildNamespaces(cluster, namespaces);
  const budgets: KObject[] = [];
  let placed = 0;
  let cursor = 0;
  for (let i = 0; placed < total; i++) {
    let replicas = Math.min(5 + (i % 11), total - placed);
    if (budgetEveryDeployment && total - placed - replicas < 2) replicas = total - placed;
    const ns = namespaces[i % nsCount];
    const name = `app-${String(i).padStart(5, '0')}`;
    const d = deployment(ns, name, replicas, {
      image: `registry.example.com/team/app-${i % 40}:1.${i % 7}.0`,
      cpu: '50m',
      memory: '64Mi',
    });
    const placement: string[] = [];
    for (let r = 0; r < replicas; r++) placement.push(workers[cursor++ % workers.length]);
    pre.deployment(d, placement);
    pre.service(service(ns, name, { app: name }, [{ name: 'http', port: 80, targetPort: 8080 }]));
    if ((budgetEveryDeployment || i % 3 === 0) && replicas >= 2)
      budgets.push(pdb(ns, name, { app: name }, i % 6 === 0 ? { maxUnavailable: 1 } : { minAvailable: '50%' }));
    placed += replicas;
  }
  pre.pdbs(budgets);
}
