/**
 * Control-plane health (`control-plane-unhealthy`): every control-plane node has the mirror pods of
 * kube-apiserver, kube-controller-manager, kube-scheduler and (stacked etcd) etcd, each Ready. A cluster
 * whose control-plane nodes carry no etcd mirror pod at all runs external etcd, which is not checked here.
 * Control-plane nodes without any mirror pod are not kubeadm static pods: reported as a warning, because the
 * versions and health this tool relies on cannot be read.
 */
import type { Finding } from '../plan/index.js';
import { finding, listNames, obj } from './finding.js';
import type { ComponentName, PreflightContext } from './types.js';

const REQUIRED: readonly ComponentName[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];

export function checkControlPlane(ctx: PreflightContext): Finding[] {
  const cpNodes = ctx.inventory.nodes.filter((n) => n.controlPlane).map((n) => n.name);
  if (cpNodes.length === 0) return [];
  const statics = ctx.inventory.components.filter((c) => c.node !== undefined && REQUIRED.includes(c.component));
  if (statics.length === 0) {
    return [
      finding(
        'control-plane-unhealthy',
        'warning',
        `No control-plane mirror pods were found on ${listNames(cpNodes)}: the control plane does not run as kubeadm static pods, so its versions and health cannot be read from the API.`,
        cpNodes.map((n) => obj('Node', n, undefined, 'no kube-system mirror pods')),
        'Check that the kubeconfig points at the intended cluster and that the control plane is kubeadm-managed (`kubectl get pods -n kube-system -l tier=control-plane -o wide`).',
      ),
    ];
  }
  const stackedEtcd = statics.some((c) => c.component === 'etcd');
  const problems: { node: string; component: ComponentName; why: string }[] = [];
  for (const node of cpNodes) {
    for (const component of REQUIRED) {
      if (component === 'etcd' && !stackedEtcd) continue;
      const pod = statics.find((c) => c.node === node && c.component === component);
      if (!pod) problems.push({ node, component, why: 'mirror pod missing' });
      else if (pod.ready === false) problems.push({ node, component, why: `not Ready (${pod.image})` });
    }
  }
  if (problems.length === 0) return [];
  const first = problems[0]!;
  return [
    finding(
      'control-plane-unhealthy',
      'blocker',
      `The control plane is not healthy: ${listNames(problems.map((p) => `${p.component} on ${p.node} (${p.why})`))}. kubeadm refuses to upgrade an unhealthy control plane, and the upgrade would remove redundancy it already lacks.`,
      problems.map((p) => obj('Pod', `${p.component}-${p.node}`, 'kube-system', p.why)),
      `Fix it first: \`kubectl describe pod -n kube-system ${first.component}-${first.node}\`, then on ${first.node} check \`crictl ps -a --name ${first.component}\` and /etc/kubernetes/manifests/${first.component}.yaml. Plan again once every mirror pod is Ready.`,
    ),
  ];
}
