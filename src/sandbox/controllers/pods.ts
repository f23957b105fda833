/**
 * How pods come to be: a pod from a workload template with the apiserver's defaults applied, and the status a
 * kubelet writes for a running pod. Shared by the controllers and by the workload builders (which create
 * pods that are already running, as in a cluster that has been up for a while).
 */
import { createHash } from 'node:crypto';
import type { KObject, OwnerReference } from '../store/types.js';
import { qosClass } from './quantity.js';
import { type Condition, now } from './util.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = any;

/** The NoExecute tolerations the DefaultTolerationSeconds admission plugin adds to every pod. */
const DEFAULT_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

/** Pod spec defaults (apiserver defaulting + admission). Returns a new spec; shares nothing mutable with `spec`. */
export function defaultPodSpec(spec: Spec, extraTolerations: object[] = []): Spec {
  const containers = (spec.containers ?? []).map((c: Spec) => ({
    imagePullPolicy: /:latest$|^[^:]*$/.test(c.image ?? '') ? 'Always' : 'IfNotPresent',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...structuredClone(c),
  }));
  const tolerations = [...structuredClone(spec.tolerations ?? []), ...extraTolerations];
  for (const t of DEFAULT_TOLERATIONS)
    if (!tolerations.some((x: Spec) => x.key === t.key && x.effect === t.effect)) tolerations.push(t);
  return {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    serviceAccount: spec.serviceAccountName ?? 'default',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    ...structuredClone(spec),
    containers,
    tolerations,
  };
}

export interface NewPodOptions {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: OwnerReference;
  /** An already-defaulted spec (see defaultPodSpec); it is shallow-copied, nested values may be shared. */
  spec: Spec;
  nodeName?: string;
  /** Status to store instead of Pending (pre-built running pods). */
  status?: Spec;
}

export function newPod(o: NewPodOptions): KObject {
  const spec = o.nodeName ? { ...o.spec, nodeName: o.nodeName } : { ...o.spec };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: o.labels,
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.owner ? { ownerReferences: [o.owner] } : {}),
    },
    spec,
    status: o.status ?? { phase: 'Pending', qosClass: qosClass(spec) },
  };
}

export function podConditions(ready: boolean, time: string, scheduledTime = time): Condition[] {
  const r = ready ? 'True' : 'False';
  const notReady = ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' };
  return [
    { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: time },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: time },
    { type: 'Ready', status: r, lastProbeTime: null, lastTransitionTime: time, ...notReady },
    { type: 'ContainersReady', status: r, lastProbeTime: null, lastTransitionTime: time, ...notReady },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: scheduledTime },
  ];
}

function containerId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** The status a kubelet reports for a running pod (Ready or still starting). */
export function runningStatus(
  pod: KObject,
  hostIP: string,
  podIP: string,
  ready: boolean,
  time = now(),
  startTime = time,
): Spec {
  const spec = pod.spec ?? {};
  const scheduled = (pod.status?.conditions as Condition[] | undefined)?.find(
    (c) => c.type === 'PodScheduled',
  )?.lastTransitionTime;
  const conditions = podConditions(ready, time, scheduled ?? startTime);
  for (const c of conditions)
    if (c.type !== 'Ready' && c.type !== 'ContainersReady' && c.type !== 'PodScheduled')
      c.lastTransitionTime = startTime;
  if (!ready)
    for (const c of conditions)
      if (c.message)
        c.message = `containers with unready status: [${(spec.containers ?? []).map((x: Spec) => x.name).join(' ')}]`;
  return {
    phase: 'Running',
    conditions,
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime,
    containerStatuses: (spec.containers ?? []).map((c: Spec) => ({
      name: c.name,
      state: { running: { startedAt: startTime } },
      lastState: {},
      ready,
      restartCount: 0,
      image: c.image,
      imageID: `${String(c.image).replace(/:[^:/]*$/, '')}@sha256:${containerId(String(c.image))}`,
      containerID: `containerd://${containerId(`${pod.metadata.uid}/${c.name}/${startTime}`)}`,
      started: true,
    })),
    qosClass: pod.status?.qosClass ?? qosClass(spec),
  };
}

/** Marks a running pod's status Ready (or not) without touching the rest. */
export function setReady(status: Spec, ready: boolean, time = now()): void {
  const r = ready ? 'True' : 'False';
  for (const c of status.conditions ?? []) {
    if (c.type !== 'Ready' && c.type !== 'ContainersReady') continue;
    if (c.status !== r) c.lastTransitionTime = time;
    c.status = r;
    if (ready) {
      delete c.reason;
      delete c.message;
    } else {
      c.reason = 'ContainersNotReady';
      c.message = `containers with unready status: [${(status.containerStatuses ?? []).map((x: Spec) => x.name).join(' ')}]`;
    }
  }
  for (const cs of status.containerStatuses ?? []) cs.ready = ready;
}

/** `10.64.3.0/24` → `10.64.3.<n>`; nodes without a podCIDR share 10.244.255.0/24. */
export function podIpFor(podCIDR: string | undefined, n: number): string {
  const prefix = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(podCIDR ?? '')?.[1] ?? '10.244.255';
  return `${prefix}.${n}`;
}

export function nodeInternalIP(node: KObject | undefined): string {
  const addrs = (node?.status?.addresses ?? []) as { type: string; address: string }[];
  return addrs.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
}
