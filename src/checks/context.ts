/**
 * Glue from an inventory to the planner's inputs, so that `plan` builds a PreflightContext without knowing
 * where versions come from: the version-path input (apiservers from their mirror pods, else `/version`;
 * worker kubelets from the nodes) and the batching input (nodes with labels, zone, role).
 */
import {
  tryParseReportedVersion,
  type BatchNode,
  type KubeVersion,
  type NodeVersion,
  type VersionPathInput,
} from '../plan/index.js';
import type { Inventory } from './types.js';

/** kube-apiserver versions: from the mirror pods' images, else the `/version` of the API server. */
export function apiserverVersions(inv: Inventory): KubeVersion[] {
  const fromPods = inv.components
    .filter((c) => c.component === 'kube-apiserver')
    .flatMap((c) => tryParseReportedVersion(c.version) ?? []);
  if (fromPods.length > 0) return fromPods;
  const server = tryParseReportedVersion(inv.serverVersion);
  return server ? [server] : [];
}

/** Worker kubelets (control-plane kubelets move with their control-plane hop). Unreadable versions are left out. */
export function workerKubelets(inv: Inventory): NodeVersion[] {
  return inv.nodes
    .filter((n) => !n.controlPlane)
    .flatMap((n) => {
      const version = tryParseReportedVersion(n.kubeletVersion);
      return version ? [{ node: n.name, version }] : [];
    });
}

export function versionPathInput(
  inv: Inventory,
  target: KubeVersion,
  intermediatePatches?: Readonly<Record<number, number>>,
): VersionPathInput {
  return {
    controlPlane: apiserverVersions(inv),
    kubelets: workerKubelets(inv),
    target,
    ...(intermediatePatches ? { intermediatePatches } : {}),
  };
}

export function batchNodes(inv: Inventory): BatchNode[] {
  return inv.nodes.map((n) => ({
    name: n.name,
    labels: n.labels,
    controlPlane: n.controlPlane,
    ...(n.zone ? { zone: n.zone } : {}),
  }));
}
