/** Hand-built inventories and contexts for the pure parts of the checks (no cluster: the client is a stub). */
import type { ClusterReads, NodeInfo, PdbInfo, PodInfo, WorkloadInfo } from '../../../src/cluster/index.js';
import {
  batchNodes,
  versionPathInput,
  type ComponentInfo,
  type Inventory,
  type PreflightContext,
} from '../../../src/checks/index.js';
import { fakeClient } from '../../helpers/fake-client.js';
import {
  computeVersionPath,
  parseTargetVersion,
  planWorkerBatches,
  type BatchingOptions,
} from '../../../src/plan/index.js';

const GI = 2 ** 30;

export const node = (
  name: string,
  o: Partial<NodeInfo> & { cpu?: number; memGi?: number; pods?: number } = {},
): NodeInfo => {
  const { cpu = 4, memGi = 16, pods = 110, ...rest } = o;
  return {
    name,
    uid: `uid-${name}`,
    labels: {
      'kubernetes.io/hostname': name,
      ...(rest.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
    },
    controlPlane: false,
    kubeletVersion: 'v1.31.4',
    containerRuntime: 'containerd://1.7.22',
    ready: true,
    unschedulable: false,
    taints: rest.controlPlane ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : [],
    allocatable: { cpuMilli: cpu * 1000, memoryBytes: memGi * GI, pods },
    resourceVersion: '1',
    ...rest,
  };
};

let uid = 0;
export const pod = (
  namespace: string,
  name: string,
  nodeName: string | undefined,
  o: Partial<PodInfo> & { cpu?: number; memGi?: number; owner?: { kind: string; name: string } } = {},
): PodInfo => {
  const { cpu = 0.1, memGi = 0.125, owner, ...rest } = o;
  return {
    namespace,
    name,
    uid: `pod-${++uid}`,
    ...(nodeName ? { nodeName } : {}),
    labels: {},
    ...(owner
      ? {
          controller: {
            kind: owner.kind,
            name: owner.name,
            uid: `${owner.kind}-${namespace}-${owner.name}`,
            apiVersion: 'apps/v1',
          },
        }
      : {}),
    mirror: false,
    phase: 'Running',
    ready: true,
    terminating: false,
    requests: { cpuMilli: Math.round(cpu * 1000), memoryBytes: Math.round(memGi * GI), pods: 1 },
    emptyDirVolumes: [],
    nodeSelector: {},
    tolerations: [],
    images: ['registry.example.com/app:1'],
    ...rest,
  };
};

/** A Deployment with its ReplicaSet and `replicas` pods on the given nodes (label app=<name>). */
export const app = (
  namespace: string,
  name: string,
  nodes: string[],
  o: {
    cpu?: number;
    memGi?: number;
    replicas?: number;
    emptyDir?: boolean;
    nodeSelector?: Record<string, string>;
  } = {},
) => {
  const rs = `${name}-abc`;
  const workloads: WorkloadInfo[] = [
    {
      kind: 'Deployment',
      namespace,
      name,
      uid: `d-${namespace}-${name}`,
      replicas: o.replicas ?? nodes.length,
      readyReplicas: nodes.length,
      availableReplicas: nodes.length,
      images: [],
    },
    {
      kind: 'ReplicaSet',
      namespace,
      name: rs,
      uid: `ReplicaSet-${namespace}-${rs}`,
      replicas: o.replicas ?? nodes.length,
      readyReplicas: nodes.length,
      availableReplicas: nodes.length,
      owner: { kind: 'Deployment', name, uid: `d-${namespace}-${name}`, apiVersion: 'apps/v1' },
      images: [],
    },
  ];
  const pods = nodes.map((n, i) =>
    pod(namespace, `${rs}-${i}`, n, {
      owner: { kind: 'ReplicaSet', name: rs },
      labels: { app: name },
      cpu: o.cpu,
      memGi: o.memGi,
      ...(o.emptyDir ? { emptyDirVolumes: ['cache'] } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    }),
  );
  return { workloads, pods };
};

export const pdb = (
  namespace: string,
  name: string,
  matchLabels: Record<string, string>,
  budget: Partial<PdbInfo>,
): PdbInfo => ({
  namespace,
  name,
  selector: { matchLabels },
  disruptionsAllowed: 1,
  currentHealthy: 0,
  desiredHealthy: 0,
  expectedPods: 0,
  current: true,
  ...budget,
});

export const staticPods = (cpNode: string, version = 'v1.31.4', ready = true): ComponentInfo[] =>
  (['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const)
    .map((component): ComponentInfo => ({
      component,
      node: cpNode,
      version,
      image: `registry.k8s.io/${component}:${version}`,
      ready,
    }))
    .concat([{ component: 'etcd', node: cpNode, version: '3.5.15-0', image: 'registry.k8s.io/etcd:3.5.15-0', ready }]);

export const inventory = (o: Partial<Inventory> = {}): Inventory => ({
  identity: { server: 'https://127.0.0.1:6443', kubeSystemUid: 'uid-kube-system' },
  serverVersion: 'v1.31.4',
  nodes: [],
  pods: [],
  pdbs: [],
  workloads: [],
  components: [
    ...staticPods('cp-1'),
    { component: 'kube-proxy', version: 'v1.31.4', image: 'registry.k8s.io/kube-proxy:v1.31.4' },
  ],
  ...o,
});

/** A client stub: tests that reach the cluster pass their own; the rest fail loudly if they try. */
export const noClient = fakeClient<ClusterReads>();

export const context = (
  inv: Inventory,
  o: {
    target?: string;
    batching?: BatchingOptions;
    deleteEmptyDirData?: boolean;
    forceUnmanaged?: boolean;
    client?: ClusterReads;
    manifestsDir?: string;
  } = {},
): PreflightContext => {
  const target = parseTargetVersion(o.target ?? 'v1.32.0');
  return {
    inventory: inv,
    path: computeVersionPath(versionPathInput(inv, target)),
    batches: planWorkerBatches(batchNodes(inv), o.batching ?? { groups: [] }),
    target,
    options: { deleteEmptyDirData: o.deleteEmptyDirData ?? false, forceUnmanaged: o.forceUnmanaged ?? false },
    ...(o.manifestsDir ? { manifestsDir: o.manifestsDir } : {}),
    client: o.client ?? noClient,
  };
};
