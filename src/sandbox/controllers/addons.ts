/**
 * kubeadm's addon phase (run once every control-plane machine is at the new version): the kube-proxy
 * DaemonSet gets the new image, CoreDNS the image kubeadm ships with that minor, and `kubeadm-config` records
 * the new kubernetesVersion. The DaemonSet and Deployment controllers then roll the pods.
 */
import { parseVersion } from '../cluster.js';
import type { ObjectStore } from '../store/object-store.js';

/** The CoreDNS image tag kubeadm deploys for a Kubernetes minor (approximate). */
export function coreDnsVersionFor(minor: number): string {
  if (minor >= 34) return 'v1.12.1';
  if (minor >= 33) return 'v1.12.0';
  if (minor >= 31) return 'v1.11.3';
  if (minor >= 29) return 'v1.11.1';
  if (minor >= 28) return 'v1.10.1';
  return 'v1.9.3';
}

export const kubeProxyImage = (version: string): string => `registry.k8s.io/kube-proxy:${version}`;
export const coreDnsImage = (version: string): string =>
  `registry.k8s.io/coredns/coredns:${coreDnsVersionFor(parseVersion(version).minor)}`;

function setImage(store: ObjectStore, resource: string, name: string, container: string, image: string): void {
  store.mutate(resource, 'kube-system', name, (d) => {
    const c = (d.spec?.template?.spec?.containers ?? []).find((x: { name: string }) => x.name === container);
    if (!c || c.image === image) return false;
    c.image = image;
  });
}

/** kubeadm's upload-config phase: ClusterConfiguration.kubernetesVersion in kube-system/kubeadm-config. */
function uploadConfig(store: ObjectStore, version: string): void {
  store.mutate('configmaps', 'kube-system', 'kubeadm-config', (d) => {
    const cfg = (d.data as Record<string, string> | undefined)?.ClusterConfiguration;
    if (!cfg) return false;
    const next = cfg.replace(/^kubernetesVersion: .*$/m, `kubernetesVersion: ${version}`);
    if (next === cfg) return false;
    (d.data as Record<string, string>).ClusterConfiguration = next;
  });
}

export function upgradeAddons(store: ObjectStore, version: string): void {
  parseVersion(version);
  uploadConfig(store, version);
  setImage(store, 'apps/daemonsets', 'kube-proxy', 'kube-proxy', kubeProxyImage(version));
  setImage(store, 'apps/deployments', 'coredns', 'coredns', coreDnsImage(version));
}
