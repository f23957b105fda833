/**
 * Reads what preflight needs from the cluster in one go: identity, server version, nodes, pods, PDBs and
 * workload controllers — listed in parallel, paginated, so the number of requests grows with pages, never
 * with nodes or pods — and derives the component versions from what was listed: control-plane static pods
 * from their mirror pods' images, kube-proxy from its DaemonSet, CoreDNS from its Deployment.
 */
import type { ClusterReads, PodInfo, WorkloadInfo } from '../cluster/index.js';
import { COMPONENT_NAMES, type ComponentInfo, type ComponentName, type Inventory } from './types.js';

const STATIC_COMPONENTS: readonly ComponentName[] = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'etcd',
];

export async function gatherInventory(client: ClusterReads): Promise<Inventory> {
  const [identity, serverVersion, nodes, pods, pdbs, workloads] = await Promise.all([
    client.identity(),
    client.version(),
    client.listNodes(),
    client.listPods(),
    client.listPdbs(),
    client.listWorkloads(),
  ]);
  return { identity, serverVersion, nodes, pods, pdbs, workloads, components: findComponents(pods, workloads) };
}

/** The tag of an image reference, without registry, repository or digest: `registry.k8s.io/etcd:3.5.15-0` → `3.5.15-0`. */
export const imageTag = (image: string): string => {
  const ref = image.split('@')[0] ?? '';
  const colon = ref.indexOf(':', ref.lastIndexOf('/') + 1);
  return colon < 0 ? '' : ref.slice(colon + 1);
};

/** Component versions from mirror pods (kube-system, `component=<name>`, mirror annotation) and the add-ons. */
export function findComponents(pods: readonly PodInfo[], workloads: readonly WorkloadInfo[]): ComponentInfo[] {
  const out: ComponentInfo[] = [];
  for (const p of pods) {
    if (p.namespace !== 'kube-system' || !p.mirror) continue;
    const component = staticComponentOf(p);
    if (!component) continue;
    const image = imageOf(p.images, component);
    out.push({
      component,
      ...(p.nodeName ? { node: p.nodeName } : {}),
      version: imageTag(image),
      image,
      ready: p.ready,
    });
  }
  const addon = (component: ComponentName, kind: WorkloadInfo['kind'], name: string) => {
    const w = workloads.find((x) => x.kind === kind && x.namespace === 'kube-system' && x.name === name);
    if (!w) return;
    const image = imageOf(w.images, component);
    out.push({ component, version: imageTag(image), image });
  };
  addon('kube-proxy', 'DaemonSet', 'kube-proxy');
  addon('coredns', 'Deployment', 'coredns');
  const rank = (c: ComponentName) => COMPONENT_NAMES.indexOf(c);
  return out.sort((a, b) => rank(a.component) - rank(b.component) || (a.node ?? '').localeCompare(b.node ?? ''));
}

/** By the `component` label kubeadm sets, else by the `<component>-<node>` name. */
const staticComponentOf = (p: PodInfo): ComponentName | undefined => {
  const label = p.labels.component;
  const byLabel = STATIC_COMPONENTS.find((c) => c === label);
  if (byLabel) return byLabel;
  return STATIC_COMPONENTS.find((c) => p.nodeName !== undefined && p.name === `${c}-${p.nodeName}`);
};

/** The container image naming the component (a sidecar may come first), else the first one. */
const imageOf = (images: readonly string[], component: ComponentName): string =>
  images.find((i) => (i.split('@')[0] ?? '').split('/').pop()?.startsWith(`${component}:`)) ?? images[0] ?? '';
