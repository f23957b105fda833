/**
 * Builders for the objects a workload is made of — namespaces, Deployments, StatefulSets, DaemonSets, PDBs,
 * bare pods — as a user would `kubectl apply` them (specs only; the controllers or the pre-built path add
 * status). Every container carries cpu/memory requests.
 */
import type { KObject } from '../store/types.js';

const meta = (name: string, namespace?: string, labels?: Record<string, string>) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: '',
  resourceVersion: '',
  creationTimestamp: '',
  ...(labels ? { labels } : {}),
});

export function namespace(name: string, uid = ''): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { ...meta(name, undefined, { 'kubernetes.io/metadata.name': name }), uid },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export interface AppOptions {
  image: string;
  cpu: string;
  memory: string;
  /** Container name (default: the workload name). */
  container?: string;
  labels?: Record<string, string>;
  emptyDir?: boolean;
  hostNetwork?: boolean;
  tolerations?: object[];
  nodeSelector?: Record<string, string>;
  priorityClassName?: string;
  args?: string[];
}

/** A pod template with `app: <name>` (or the given labels). */
export function podTemplate(
  name: string,
  o: AppOptions,
): { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } {
  const container: Record<string, unknown> = {
    name: o.container ?? name,
    image: o.image,
    ...(o.args ? { args: o.args } : {}),
    resources: { requests: { cpu: o.cpu, memory: o.memory } },
    ...(o.emptyDir ? { volumeMounts: [{ name: 'cache', mountPath: '/var/cache/app' }] } : {}),
  };
  return {
    metadata: { labels: o.labels ?? { app: name } },
    spec: {
      containers: [container],
      ...(o.emptyDir ? { volumes: [{ name: 'cache', emptyDir: {} }] } : {}),
      ...(o.hostNetwork ? { hostNetwork: true } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
    },
  };
}

export function deployment(
  ns: string,
  name: string,
  replicas: number,
  o: AppOptions,
  rolling?: { maxSurge?: number | string; maxUnavailable?: number | string },
): KObject {
  const template = podTemplate(name, o);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, ns, { ...template.metadata.labels }),
    spec: {
      replicas,
      selector: { matchLabels: { ...template.metadata.labels } },
      template,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: rolling?.maxSurge ?? '25%', maxUnavailable: rolling?.maxUnavailable ?? '25%' },
      },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
  };
}

export function statefulSet(ns: string, name: string, replicas: number, o: AppOptions): KObject {
  const template = podTemplate(name, o);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(name, ns, { ...template.metadata.labels }),
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { ...template.metadata.labels } },
      template,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
    },
  };
}

export function daemonSet(ns: string, name: string, o: AppOptions): KObject {
  const template = podTemplate(name, o);
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta(name, ns, { ...template.metadata.labels }),
    spec: {
      selector: { matchLabels: { ...template.metadata.labels } },
      template,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    },
  };
}

export function pdb(
  ns: string,
  name: string,
  matchLabels: Record<string, string>,
  budget: { minAvailable: number | string } | { maxUnavailable: number | string },
): KObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(name, ns),
    spec: { ...budget, selector: { matchLabels } },
  };
}

/** A pod with no controller, for the scheduler to place. */
export function barePod(ns: string, name: string, o: AppOptions): KObject {
  const t = podTemplate(name, o);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, ns, t.metadata.labels),
    spec: t.spec,
    status: { phase: 'Pending' },
  };
}

/** Tolerates every taint (kube-proxy, node agents). */
export const TOLERATE_ALL = [{ operator: 'Exists' }];

export interface ServicePortSpec {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

/** A ClusterIP Service selecting `selector` (headless: `clusterIP: None`); the ClusterIP is allocated on create. */
export function service(
  ns: string,
  name: string,
  selector: Record<string, string>,
  ports: ServicePortSpec[],
  headless = false,
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, ns, { app: name }),
    spec: { ...(headless ? { clusterIP: 'None' } : {}), selector, ports: ports.map((p) => ({ ...p })) },
  };
}
