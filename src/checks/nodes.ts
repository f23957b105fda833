/**
 * Node checks: nodes that are not Ready (`node-not-ready`), nodes already cordoned (`node-cordoned`: apply
 * upgrades them but leaves them cordoned, since it only uncordons what it cordoned itself), and container
 * runtimes the target kubelet cannot run (`runtime-unsupported`): dockershim is gone from 1.24, and 1.35 is
 * the last release to support containerd 1.x.
 */
import type { NodeInfo } from '../cluster/index.js';
import { tryParseReportedVersion, type Finding } from '../plan/index.js';
import { count, finding, listNames, obj } from './finding.js';
import type { PreflightContext } from './types.js';

const DOCKERSHIM_REMOVED = 24;
const CONTAINERD_1_LAST = 35;

export function checkNotReady(ctx: PreflightContext): Finding[] {
  const bad = ctx.inventory.nodes.filter((n) => !n.ready);
  if (bad.length === 0) return [];
  const names = bad.map((n) => n.name);
  return [
    finding(
      'node-not-ready',
      'blocker',
      `${count(bad.length, 'node is', 'nodes are')} not Ready: ${listNames(names)}. Draining and upgrading them would wait for a Ready that does not come, and kubeadm's preflight refuses an unhealthy cluster.`,
      bad.map((n) => obj('Node', n.name, undefined, n.readyReason ?? 'Ready condition missing')),
      `Find out why with \`kubectl describe node ${names[0]}\` and the kubelet's logs (\`journalctl -u kubelet\` on the node); bring it back or remove it (\`kubectl delete node ${names[0]}\` after draining), then plan again. Waive with --ignore-check node-not-ready only if you will repair it before its batch.`,
    ),
  ];
}

export function checkCordoned(ctx: PreflightContext): Finding[] {
  const cordoned = ctx.inventory.nodes.filter((n) => n.unschedulable);
  if (cordoned.length === 0) return [];
  const names = cordoned.map((n) => n.name);
  return [
    finding(
      'node-cordoned',
      'warning',
      `${count(cordoned.length, 'node is', 'nodes are')} already cordoned: ${listNames(names)}. They are upgraded like the others but stay cordoned afterwards (apply uncordons only what it cordoned), and they are not counted as room for evicted pods.`,
      cordoned.map((n) => obj('Node', n.name, undefined, 'spec.unschedulable=true')),
      `If the cordon is left over, uncordon before planning: ${names.map((n) => `\`kubectl uncordon ${n}\``).join(', ')}. If it is deliberate (maintenance), nothing to do.`,
    ),
  ];
}

/** Why a node's runtime cannot serve the target, or undefined. */
export function runtimeProblem(node: NodeInfo, targetMinor: number): string | undefined {
  const runtime = node.containerRuntime.toLowerCase();
  const kubelet = tryParseReportedVersion(node.kubeletVersion);
  const socket = node.criSocket ?? '';
  if (runtime.startsWith('docker://') && targetMinor >= DOCKERSHIM_REMOVED) {
    // cri-dockerd also reports docker://; a kubelet >= 1.24 on Docker must already be using it.
    const viaCriDockerd =
      socket.includes('cri-dockerd') || (kubelet !== undefined && kubelet.minor >= DOCKERSHIM_REMOVED);
    if (!viaCriDockerd)
      return `${node.containerRuntime} through dockershim${socket ? ` (${socket})` : ''}; dockershim was removed in 1.24`;
  }
  const containerd = /^containerd:\/\/v?(\d+)\./.exec(runtime);
  if (containerd && Number(containerd[1]) < 2 && targetMinor > CONTAINERD_1_LAST) {
    return `${node.containerRuntime}; 1.${CONTAINERD_1_LAST} was the last release to support containerd 1.x`;
  }
  return undefined;
}

export function checkRuntime(ctx: PreflightContext): Finding[] {
  const bad = ctx.inventory.nodes.flatMap((n) => {
    const why = runtimeProblem(n, ctx.target.minor);
    return why ? [{ n, why }] : [];
  });
  if (bad.length === 0) return [];
  const docker = bad.some((b) => b.why.includes('dockershim'));
  return [
    finding(
      'runtime-unsupported',
      'blocker',
      `${count(bad.length, 'node runs', 'nodes run')} a container runtime the ${ctx.target.raw} kubelet cannot use: ${listNames(bad.map((b) => b.n.name))}. Their kubelet would not start after the upgrade.`,
      bad.map(({ n, why }) => obj('Node', n.name, undefined, why)),
      docker
        ? 'Migrate each node to containerd (or to cri-dockerd) before the upgrade: drain it, install containerd, point the kubelet and the kubeadm.alpha.kubernetes.io/cri-socket annotation at its socket, uncordon. If a node already uses cri-dockerd, annotate it with that socket or waive with --ignore-check runtime-unsupported.'
        : 'Upgrade containerd to 2.x on each node (drain, upgrade, uncordon) before upgrading Kubernetes past 1.35.',
    ),
  ];
}
