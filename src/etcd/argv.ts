/**
 * Pure argv builders for etcdctl/etcdutl (kubernetes-facts §8): connection flags (paths only), snapshot save
 * to ONE endpoint, offline snapshot status, and the multi-member restore. Validates what it is given so that
 * no value can be read as another flag.
 */
import type { EtcdConnection, EtcdTools, RestoreMember } from './types.js';

/** The environment every etcdctl call gets (v3 API; the default since 3.4, harmless before and after). */
export const ETCDCTL_ENV: Readonly<Record<string, string>> = Object.freeze({ ETCDCTL_API: '3' });

const noFlag = (what: string, v: string): string => {
  if (v === '' || v.startsWith('-') || v.includes('\0') || /[\r\n]/.test(v)) {
    throw new TypeError(`${what} ${JSON.stringify(v)} is empty or could be read as a flag`);
  }
  return v;
};

/** `--cacert/--cert/--key` for the paths the connection names (never their content). */
export const tlsFlags = (conn: Pick<EtcdConnection, 'cacert' | 'cert' | 'key'>): string[] => {
  const out: string[] = [];
  if (conn.cacert) out.push(`--cacert=${noFlag('cacert', conn.cacert)}`);
  if (conn.cert) out.push(`--cert=${noFlag('cert', conn.cert)}`);
  if (conn.key) out.push(`--key=${noFlag('key', conn.key)}`);
  return out;
};

const endpointsFlag = (endpoints: readonly string[]): string => {
  if (endpoints.length === 0) throw new TypeError('no etcd endpoints given');
  for (const e of endpoints) {
    noFlag('endpoint', e);
    if (e.includes(',') || /\s/.test(e))
      throw new TypeError(`endpoint ${JSON.stringify(e)} contains a comma or a space`);
  }
  return `--endpoints=${endpoints.join(',')}`;
};

export interface TimeoutFlags {
  /** `--dial-timeout` (default 3 s). */
  dialTimeoutMs?: number;
  /** `--command-timeout` (default 10 s). */
  commandTimeoutMs?: number;
}

const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`;

/** `etcdctl --endpoints=a,b … endpoint health -w json`. */
export const endpointHealthArgv = (
  tools: Pick<EtcdTools, 'etcdctl'>,
  conn: EtcdConnection,
  t: TimeoutFlags = {},
): string[] => [
  tools.etcdctl,
  endpointsFlag(conn.endpoints),
  ...tlsFlags(conn),
  `--dial-timeout=${seconds(t.dialTimeoutMs ?? 3_000)}`,
  `--command-timeout=${seconds(t.commandTimeoutMs ?? 10_000)}`,
  'endpoint',
  'health',
  '-w',
  'json',
];

/** `etcdctl --endpoints=<one> … snapshot save <file>`: etcd refuses a save from several endpoints. */
export const snapshotSaveArgv = (
  tools: Pick<EtcdTools, 'etcdctl'>,
  conn: EtcdConnection,
  endpoint: string,
  file: string,
  t: TimeoutFlags = {},
): string[] => [
  tools.etcdctl,
  endpointsFlag([endpoint]),
  ...tlsFlags(conn),
  `--dial-timeout=${seconds(t.dialTimeoutMs ?? 3_000)}`,
  ...(t.commandTimeoutMs ? [`--command-timeout=${seconds(t.commandTimeoutMs)}`] : []),
  'snapshot',
  'save',
  noFlag('snapshot path', file),
];

/** The tool for offline work on a snapshot file: etcdutl when present (3.5+), else etcdctl (3.4). */
export const offlineTool = (tools: EtcdTools): string => tools.etcdutl ?? tools.etcdctl;

/** `etcdutl|etcdctl snapshot status <file> -w json`. */
export const snapshotStatusArgv = (tools: EtcdTools, file: string): string[] => [
  offlineTool(tools),
  'snapshot',
  'status',
  noFlag('snapshot path', file),
  '-w',
  'json',
];

/** `etcdutl|etcdctl snapshot restore <file> --name … --data-dir … --initial-cluster … --initial-advertise-peer-urls … --initial-cluster-token …`. */
export const restoreArgv = (tools: EtcdTools, snapshotPath: string, member: RestoreMember): string[] => {
  const { name, dataDir, initialCluster, initialAdvertisePeerUrls, initialClusterToken } = member;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    throw new TypeError(`member name ${JSON.stringify(name)} is not a valid etcd member name`);
  const entries = noFlag('initial cluster', initialCluster).split(',');
  if (!entries.some((kv) => kv.startsWith(`${name}=`)))
    throw new TypeError(`member ${name} is not in the initial cluster ${initialCluster}`);
  for (const url of noFlag('peer URL', initialAdvertisePeerUrls).split(',')) {
    if (!entries.includes(`${name}=${url}`)) {
      throw new TypeError(`initial cluster ${initialCluster} does not give ${name} the peer URL ${url}`);
    }
  }
  return [
    offlineTool(tools),
    'snapshot',
    'restore',
    noFlag('snapshot path', snapshotPath),
    `--name=${name}`,
    `--data-dir=${noFlag('data dir', dataDir)}`,
    `--initial-cluster=${initialCluster}`,
    `--initial-advertise-peer-urls=${noFlag('peer URL', initialAdvertisePeerUrls)}`,
    `--initial-cluster-token=${noFlag('initial cluster token', initialClusterToken)}`,
  ];
};
