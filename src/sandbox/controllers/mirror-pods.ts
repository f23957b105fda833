/**
 * Control-plane static pods as the API sees them: a mirror pod per component on every control-plane machine
 * (`kube-apiserver-<node>` …, annotations `kubernetes.io/config.mirror`/`config.source: file`, owned by the
 * Node). The kubelet recreates a mirror pod deleted through the API; `restartStaticPod` is kubeadm writing a
 * new manifest: new image, NotReady for `timings.staticPodRestartMs`, then Ready again.
 */
import { createHash } from 'node:crypto';
import { etcdVersionFor, type Machine, parseVersion } from '../cluster.js';
import type { KObject, StoreEvent } from '../store/types.js';
import type { Kubelet } from './kubelet.js';
import type { NodeCache } from './node-cache.js';
import { nodeInternalIP, runningStatus, setReady } from './pods.js';
import { WorkQueue } from './queue.js';
import { type Ctx, isMirrorPod, now } from './util.js';

export const STATIC_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
export type StaticComponent = (typeof STATIC_COMPONENTS)[number];

const CPU: Record<StaticComponent, string> = {
  'kube-apiserver': '250m',
  'kube-controller-manager': '200m',
  'kube-scheduler': '100m',
  etcd: '100m',
};

export function staticPodImage(component: StaticComponent, version: string): string {
  if (component === 'etcd') return `registry.k8s.io/etcd:${etcdVersionFor(parseVersion(version).minor)}`;
  return `registry.k8s.io/${component}:${version}`;
}

function command(component: StaticComponent, ip: string, node: string): string[] {
  switch (component) {
    case 'kube-apiserver':
      return [
        'kube-apiserver',
        `--advertise-address=${ip}`,
        '--etcd-servers=https://127.0.0.1:2379',
        '--secure-port=6443',
        '--service-cluster-ip-range=10.96.0.0/12',
      ];
    case 'kube-controller-manager':
      return [
        'kube-controller-manager',
        '--kubeconfig=/etc/kubernetes/controller-manager.conf',
        '--leader-elect=true',
        '--cluster-cidr=10.64.0.0/10',
      ];
    case 'kube-scheduler':
      return ['kube-scheduler', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true'];
    case 'etcd':
      return [
        'etcd',
        `--name=${node}`,
        '--data-dir=/var/lib/etcd',
        `--advertise-client-urls=https://${ip}:2379`,
        `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`,
      ];
  }
}

/** The mirror pod of one static pod, Running and Ready (or not, while kubeadm replaces it). */
export function mirrorPod(node: KObject, component: StaticComponent, version: string, ready = true): KObject {
  const ip = nodeInternalIP(node);
  const image = staticPodImage(component, version);
  const spec = {
    containers: [
      {
        name: component,
        image,
        command: command(component, ip, node.metadata.name),
        imagePullPolicy: 'IfNotPresent',
        resources: { requests: component === 'etcd' ? { cpu: CPU.etcd, memory: '100Mi' } : { cpu: CPU[component] } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    nodeName: node.metadata.name,
    hostNetwork: true,
    priorityClassName: 'system-node-critical',
    priority: 2000001000,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
  };
  const hash = createHash('md5').update(JSON.stringify(spec)).digest('hex');
  const t = now();
  const endpoint: Record<string, string> =
    component === 'kube-apiserver'
      ? { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${ip}:6443` }
      : component === 'etcd'
        ? { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${ip}:2379` }
        : {};
  const pod: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${component}-${node.metadata.name}`,
      namespace: 'kube-system',
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: { component, tier: 'control-plane' },
      annotations: {
        ...endpoint,
        'kubernetes.io/config.hash': hash,
        'kubernetes.io/config.mirror': hash,
        'kubernetes.io/config.seen': t,
        'kubernetes.io/config.source': 'file',
      },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid, controller: true },
      ],
    },
    spec,
  };
  pod.status = runningStatus(pod, ip, ip, ready, t);
  return pod;
}

export class MirrorPods {
  /** node → component → version of the static pod manifest on disk. */
  private readonly versions = new Map<string, Map<StaticComponent, string>>();
  private readonly pending = new Set<() => void>();
  private readonly queue: WorkQueue;

  constructor(
    private readonly ctx: Ctx,
    private readonly nodes: NodeCache,
    private readonly kubelet: Kubelet,
  ) {
    this.queue = new WorkQueue('mirror-pods', (n) => this.sync(n), ctx.report);
  }

  resync(): void {
    for (const m of this.ctx.cluster.machines.values()) if (m.role === 'control-plane') this.queue.add(m.name);
  }

  onEvent(ev: StoreEvent): void {
    const o = ev.object;
    if (ev.resource === 'pods' && ev.type === 'DELETED' && isMirrorPod(o) && o.spec?.nodeName)
      this.queue.add(o.spec.nodeName);
    if (ev.resource === 'nodes' && ev.type !== 'DELETED' && this.machine(o.metadata.name))
      this.queue.add(o.metadata.name);
  }

  async restartStaticPod(node: string, component: StaticComponent, version: string): Promise<void> {
    parseVersion(version);
    this.versionsOf(node).set(component, version);
    const name = `${component}-${node}`;
    const nodeObj = this.nodes.get(node);
    const cur = this.ctx.store.get('pods', 'kube-system', name);
    if (!cur && nodeObj) this.ctx.store.create('pods', mirrorPod(nodeObj, component, version, false));
    const image = staticPodImage(component, version);
    this.ctx.store.mutate('pods', 'kube-system', name, (d) => {
      const t = now();
      d.spec.containers[0].image = image;
      d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/config.seen': t };
      setReady(d.status, false, t);
      for (const cs of d.status.containerStatuses ?? []) {
        cs.image = image;
        cs.restartCount = (cs.restartCount ?? 0) + 1;
        cs.state = { running: { startedAt: t } };
      }
    });
    await new Promise<void>((resolve) => {
      this.pending.add(resolve);
      this.ctx.after(this.ctx.cluster.timings.staticPodRestartMs, () => {
        this.pending.delete(resolve);
        this.ctx.store.mutate('pods', 'kube-system', name, (d) => setReady(d.status, true));
        resolve();
      });
    });
  }

  stop(): void {
    this.queue.stop();
    for (const r of this.pending) r();
    this.pending.clear();
  }

  private machine(node: string): Machine | undefined {
    const m = this.ctx.cluster.machines.get(node);
    return m?.role === 'control-plane' ? m : undefined;
  }

  private versionsOf(node: string): Map<StaticComponent, string> {
    let v = this.versions.get(node);
    if (!v) {
      v = new Map();
      this.versions.set(node, v);
    }
    return v;
  }

  private sync(node: string): void {
    const m = this.machine(node);
    const nodeObj = this.nodes.get(node);
    if (!m || !nodeObj || !this.kubelet.kubeletUp(node)) return;
    for (const c of STATIC_COMPONENTS) {
      if (this.ctx.store.get('pods', 'kube-system', `${c}-${node}`)) continue;
      const version = this.versionsOf(node).get(c) ?? m.controlPlaneVersion ?? this.ctx.cluster.options.version;
      this.ctx.store.create('pods', mirrorPod(nodeObj, c, version));
    }
  }
}
