/**
 * What kubeadm plus a kubelet restart do on a machine, for the sandbox's machines: refuse what kubeadm
 * refuses (a downgrade, skipping a minor on a control-plane node, a kubelet newer than the control plane),
 * then install (a simulated delay), replace the static control-plane pods one by one (each briefly not
 * Ready), run the addon phase once every control-plane machine runs the new version, and restart the
 * kubelet, which comes back Ready at the new version (or never, with the node-never-ready fault).
 */
import type { SandboxCluster } from '../cluster.js';
import { compareVersions, parseVersion } from '../cluster.js';
import type { Controllers } from '../controllers/index.js';
import { withNodeLock } from './busy.js';

export class NodeSideError extends Error {
  constructor(
    readonly code: 404 | 409 | 422 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'NodeSideError';
  }
}

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

export interface UpgradeResult {
  node: string;
  from: string;
  to: string;
  message: string;
}

export async function upgradeMachine(
  cluster: SandboxCluster,
  controllers: Controllers,
  node: string,
  version: string,
): Promise<UpgradeResult> {
  const m = cluster.machines.get(node);
  if (!m)
    throw new NodeSideError(
      404,
      `no such node: ${node} (sandbox machines: ${[...cluster.machines.keys()].join(', ')})`,
    );
  try {
    parseVersion(version);
  } catch (e) {
    throw new NodeSideError(422, (e as Error).message);
  }
  const to = version.startsWith('v') ? version : `v${version}`;
  const current = m.controlPlaneVersion ?? m.kubeletVersion;
  if (
    compareVersions(to, m.kubeletVersion) < 0 ||
    (m.controlPlaneVersion && compareVersions(to, m.controlPlaneVersion) < 0)
  ) {
    throw new NodeSideError(
      422,
      `[upgrade/version] FATAL: the node ${node} runs ${current}; ${to} would be a downgrade, which kubeadm does not support (restore from an etcd snapshot instead)`,
    );
  }
  const target = parseVersion(to);
  if (m.role === 'control-plane') {
    const oldest = parseVersion(cluster.apiserverVersion());
    if (target.minor > parseVersion(m.controlPlaneVersion!).minor + 1 || target.minor > oldest.minor + 1) {
      throw new NodeSideError(
        422,
        `[upgrade/version] FATAL: Specified version to upgrade to "${to}" is too high; kubeadm can upgrade only 1 minor version at a time (cluster at ${cluster.apiserverVersion()}, this node at ${m.controlPlaneVersion})`,
      );
    }
  } else if (compareVersions(to, cluster.apiserverVersion()) > 0) {
    throw new NodeSideError(
      422,
      `[upgrade] FATAL: the control plane runs ${cluster.apiserverVersion()}; a kubelet at ${to} would be newer than the API server. Upgrade the control plane first`,
    );
  }
  return withNodeLock(
    cluster,
    node,
    (reason) => new NodeSideError(409, reason),
    async () => {
      m.upgradeCommands = (m.upgradeCommands ?? 0) + 1;
      await cluster.clock.sleep(cluster.nodeUpgradeCommandMs(node));
      if (cluster.faults.upgradeFails(node)) {
        throw new NodeSideError(
          500,
          `[upgrade/apply] FATAL: couldn't upgrade control plane. kubeadm has tried to recover everything into the earlier state. Errors faced: injected fault on ${node}`,
        );
      }
      const changed = current !== to || m.kubeletVersion !== to;
      if (m.role === 'control-plane' && m.controlPlaneVersion !== to) {
        for (const c of COMPONENTS) await controllers.restartStaticPod(node, c, to);
        m.controlPlaneVersion = to;
        if (cluster.controlPlaneMachines().every((x) => x.controlPlaneVersion === to)) controllers.upgradeAddons(to);
      }
      if (m.kubeletVersion !== to) controllers.restartKubelet(node, to);
      if (changed) m.upgrades++;
      return {
        node,
        from: current,
        to,
        message: changed
          ? `upgraded ${node} from ${current} to ${to}; kubelet restarting`
          : `${node} already runs ${to}; nothing to do`,
      };
    },
  );
}
