/**
 * "Is this node at the version?" read from the cluster: the kubelet's reported version for every node, and
 * for a control-plane node the versions of its static control-plane pods (from their mirror pods' image
 * tags). Vendor suffixes (`v1.32.0-eks-…`) compare by major.minor.patch.
 */
import type { NodeInfo, PodInfo } from '../../cluster/index.js';
import { findComponents } from '../../checks/index.js';
import { compareVersions, tryParseReportedVersion } from '../../plan/index.js';

const STATIC = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

export function sameVersion(reported: string, target: string): boolean {
  const a = tryParseReportedVersion(reported);
  const b = tryParseReportedVersion(target);
  return !!a && !!b && compareVersions(a, b) === 0;
}

export function nodeAtVersion(node: NodeInfo, version: string): boolean {
  return sameVersion(node.kubeletVersion, version);
}

/** Every static control-plane pod on `node` runs `version` (and, with `ready`, is Ready); true when it has none. */
export function controlPlaneAt(
  kubeSystemPods: readonly PodInfo[],
  node: string,
  version: string,
  ready: boolean,
): boolean {
  const mine = findComponents(kubeSystemPods, []).filter(
    (c) => c.node === node && (STATIC as readonly string[]).includes(c.component),
  );
  // No mirror pods on the node (a control plane not run as static pods): the kubelet's version decides.
  if (mine.length === 0) return true;
  return STATIC.every((name) => {
    const c = mine.find((x) => x.component === name);
    return !!c && sameVersion(c.version, version) && (!ready || c.ready === true);
  });
}
