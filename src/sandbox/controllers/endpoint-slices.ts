/**
 * What kube-controller-manager's endpoint controllers compute for a Service, as pure functions: the pods it
 * selects, their ports (a named targetPort resolved against each pod's container ports), the endpoints of its
 * EndpointSlices (`discovery.k8s.io/v1`: one per pod with an IP, terminating pods included, conditions
 * `ready` = Ready and not terminating (or publishNotReadyAddresses), `serving` = Ready, `terminating` =
 * deletionTimestamp set; nodeName, zone, targetRef, hostname for a pod whose subdomain is the Service), split by
 * port mapping and at most MAX_ENDPOINTS_PER_SLICE per slice, and the legacy `v1/Endpoints` subsets (ready
 * addresses and notReadyAddresses, terminating pods left out). Shared by the controller and the pre-built
 * workloads, so a pre-built cluster already has what the controller would write.
 */
import type { ObjectStore } from '../store/object-store.js';
import type { KObject } from '../store/types.js';
import { POD_LABEL_INDEX, podLabelKey } from './disruption.js';
import { isPodReady, isTerminal } from './util.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
/** kube-controller-manager's --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Endpoint = Record<string, any>;

/** Selector of a Service (a plain label map); undefined when the Service has none (its endpoints are the user's). */
export function serviceSelector(svc: KObject): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  return sel && typeof sel === 'object' ? (sel as Record<string, string>) : undefined;
}

export function selects(sel: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const k in sel) if (labels?.[k] !== sel[k]) return false;
  return true;
}

/** Pods of the Service's namespace its selector matches, through the store's pod label index when it has one. */
export function selectedPods(store: ObjectStore, svc: KObject): KObject[] {
  const sel = serviceSelector(svc);
  if (!sel) return [];
  const ns = svc.metadata.namespace!;
  const first = Object.keys(sel).sort()[0];
  let pods: KObject[];
  if (first === undefined) pods = store.byIndex('pods', 'namespace', ns);
  else if (store.hasIndex('pods', POD_LABEL_INDEX))
    pods = store.byIndex('pods', POD_LABEL_INDEX, podLabelKey(ns, first, sel[first]));
  else pods = store.byIndex('pods', 'namespace', ns);
  return pods.filter((p) => selects(sel, p.metadata.labels));
}

/** The Service's ports as the pod serves them; a named targetPort the pod does not declare drops that port. */
export function podPorts(svc: KObject, pod: KObject): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of (svc.spec?.ports ?? []) as Record<string, unknown>[]) {
    const target = sp.targetPort ?? sp.port;
    let port: number | undefined;
    if (typeof target === 'number') port = target;
    else if (typeof target === 'string' && /^\d+$/.test(target)) port = Number(target);
    else {
      for (const c of pod.spec?.containers ?? []) {
        for (const cp of c.ports ?? [])
          if (cp.name === target && (cp.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) port ??= cp.containerPort;
      }
    }
    if (port === undefined) continue;
    out.push({
      name: (sp.name as string | undefined) ?? '',
      port,
      protocol: (sp.protocol as string | undefined) ?? 'TCP',
      ...(sp.appProtocol ? { appProtocol: sp.appProtocol as string } : {}),
    });
  }
  return out;
}

export const portsKey = (ports: SlicePort[] | null | undefined): string =>
  JSON.stringify((ports ?? []).map((p) => [p.name, p.port, p.protocol, p.appProtocol ?? '']));

const podIP = (p: KObject): string | undefined => p.status?.podIPs?.[0]?.ip ?? p.status?.podIP ?? undefined;

const setHostname = (svc: KObject, pod: KObject): boolean =>
  !!pod.spec?.hostname && pod.spec?.subdomain === svc.metadata.name;

/**
 * The pods that get an endpoint: those with an IP that have not finished; terminating ones too for slices, for the
 * legacy Endpoints only with publishNotReadyAddresses.
 */
export function endpointPods(svc: KObject, pods: KObject[], includeTerminating: boolean): KObject[] {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  return pods.filter(
    (p) => !isTerminal(p) && podIP(p) && (includeTerminating || publish || !p.metadata.deletionTimestamp),
  );
}

/** One EndpointSlice endpoint for `pod`. `zoneOf` gives a node's zone label. */
export function sliceEndpoint(svc: KObject, pod: KObject, zoneOf: (node: string) => string | undefined): Endpoint {
  const terminating = !!pod.metadata.deletionTimestamp;
  const serving = isPodReady(pod);
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const node = pod.spec?.nodeName as string | undefined;
  const zone = node ? zoneOf(node) : undefined;
  return {
    addresses: [podIP(pod)],
    conditions: { ready, serving, terminating },
    ...(setHostname(svc, pod) ? { hostname: pod.spec.hostname } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    ...(node ? { nodeName: node } : {}),
    ...(zone ? { zone } : {}),
  };
}

/** The Service's endpoints grouped by port mapping: portsKey → ports and endpoints (pods in the given order). */
export function desiredEndpoints(
  svc: KObject,
  pods: KObject[],
  zoneOf: (node: string) => string | undefined,
): Map<string, { ports: SlicePort[]; endpoints: Endpoint[] }> {
  const out = new Map<string, { ports: SlicePort[]; endpoints: Endpoint[] }>();
  for (const pod of endpointPods(svc, pods, true)) {
    const ports = podPorts(svc, pod);
    const key = portsKey(ports);
    let group = out.get(key);
    if (!group) out.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push(sliceEndpoint(svc, pod, zoneOf));
  }
  return out;
}

/** The labels a managed slice carries: the Service's, then the service-name and managed-by labels (headless too). */
export function sliceLabels(svc: KObject): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata.labels };
  delete labels[SERVICE_NAME_LABEL];
  delete labels[MANAGED_BY_LABEL];
  labels[SERVICE_NAME_LABEL] = svc.metadata.name;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

/** A new managed EndpointSlice for the Service (uid etc. are filled by the store). */
export function newSlice(svc: KObject, name: string, ports: SlicePort[] | null, endpoints: Endpoint[] | null): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      generateName: `${svc.metadata.name.slice(0, 57)}-`,
      namespace: svc.metadata.namespace,
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: sliceLabels(svc),
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: svc.metadata.name,
          uid: svc.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

/** The legacy Endpoints subsets: per port mapping, ready addresses and notReadyAddresses, sorted by IP. */
export function endpointsSubsets(svc: KObject, pods: KObject[]): Record<string, unknown>[] {
  const groups = new Map<string, { ports: SlicePort[]; ready: Endpoint[]; notReady: Endpoint[] }>();
  const publish = svc.spec?.publishNotReadyAddresses === true;
  for (const pod of endpointPods(svc, pods, false)) {
    const ports = podPorts(svc, pod);
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    const addr = {
      ip: podIP(pod),
      ...(setHostname(svc, pod) ? { hostname: pod.spec.hostname } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    (publish || isPodReady(pod) ? g.ready : g.notReady).push(addr);
  }
  const byIp = (a: Endpoint, b: Endpoint) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
  return [...groups.values()].map((g) => ({
    ...(g.ready.length ? { addresses: g.ready.sort(byIp) } : {}),
    ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
    ports: g.ports.map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port,
      protocol: p.protocol,
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    })),
  }));
}

/** The legacy Endpoints object of the Service. */
export function endpointsObject(svc: KObject, pods: KObject[]): KObject {
  const subsets = endpointsSubsets(svc, pods);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      uid: '',
      resourceVersion: '',
      creationTimestamp: '',
      labels: { ...svc.metadata.labels, [SKIP_MIRROR_LABEL]: 'true' },
    },
    ...(subsets.length ? { subsets } : {}),
  };
}

/** A node's zone label, from the store. */
export function zoneLookup(store: ObjectStore): (node: string) => string | undefined {
  return (node) => store.get('nodes', undefined, node)?.metadata.labels?.[ZONE_LABEL];
}
