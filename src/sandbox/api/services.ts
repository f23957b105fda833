/**
 * Services as the apiserver's registry treats them: ClusterIP allocation from the service CIDR (10.96.0.0/12,
 * kubeadm's default; `10.96.0.1` belongs to the `kubernetes` Service, `10.96.0.10` to kube-dns), the defaults
 * a created Service gets (type, protocol, targetPort, IP families, sessionAffinity…), headless Services
 * (`clusterIP: None`), and the rule that a Service keeps its ClusterIP for life.
 */
import { seededRandom } from '../clock.js';
import type { SandboxCluster } from '../cluster.js';
import type { ObjectStore } from '../store/object-store.js';
import type { KObject } from '../store/types.js';
import { ApiError, invalid } from './status.js';

export const SERVICE_CIDR = '10.96.0.0/12';
/** 10.96.0.0/12 spans 10.96.0.0–10.111.255.255: 2^20 addresses. */
const RANGE_SIZE = 1 << 20;
const BASE = (10 << 24) | (96 << 16);
/** The lower band is kept for addresses asked for explicitly (KEP-3070); dynamic allocation draws above it. */
const STATIC_BAND = 256;
export const CLUSTER_IP_INDEX = 'clusterIP';

const ipOf = (n: number): string => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

function inRange(ip: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return false;
  const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  return n > BASE >>> 0 && n < (BASE >>> 0) + RANGE_SIZE - 1;
}

/** Registers the store index the allocator checks (Services by ClusterIP). Idempotent. */
export function ensureServiceIndexes(store: ObjectStore): void {
  if (!store.hasIndex('services', CLUSTER_IP_INDEX)) {
    store.addIndex(
      'services',
      CLUSTER_IP_INDEX,
      (s) => (s.spec?.clusterIPs as string[] | undefined) ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : undefined),
    );
  }
  if (!store.hasIndex('services', 'namespace')) store.addIndex('services', 'namespace', (s) => s.metadata.namespace);
}

const randoms = new WeakMap<SandboxCluster, () => number>();

/** A free ClusterIP, drawn at random above the static band (its own seeded generator: pod names stay as they were). */
export function allocateClusterIP(cluster: SandboxCluster): string {
  const store = cluster.store;
  ensureServiceIndexes(store);
  let random = randoms.get(cluster);
  if (!random) randoms.set(cluster, (random = seededRandom(cluster.options.seed * 977 + 5)));
  for (let i = 0; i < 64; i++) {
    const ip = ipOf(BASE + STATIC_BAND + 1 + Math.floor(random() * (RANGE_SIZE - STATIC_BAND - 2)));
    if (store.byIndex('services', CLUSTER_IP_INDEX, ip).length === 0) return ip;
  }
  throw new ApiError(500, 'InternalError', `failed to allocate a serviceIP: range ${SERVICE_CIDR} is full`);
}

function ipTaken(store: ObjectStore, ip: string, except?: string): boolean {
  return store.byIndex('services', CLUSTER_IP_INDEX, ip).some((s) => s.metadata.uid !== except);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Port = Record<string, any>;

/** Defaults and validates a Service being created; allocates its ClusterIP unless headless or given. */
export function prepareService(cluster: SandboxCluster, svc: KObject): void {
  const spec = (svc.spec ??= {});
  const name = svc.metadata.name;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  spec.internalTrafficPolicy ??= 'Cluster';
  const ports = (spec.ports ?? []) as Port[];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') {
    throw invalid('Service', name, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' }]);
  }
  ports.forEach((p, i) => {
    if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) {
      throw invalid('Service', name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(p.port)}: must be between 1 and 65535, inclusive`,
          field: `spec.ports[${i}].port`,
        },
      ]);
    }
    if (ports.length > 1 && !p.name) {
      throw invalid('Service', name, [
        { reason: 'FieldValueRequired', message: 'Required value', field: `spec.ports[${i}].name` },
      ]);
    }
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  });
  if (spec.type === 'ExternalName') return;
  const store = cluster.store;
  ensureServiceIndexes(store);
  if (headless) spec.clusterIPs = ['None'];
  else if (spec.clusterIP) {
    if (!inRange(spec.clusterIP)) {
      throw invalid('Service', name, [
        {
          reason: 'FieldValueInvalid',
          message:
            `Invalid value: "${spec.clusterIP}": provided IP is not in the valid range. ` +
            `The range of valid IPs is ${SERVICE_CIDR}`,
          field: 'spec.clusterIPs',
        },
      ]);
    }
    if (ipTaken(store, spec.clusterIP)) {
      throw invalid('Service', name, [
        {
          reason: 'FieldValueInvalid',
          message:
            `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: ` +
            'provided IP is already allocated',
          field: 'spec.clusterIPs',
        },
      ]);
    }
    spec.clusterIPs = [spec.clusterIP];
  } else {
    spec.clusterIP = allocateClusterIP(cluster);
    spec.clusterIPs = [spec.clusterIP];
  }
  if (!headless || ports.length > 0 || spec.selector) {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  svc.status ??= { loadBalancer: {} };
}

/** On update: a Service keeps its ClusterIP (an omitted one is carried over, a different one is refused). */
export function keepClusterIP(cur: KObject, next: KObject): void {
  const was = cur.spec?.clusterIP;
  if (!was) return;
  next.spec ??= {};
  const now = next.spec.clusterIP;
  if (now === undefined || now === '') {
    next.spec.clusterIP = was;
    next.spec.clusterIPs = cur.spec.clusterIPs ?? [was];
    return;
  }
  if (now !== was) {
    throw invalid('Service', cur.metadata.name, [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${now}": field is immutable`,
        field: 'spec.clusterIPs[0]',
      },
    ]);
  }
  next.spec.clusterIPs ??= cur.spec.clusterIPs ?? [was];
}

/** The Service kube-apiserver keeps in `default` for itself: 10.96.0.1:443 → the control-plane nodes' 6443. */
export function kubernetesService(): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: ipOf(BASE + 1),
      clusterIPs: [ipOf(BASE + 1)],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
    status: { loadBalancer: {} },
  };
}

/** kube-dns, as kubeadm's CoreDNS addon creates it (10.96.0.10, the kubelets' clusterDNS). */
export function kubeDnsService(): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP',
      selector: { 'k8s-app': 'kube-dns' },
      clusterIP: ipOf(BASE + 10),
      clusterIPs: [ipOf(BASE + 10)],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
    status: { loadBalancer: {} },
  };
}
