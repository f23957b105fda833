/**
 * The inverse of upgrade.ts, for rollbacks: a machine's packages go back to an older version. On a
 * control-plane machine the static pods are replaced by VERSION one by one (each briefly not Ready) and the
 * addon phase runs once every control-plane machine is back at VERSION; on every machine the kubelet then
 * restarts (NotReady for a while) and returns Ready at VERSION. Refused: a target newer than what the machine
 * runs (that is an upgrade), and more than one minor down on a control-plane machine (kubeadm moves one minor
 * at a time). A downgrade does not touch etcd: restoring the data is `restore-etcd`.
 */
import type { SandboxCluster } from '../cluster.js';
import { compareVersions, parseVersion } from '../cluster.js';
import type { Controllers } from '../controllers/index.js';
import { withNodeLock } from './busy.js';
import { NodeSideError } from './upgrade.js';

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

export interface DowngradeResult {
  node: string;
  from: string;
  to: string;
  message: string;
}

export async function downgradeMachine(
  cluster: SandboxCluster,
  controllers: Controllers,
  node: string,
  version: string,
): Promise<DowngradeResult> {
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
    compareVersions(to, m.kubeletVersion) > 0 ||
    (m.controlPlaneVersion && compareVersions(to, m.controlPlaneVersion) > 0)
  ) {
    throw new NodeSideError(
      422,
      `the node ${node} runs ${current}; ${to} is newer, so this is an upgrade: use \`sandbox node upgrade\``,
    );
  }
  if (m.role === 'control-plane' && parseVersion(to).minor < parseVersion(m.controlPlaneVersion!).minor - 1) {
    throw new NodeSideError(
      422,
      `the control plane of ${node} runs ${m.controlPlaneVersion}; ${to} is more than one minor version lower, and kubeadm moves a control plane one minor version at a time`,
    );
  }
  return withNodeLock(
    cluster,
    node,
    (reason) => new NodeSideError(409, reason),
    async () => {
      await cluster.clock.sleep(cluster.nodeUpgradeCommandMs(node));
      const changed = current !== to || m.kubeletVersion !== to;
      if (m.role === 'control-plane' && m.controlPlaneVersion !== to) {
        for (const c of COMPONENTS) await controllers.restartStaticPod(node, c, to);
        m.controlPlaneVersion = to;
        if (cluster.controlPlaneMachines().every((x) => x.controlPlaneVersion === to)) controllers.upgradeAddons(to);
      }
      if (m.kubeletVersion !== to) controllers.restartKubelet(node, to);
      if (changed) m.downgrades = (m.downgrades ?? 0) + 1;
      return {
        node,
        from: current,
        to,
        message: changed
          ? `downgraded ${node} from ${current} to ${to}; kubelet restarting`
          : `${node} already runs ${to}; nothing to do`,
      };
    },
  );
}
