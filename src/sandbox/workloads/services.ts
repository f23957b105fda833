/**
 * The Services of the built workloads: created with their ClusterIP allocated as the apiserver would, and the
 * `kubernetes` Service's own Endpoints and EndpointSlice (kube-apiserver keeps them, listing every
 * control-plane node's address on 6443; no controller selects pods for it).
 */
import { prepareService } from '../api/services.js';
import type { SandboxCluster } from '../cluster.js';
import { SERVICE_NAME_LABEL, SKIP_MIRROR_LABEL } from '../controllers/endpoint-slices.js';
import type { KObject } from '../store/types.js';

/** Defaults `svc`, allocates its ClusterIP, stores it; returns the stored Service. */
export function createService(cluster: SandboxCluster, svc: KObject): KObject {
  prepareService(cluster, svc);
  return cluster.store.create('services', svc);
}

const meta = (name: string, labels: Record<string, string>) => ({
  name,
  namespace: 'default',
  uid: '',
  resourceVersion: '',
  creationTimestamp: '',
  labels,
});

/** The Endpoints and EndpointSlice kube-apiserver writes for `default/kubernetes`. */
export function apiserverEndpoints(cluster: SandboxCluster): { resource: string; obj: KObject }[] {
  const ips = cluster.controlPlaneMachines().map((m) => m.address);
  const port = { name: 'https', port: 6443, protocol: 'TCP' };
  return [
    {
      resource: 'endpoints',
      obj: {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: meta('kubernetes', { [SKIP_MIRROR_LABEL]: 'true' }),
        subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [port] }],
      },
    },
    {
      resource: 'discovery.k8s.io/endpointslices',
      obj: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: meta('kubernetes', { [SERVICE_NAME_LABEL]: 'kubernetes' }),
        addressType: 'IPv4',
        endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
        ports: [port],
      },
    },
  ];
}
