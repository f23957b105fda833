/**
 * The `etcd-unhealthy` preflight check, run when the plan configures etcd access (an etcd snapshot `local`
 * or over `ssh`): `etcdctl endpoint health` on every configured endpoint, from where the snapshot will be
 * taken. Findings are data: an unreachable or unhealthy member is a blocker (a snapshot needs a healthy
 * member, and upgrading a control plane over a sick etcd risks quorum), and the finding names each member.
 */
import type { NodeInfo } from '../../cluster/index.js';
import { endpointHealth, localRunner, type CommandRunner } from '../../etcd/index.js';
import { sshAddress, sshRunner } from '../../nodes/index.js';
import type { Finding, PlanDriver, PlanEtcdSnapshot } from '../../plan/index.js';

export async function checkEtcdHealth(
  cfg: PlanEtcdSnapshot,
  driver: PlanDriver,
  controlPlane: readonly NodeInfo[],
  opts: { knownHostsFile?: string; identityFile?: string } = {},
): Promise<Finding[]> {
  if (cfg.mode === 'none' || !cfg.endpoints?.length) return [];
  const conn = {
    endpoints: [...cfg.endpoints],
    ...(cfg.cacert ? { cacert: cfg.cacert } : {}),
    ...(cfg.cert ? { cert: cfg.cert } : {}),
    ...(cfg.key ? { key: cfg.key } : {}),
  };
  let runner: CommandRunner;
  let where = 'this machine';
  try {
    if (cfg.mode === 'ssh') {
      if (driver.type !== 'kubeadm-ssh')
        return [
          finding(
            ['etcd snapshot mode ssh needs the kubeadm-ssh driver (its ssh settings)'],
            'Re-plan with --etcd-snapshot local, or with --driver kubeadm-ssh.',
            [],
          ),
        ];
      const node = controlPlane.find((n) => n.name === cfg.node) ?? controlPlane[0];
      if (!node) return [finding(['no control-plane node to run etcdctl on'], 'Name one with --etcd-node.', [])];
      const address = sshAddress(driver.ssh, {
        node: node.name,
        role: 'control-plane',
        version: 'v0.0.0',
        first: false,
        labels: node.labels,
        ...(node.internalIP ? { internalIP: node.internalIP } : {}),
      });
      runner = sshRunner(driver.ssh, address, { ...opts, label: node.name }) as unknown as CommandRunner;
      where = node.name;
    } else {
      runner = localRunner();
    }
    const health = await endpointHealth(conn, runner, { timeoutMs: 30_000 });
    const bad = health.filter((h) => !h.healthy);
    if (bad.length === 0) return [];
    return [
      finding(
        bad.map((b) => `${b.endpoint}: ${b.error ?? 'unhealthy'}`),
        `Check etcd (etcdctl endpoint health / endpoint status on ${where}) and the plan's --etcd-endpoints and certificate paths; fix the member before upgrading.`,
        bad.map((b) => ({ kind: 'EtcdMember', name: b.endpoint, ...(b.error ? { detail: b.error } : {}) })),
      ),
    ];
  } catch (e) {
    return [
      finding(
        [`etcd could not be checked from ${where}: ${(e as Error).message}`],
        'Install etcdctl where the snapshot is taken (Debian: apt-get install etcd-client) and check the etcd settings of the plan.',
        [],
      ),
    ];
  }
}

function finding(problems: string[], remediation: string, objects: Finding['objects']): Finding {
  return {
    id: 'etcd-unhealthy',
    severity: 'blocker',
    message: `etcd is not healthy, so no snapshot can be trusted: ${problems.join('; ')}`,
    objects,
    remediation,
    waived: false,
  };
}
