/**
 * Server-side printing (`Accept: …;as=Table`) for the resources kubectl users look at, with the same columns
 * as kube-apiserver's printers (priority 1 = only with `-o wide`).
 */
import type { KObject } from '../store/types.js';

interface Column {
  name: string;
  type: string;
  priority?: number;
  cell: (o: KObject) => string | number;
}

const age = (o: KObject) => humanAge(o.metadata.creationTimestamp);

export function humanAge(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const cond = (o: KObject, type: string) => (o.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
const intOrPct = (v: unknown) => (v === undefined || v === null ? 'N/A' : String(v));

function nodeStatus(o: KObject): string {
  const ready = cond(o, 'Ready');
  const parts = [ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown'];
  if (o.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: KObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function podReady(o: KObject): string {
  const cs = o.status?.containerStatuses ?? [];
  const total = o.spec?.containers?.length ?? cs.length;
  return `${cs.filter((c: { ready: boolean }) => c.ready).length}/${total}`;
}

function podStatus(o: KObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  return o.status?.reason ?? o.status?.phase ?? 'Unknown';
}

const addr = (o: KObject, type: string) =>
  (o.status?.addresses ?? []).find((a: { type: string }) => a.type === type)?.address ?? '<none>';

/** `ip:port,…` of at most three ready endpoints, then ` + N more...` (kubectl's formatEndpoints). */
function endpointsCell(o: KObject): string {
  const list: string[] = [];
  let total = 0;
  for (const ss of (o.subsets ?? []) as { addresses?: { ip: string }[]; ports?: { port: number }[] }[]) {
    const ports = ss.ports?.length ? ss.ports : [undefined];
    for (const a of ss.addresses ?? []) {
      for (const p of ports) {
        total++;
        if (list.length < 3) list.push(p ? `${a.ip}:${p.port}` : a.ip);
      }
    }
  }
  if (total === 0) return '<none>';
  return total > list.length ? `${list.join(',')} + ${total - list.length} more...` : list.join(',');
}

function sliceEndpointsCell(o: KObject): string {
  const addrs = ((o.endpoints ?? []) as { addresses?: string[] }[]).flatMap((e) => e.addresses ?? []);
  if (addrs.length === 0) return '<unset>';
  const shown = addrs.slice(0, 3).join(',');
  return addrs.length > 3 ? `${shown} + ${addrs.length - 3} more...` : shown;
}

function servicePorts(o: KObject): string {
  const ports = (o.spec?.ports ?? []) as { port: number; nodePort?: number; protocol?: string }[];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

const labelMap = (m: Record<string, string> | undefined) => {
  const parts = Object.entries(m ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : '<none>';
};

const eventFirstSeen = (o: KObject) =>
  humanAge((o.firstTimestamp as string | null) ?? (o.eventTime as string | null) ?? undefined);
function eventLastSeen(o: KObject): string {
  const series = o.series as { lastObservedTime?: string } | undefined;
  if (series?.lastObservedTime) return humanAge(series.lastObservedTime);
  return o.lastTimestamp ? humanAge(o.lastTimestamp as string) : eventFirstSeen(o);
}
const eventCount = (o: KObject) =>
  (o.series as { count?: number } | undefined)?.count ?? ((o.count as number | undefined) || 1);
function externalIPs(o: KObject): string {
  if (o.spec?.externalIPs?.length) return o.spec.externalIPs.join(',');
  return o.spec?.type === 'ExternalName' ? o.spec.externalName : '<none>';
}
function slicePorts(o: KObject): string {
  const ports = (o.ports ?? []) as { port?: number }[] | null;
  if (!ports?.length) return '<unset>';
  return ports.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',');
}
const fieldPath = (o: KObject) => String((o.involvedObject as { fieldPath?: string } | undefined)?.fieldPath ?? '');
function eventSource(o: KObject): string {
  const src = (o.source ?? {}) as { component?: string; host?: string };
  const component = src.component || (o.reportingComponent as string | undefined) || '';
  const host = src.host || (o.reportingInstance as string | undefined) || '';
  if (!component) return '<unknown>';
  return host ? `${component}, ${host}` : component;
}
function eventObject(o: KObject): string {
  const io = (o.involvedObject ?? {}) as { kind?: string; name?: string };
  const kind = (io.kind ?? '').toLowerCase();
  return io.name ? `${kind}/${io.name}` : kind;
}

const COLUMNS: Record<string, Column[]> = {
  Service: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Type', type: 'string', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => o.spec?.clusterIP || '<none>' },
    { name: 'External-IP', type: 'string', cell: externalIPs },
    { name: 'Port(s)', type: 'string', cell: servicePorts },
    { name: 'Age', type: 'string', cell: age },
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => labelMap(o.spec?.selector) },
  ],
  Endpoints: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Endpoints', type: 'string', cell: endpointsCell },
    { name: 'Age', type: 'string', cell: age },
  ],
  EndpointSlice: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'AddressType', type: 'string', cell: (o) => String(o.addressType ?? '') },
    { name: 'Ports', type: 'string', cell: slicePorts },
    { name: 'Endpoints', type: 'string', cell: sliceEndpointsCell },
    { name: 'Age', type: 'string', cell: age },
  ],
  Event: [
    { name: 'Last Seen', type: 'string', cell: eventLastSeen },
    { name: 'Type', type: 'string', cell: (o) => String(o.type ?? '') },
    { name: 'Reason', type: 'string', cell: (o) => String(o.reason ?? '') },
    { name: 'Object', type: 'string', cell: eventObject },
    { name: 'Subobject', type: 'string', priority: 1, cell: fieldPath },
    { name: 'Source', type: 'string', priority: 1, cell: eventSource },
    { name: 'Message', type: 'string', cell: (o) => String(o.message ?? '').trim() },
    { name: 'First Seen', type: 'string', priority: 1, cell: eventFirstSeen },
    { name: 'Count', type: 'integer', priority: 1, cell: eventCount },
    { name: 'Name', type: 'string', priority: 1, cell: (o) => o.metadata.name },
  ],
  Node: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Status', type: 'string', cell: nodeStatus },
    { name: 'Roles', type: 'string', cell: nodeRoles },
    { name: 'Age', type: 'string', cell: age },
    { name: 'Version', type: 'string', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', type: 'string', priority: 1, cell: (o) => addr(o, 'InternalIP') },
    { name: 'External-IP', type: 'string', priority: 1, cell: (o) => addr(o, 'ExternalIP') },
    { name: 'OS-Image', type: 'string', priority: 1, cell: (o) => o.status?.nodeInfo?.osImage ?? '' },
    { name: 'Kernel-Version', type: 'string', priority: 1, cell: (o) => o.status?.nodeInfo?.kernelVersion ?? '' },
    {
      name: 'Container-Runtime',
      type: 'string',
      priority: 1,
      cell: (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '',
    },
  ],
  Pod: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Ready', type: 'string', cell: podReady },
    { name: 'Status', type: 'string', cell: podStatus },
    {
      name: 'Restarts',
      type: 'string',
      cell: (o) =>
        String(
          (o.status?.containerStatuses ?? []).reduce(
            (n: number, c: { restartCount?: number }) => n + (c.restartCount ?? 0),
            0,
          ),
        ),
    },
    { name: 'Age', type: 'string', cell: age },
    { name: 'IP', type: 'string', priority: 1, cell: (o) => o.status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => o.spec?.nodeName ?? '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: () => '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, cell: () => '<none>' },
  ],
  PodDisruptionBudget: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Min Available', type: 'string', cell: (o) => intOrPct(o.spec?.minAvailable) },
    { name: 'Max Unavailable', type: 'string', cell: (o) => intOrPct(o.spec?.maxUnavailable) },
    { name: 'Allowed Disruptions', type: 'integer', cell: (o) => o.status?.disruptionsAllowed ?? 0 },
    { name: 'Age', type: 'string', cell: age },
  ],
  Deployment: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Ready', type: 'string', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
    { name: 'Age', type: 'string', cell: age },
  ],
  ReplicaSet: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Desired', type: 'integer', cell: (o) => o.spec?.replicas ?? 1 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.readyReplicas ?? 0 },
    { name: 'Age', type: 'string', cell: age },
  ],
  StatefulSet: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Ready', type: 'string', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}` },
    { name: 'Age', type: 'string', cell: age },
  ],
  DaemonSet: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Desired', type: 'integer', cell: (o) => o.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.numberAvailable ?? 0 },
    {
      name: 'Node Selector',
      type: 'string',
      cell: (o) =>
        Object.entries(o.spec?.template?.spec?.nodeSelector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    },
    { name: 'Age', type: 'string', cell: age },
  ],
  Namespace: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Active' },
    { name: 'Age', type: 'string', cell: age },
  ],
  ConfigMap: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    {
      name: 'Data',
      type: 'integer',
      cell: (o) => Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length,
    },
    { name: 'Age', type: 'string', cell: age },
  ],
  Secret: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Type', type: 'string', cell: (o) => String(o.type ?? 'Opaque') },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data as object) ?? {}).length },
    { name: 'Age', type: 'string', cell: age },
  ],
  Lease: [
    { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
    { name: 'Holder', type: 'string', cell: (o) => o.spec?.holderIdentity ?? '' },
    { name: 'Age', type: 'string', cell: age },
  ],
};

const DEFAULT_COLUMNS: Column[] = [
  { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
  { name: 'Age', type: 'string', cell: age },
];

function columnsFor(kind: string): Column[] {
  return COLUMNS[kind] ?? DEFAULT_COLUMNS;
}

function partialMeta(o: KObject) {
  const { managedFields: _m, ...metadata } = o.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function toTable(
  kind: string,
  items: KObject[],
  meta: { resourceVersion: string; continue?: string; remainingItemCount?: number },
) {
  const cols = columnsFor(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: cols.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.name === 'Name' ? 'name' : '',
      description: c.name,
      priority: c.priority ?? 0,
    })),
    rows: items.map((o) => ({ cells: cols.map((c) => c.cell(o)), object: partialMeta(o) })),
  };
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}
