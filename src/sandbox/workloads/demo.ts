/**
 * The `demo` workload: a small shop whose drains exercise everything an upgrade meets — Deployments with
 * PDBs (minAvailable and maxUnavailable, as counts and percentages), a StatefulSet with a PDB, a DaemonSet
 * agent, a single-replica Deployment without a PDB, a bare pod, a pod with an emptyDir, and a PDB that can
 * never allow a disruption. Sizes: ≈13.3 cpu of requests (+100m of DaemonSets per node), so the default six
 * 4-cpu workers absorb one drained node (19.5 cpu left) but not three (11.7 cpu left). The controllers and
 * the scheduler create and place the pods, as in a real cluster. Every replicated app has a Service (port 80 to
 * 8080; redis a headless one on 6379, its StatefulSet's serviceName), so endpoints can be watched through drains.
 */
import type { SandboxCluster } from '../cluster.js';
import type { KObject } from '../store/types.js';
import { barePod, daemonSet, deployment, pdb, service, statefulSet, TOLERATE_ALL } from './objects.js';
import { createService } from './services.js';
import { buildNamespaces } from './system.js';

export const DEMO_NAMESPACES = ['shop', 'payments', 'monitoring'];

export function demoObjects(): { resource: string; obj: KObject }[] {
  const out: { resource: string; obj: KObject }[] = [];
  const add = (resource: string, obj: KObject) => out.push({ resource, obj });
  const app = (
    ns: string,
    name: string,
    replicas: number,
    image: string,
    cpu: string,
    memory: string,
    budget?: { minAvailable: number | string } | { maxUnavailable: number | string },
    emptyDir = false,
  ) => {
    add('apps/deployments', deployment(ns, name, replicas, { image, cpu, memory, emptyDir }));
    add('services', service(ns, name, { app: name }, [{ name: 'http', port: 80, targetPort: 8080 }]));
    if (budget) add('policy/poddisruptionbudgets', pdb(ns, name, { app: name }, budget));
  };

  // shop: minAvailable as a percentage, maxUnavailable as a count, an emptyDir cache, a StatefulSet.
  app('shop', 'frontend', 5, 'registry.example.com/shop/frontend:2.3.1', '500m', '256Mi', { minAvailable: '60%' });
  app('shop', 'cart', 3, 'registry.example.com/shop/cart:1.4.2', '750m', '512Mi', { maxUnavailable: 1 });
  app(
    'shop',
    'catalog',
    3,
    'registry.example.com/shop/catalog:3.0.0',
    '500m',
    '256Mi',
    { maxUnavailable: '50%' },
    true,
  );
  add(
    'apps/statefulsets',
    statefulSet('shop', 'redis', 3, { image: 'registry.example.com/library/redis:7.2.5', cpu: '500m', memory: '1Gi' }),
  );
  add('policy/poddisruptionbudgets', pdb('shop', 'redis', { app: 'redis' }, { minAvailable: 2 }));
  add('services', service('shop', 'redis', { app: 'redis' }, [{ name: 'redis', port: 6379 }], true));

  // payments: maxUnavailable as a percentage, a budget that never allows a disruption, a lone replica.
  app('payments', 'api', 3, 'registry.example.com/payments/api:5.1.0', '750m', '512Mi', { maxUnavailable: '25%' });
  app('payments', 'ledger', 2, 'registry.example.com/payments/ledger:1.9.3', '750m', '512Mi', { minAvailable: 2 });
  app('payments', 'fraud-check', 1, 'registry.example.com/payments/fraud-check:0.8.0', '500m', '256Mi');

  // monitoring: minAvailable as a percentage of 2, and a node agent on every node.
  app('monitoring', 'grafana', 2, 'registry.example.com/monitoring/grafana:11.2.0', '500m', '256Mi', {
    minAvailable: '50%',
  });
  add(
    'apps/daemonsets',
    daemonSet('monitoring', 'node-exporter', {
      image: 'quay.io/prometheus/node-exporter:v1.8.2',
      cpu: '50m',
      memory: '64Mi',
      hostNetwork: true,
      tolerations: TOLERATE_ALL,
    }),
  );

  // default: a pod nobody manages (drain needs --force for it).
  add(
    'pods',
    barePod('default', 'debug-toolbox', {
      image: 'registry.example.com/tools/toolbox:1.0',
      cpu: '100m',
      memory: '64Mi',
    }),
  );
  return out;
}

export function buildDemo(cluster: SandboxCluster): void {
  buildNamespaces(cluster, DEMO_NAMESPACES);
  for (const { resource, obj } of demoObjects()) {
    if (resource === 'services') createService(cluster, obj);
    else cluster.store.create(resource, obj);
  }
}

/**
 * What an operator does after reading the demo's first plan, so that the second plan is safe: give the
 * ledger a third replica (its PDB wants 2 of 2), give fraud-check a second replica and a PDB (one replica
 * means downtime on every drain), and delete the forgotten debug pod. The emptyDir cache is accepted by
 * planning with --delete-emptydir-data. Returns what was done, for the demo to print.
 */
export function remediateDemo(cluster: SandboxCluster): string[] {
  const done: string[] = [];
  const scale = (ns: string, name: string, replicas: number) => {
    cluster.store.mutate('apps/deployments', ns, name, (d) => {
      d.spec.replicas = replicas;
      d.metadata.generation = (d.metadata.generation ?? 1) + 1;
    });
    done.push(`kubectl -n ${ns} scale deployment ${name} --replicas=${replicas}`);
  };
  scale('payments', 'ledger', 3);
  scale('payments', 'fraud-check', 2);
  cluster.store.create(
    'policy/poddisruptionbudgets',
    pdb('payments', 'fraud-check', { app: 'fraud-check' }, { maxUnavailable: 1 }),
  );
  done.push(
    'kubectl -n payments create poddisruptionbudget fraud-check --selector app=fraud-check --max-unavailable 1',
  );
  if (cluster.store.get('pods', 'default', 'debug-toolbox')) {
    cluster.store.remove('pods', 'default', 'debug-toolbox');
    done.push('kubectl -n default delete pod debug-toolbox');
  }
  return done;
}
