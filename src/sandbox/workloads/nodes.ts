/**
 * The cluster's machines and Node objects: control planes `cp-1..cp-N`, then `POOL-1..POOL-COUNT` workers
 * (label `pool=POOL`), zones round-robin per pool, unique InternalIPs (10.0.x.y) and pod CIDRs
 * (10.64.0.0/10, one /24 per node), kubeadm's control-plane labels and taint, Ready with heartbeat times, and
 * a node Lease each, as on a cluster whose kubelets have been running for a while.
 */
import { type Machine, type SandboxCluster, ZONES } from '../cluster.js';
import { leaseFor, kubeProxyVersionFor } from '../controllers/node-agent.js';
import { CONTROL_PLANE_TAINT } from '../controllers/taints.js';
import { now } from '../controllers/util.js';
import type { KObject } from '../store/types.js';
import { seededUuid } from './ids.js';

export interface NodePlan {
  name: string;
  role: 'control-plane' | 'worker';
  pool?: string;
  zone: string;
}

/** Which nodes the options ask for. The scale workload spreads `nodes − controlPlanes` workers over the pools. */
export function planNodes(cluster: SandboxCluster): NodePlan[] {
  const o = cluster.options;
  const out: NodePlan[] = [];
  for (let i = 1; i <= o.controlPlanes; i++)
    out.push({ name: `cp-${i}`, role: 'control-plane', zone: ZONES[(i - 1) % ZONES.length] });
  let pools = o.pools.map((p) => ({ ...p }));
  if (o.workload.kind === 'scale') {
    const workers = Math.max(0, o.workload.nodes - o.controlPlanes);
    const names = pools.length > 0 ? pools.map((p) => p.name) : ['workers'];
    pools = names.map((name, i) => ({
      name,
      count: Math.floor(workers / names.length) + (i < workers % names.length ? 1 : 0),
    }));
  }
  for (const p of pools) {
    for (let i = 1; i <= p.count; i++)
      out.push({ name: `${p.name}-${i}`, role: 'worker', pool: p.name, zone: ZONES[(i - 1) % ZONES.length] });
  }
  return out;
}

function condition(type: string, status: 'True' | 'False', reason: string, message: string, t: string) {
  return { type, status, lastHeartbeatTime: t, lastTransitionTime: t, reason, message };
}

export function nodeObject(plan: NodePlan, index: number, version: string, random: () => number): KObject {
  const cp = plan.role === 'control-plane';
  const t = now();
  const address = `10.0.${Math.floor(index / 250)}.${(index % 250) + 2}`;
  const podCIDR = `10.${64 + Math.floor(index / 256)}.${index % 256}.0/24`;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': plan.name,
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/region': 'sandbox',
    'topology.kubernetes.io/zone': plan.zone,
    ...(cp
      ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }
      : { pool: plan.pool! }),
  };
  const capacity = cp
    ? { cpu: '2', memory: '8Gi', pods: '110', 'ephemeral-storage': '50Gi' }
    : { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  const allocatable = { ...capacity, memory: cp ? '7680Mi' : '15872Mi', 'ephemeral-storage': cp ? '46Gi' : '92Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: plan.name,
      uid: seededUuid(random),
      resourceVersion: '',
      creationTimestamp: '',
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR,
      podCIDRs: [podCIDR],
      providerID: `sandbox://${plan.name}`,
      ...(cp ? { taints: [{ key: CONTROL_PLANE_TAINT, effect: 'NoSchedule' }] } : {}),
    },
    status: {
      capacity,
      allocatable,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
          t,
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', t),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', t),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', t),
      ],
      addresses: [
        { type: 'InternalIP', address },
        { type: 'Hostname', address: plan.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: seededUuid(random).replace(/-/g, ''),
        systemUUID: seededUuid(random),
        bootID: seededUuid(random),
        kernelVersion: '6.1.0-26-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.22',
        kubeletVersion: version,
        kubeProxyVersion: kubeProxyVersionFor(version),
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** Creates the machines, Node objects and node Leases; returns the stored nodes in plan order. */
export function buildNodes(cluster: SandboxCluster, random: () => number): KObject[] {
  const version = cluster.options.version;
  const out: KObject[] = [];
  planNodes(cluster).forEach((plan, i) => {
    const node = cluster.store.create('nodes', nodeObject(plan, i, version, random));
    const machine: Machine = {
      name: plan.name,
      role: plan.role,
      ...(plan.pool ? { pool: plan.pool } : {}),
      zone: plan.zone,
      address: node.status.addresses[0].address,
      kubeletVersion: version,
      ...(plan.role === 'control-plane' ? { controlPlaneVersion: version } : {}),
      upgrades: 0,
      downgrades: 0,
      kubelet: 'running',
    };
    cluster.machines.set(plan.name, machine);
    cluster.store.create('coordination.k8s.io/leases', leaseFor(node));
    out.push(node);
  });
  return out;
}
