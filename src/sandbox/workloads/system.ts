/**
 * What kubeadm puts in a cluster: the system namespaces (kube-system with a seed-stable uid, the cluster's
 * identity), the `kubernetes` Service with its endpoints, control-plane mirror pods, the kube-proxy DaemonSet,
 * CoreDNS with its PDB and the kube-dns Service, and the `kubeadm-config` / `kubelet-config` ConfigMaps.
 * With a Prebuilder the workloads are created already running; otherwise the controllers create their pods.
 */
import { seededRandom } from '../clock.js';
import type { SandboxCluster } from '../cluster.js';
import { coreDnsImage, kubeProxyImage } from '../controllers/addons.js';
import { mirrorPod, STATIC_COMPONENTS } from '../controllers/mirror-pods.js';
import type { KObject } from '../store/types.js';
import { seededUuid } from './ids.js';
import { daemonSet, deployment, namespace, pdb, TOLERATE_ALL } from './objects.js';
import type { Prebuilder } from './prebuilt.js';
import { kubeDnsService, kubernetesService } from '../api/services.js';
import { apiserverEndpoints, createService } from './services.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The kube-system namespace uid for a seed (stable: same seed, same cluster identity). */
export function kubeSystemUid(seed: number): string {
  return seededUuid(seededRandom(seed * 7919 + 17));
}

export function buildNamespaces(cluster: SandboxCluster, names: string[]): void {
  for (const n of names) {
    if (cluster.store.get('namespaces', undefined, n)) continue;
    cluster.store.create('namespaces', namespace(n, n === 'kube-system' ? kubeSystemUid(cluster.options.seed) : ''));
  }
}

export function kubeProxy(version: string): KObject {
  const ds = daemonSet('kube-system', 'kube-proxy', {
    image: kubeProxyImage(version),
    cpu: '50m',
    memory: '64Mi',
    labels: { 'k8s-app': 'kube-proxy' },
    hostNetwork: true,
    tolerations: TOLERATE_ALL,
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    priorityClassName: 'system-node-critical',
  });
  ds.spec.template.spec.containers[0].command = [
    '/usr/local/bin/kube-proxy',
    '--config=/var/lib/kube-proxy/config.conf',
    '--hostname-override=$(NODE_NAME)',
  ];
  return ds;
}

export function coreDns(version: string): KObject {
  const d = deployment(
    'kube-system',
    'coredns',
    2,
    {
      image: coreDnsImage(version),
      cpu: '100m',
      memory: '70Mi',
      labels: { 'k8s-app': 'kube-dns' },
      args: ['-conf', '/etc/coredns/Corefile'],
      tolerations: [
        { key: 'CriticalAddonsOnly', operator: 'Exists' },
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      priorityClassName: 'system-cluster-critical',
    },
    { maxSurge: '25%', maxUnavailable: 1 },
  );
  d.spec.template.spec.containers[0].resources.limits = { memory: '170Mi' };
  return d;
}

function configMaps(cluster: SandboxCluster): KObject[] {
  const version = cluster.options.version;
  const cm = (name: string, data: Record<string, string>): KObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'kube-system', uid: '', resourceVersion: '', creationTimestamp: '' },
    data,
  });
  const endpoint = `${cluster.machines.get('cp-1')?.address ?? '10.0.0.2'}:6443`;
  return [
    cm('kubeadm-config', {
      ClusterConfiguration: [
        'apiVersion: kubeadm.k8s.io/v1beta4',
        'kind: ClusterConfiguration',
        'clusterName: sandbox',
        `controlPlaneEndpoint: ${endpoint}`,
        'certificatesDir: /etc/kubernetes/pki',
        'etcd:',
        '  local:',
        '    dataDir: /var/lib/etcd',
        'imageRepository: registry.k8s.io',
        `kubernetesVersion: ${version}`,
        'networking:',
        '  dnsDomain: cluster.local',
        '  podSubnet: 10.64.0.0/10',
        '  serviceSubnet: 10.96.0.0/12',
        '',
      ].join('\n'),
    }),
    cm('kubelet-config', {
      kubelet:
        'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\n',
    }),
  ];
}

/** kube-system contents. `nodes` are the stored Node objects. */
export function buildSystem(cluster: SandboxCluster, nodes: KObject[], pre?: Prebuilder): void {
  const store = cluster.store;
  const version = cluster.options.version;
  for (const node of nodes) {
    const m = cluster.machines.get(node.metadata.name);
    if (m?.role !== 'control-plane') continue;
    for (const c of STATIC_COMPONENTS) store.create('pods', mirrorPod(node, c, m.controlPlaneVersion ?? version));
  }
  for (const c of configMaps(cluster)) store.create('configmaps', c);
  createService(cluster, kubernetesService());
  for (const { resource, obj } of apiserverEndpoints(cluster)) store.create(resource, obj);
  const dnsPdb = pdb('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, { maxUnavailable: 1 });
  if (pre) {
    // At thousands of nodes a one-node-at-a-time kube-proxy roll would take hours of simulated time.
    const kp = kubeProxy(version);
    kp.spec.updateStrategy.rollingUpdate.maxUnavailable = '10%';
    pre.daemonSet(kp);
    const workers = nodes.filter((n) => cluster.machines.get(n.metadata.name)?.role === 'worker');
    const targets = workers.length >= 2 ? [workers[0], workers[1]] : nodes.slice(0, 2);
    pre.deployment(
      coreDns(version),
      targets.map((n) => n.metadata.name),
    );
    pre.pdbs([dnsPdb]);
    pre.service(kubeDnsService());
    return;
  }
  store.create('apps/daemonsets', kubeProxy(version));
  store.create('apps/deployments', coreDns(version));
  store.create('policy/poddisruptionbudgets', dnsPdb);
  createService(cluster, kubeDnsService());
}
