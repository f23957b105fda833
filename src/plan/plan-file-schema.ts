/**
 * The plan schema as a hand-written validator (no schema library): it walks a parsed document, reports EVERY
 * problem with its path (`groups[1].batches[0][2]: expected a node name string`), refuses unknown fields, and
 * rebuilds the plan with its keys in the canonical order (the order of `plan-file-types.ts`), so the same
 * function serves reading and writing. Consistency checks between sections (batches cover their group, hop
 * nodes are known, the summary agrees with the findings) run once the structure is valid.
 */
import { SEVERITIES, type Finding, type FindingObject } from './findings.js';
import { argvTemplateProblems, RESTORE_PLACEHOLDERS } from './plan-file-argv.js';
import type { PlanFileProblem } from './plan-file-errors.js';
import { CONTENT_HASH_PATTERN } from './plan-file-hash.js';
import { computePlanSummary } from './plan-file-summary.js';
import {
  ETCD_SNAPSHOT_MODES,
  PACKAGE_MANAGERS,
  PLAN_API_VERSION,
  PLAN_COMPONENTS,
  PLAN_KIND,
  PLAN_STRATEGIES,
  SSH_HOST_KEY_CHECKING,
  type PlanCluster,
  type PlanCommandGate,
  type PlanComponentVersions,
  type PlanControlPlane,
  type PlanControlPlaneHop,
  type PlanDrainOptions,
  type PlanDriver,
  type PlanEtcdSnapshot,
  type PlanGroup,
  type PlanHealthGates,
  type PlanHttpGate,
  type PlanMetadata,
  type PlanOptions,
  type PlanSummary,
  type PlanWorkerHop,
  type PlanWorkers,
  type SshSettings,
  type UpgradePlan,
} from './plan-file-types.js';
import { WORKER_STEP_REASONS } from './version-path.js';
import { compareVersions, tryParseReportedVersion, type KubeVersion } from './versions.js';

type Problems = PlanFileProblem[];
/** Checks one value; returns it rebuilt (or, when invalid, something of no use: callers look at `out` first). */
type Check<T> = (value: unknown, path: string, out: Problems) => T;

const at = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const where = (path: string): string => (path === '' ? '(root)' : path);
const problem = (out: Problems, path: string, message: string): void => {
  out.push({ path: where(path), message });
};
const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;

// ---- scalars ------------------------------------------------------------------------------------------

const string =
  (what = 'a string', test?: (s: string) => string | undefined): Check<string> =>
  (v, path, out) => {
    if (typeof v !== 'string') problem(out, path, `expected ${what}, got ${describe(v)}`);
    else if (v.trim() === '') problem(out, path, `expected ${what}, got an empty string`);
    else {
      const why = test?.(v);
      if (why) problem(out, path, why);
    }
    return v as string;
  };

/** Any string, the empty string included. */
const text: Check<string> = (v, path, out) => {
  if (typeof v !== 'string') problem(out, path, `expected a string, got ${describe(v)}`);
  return v as string;
};

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER, unit = ''): Check<number> =>
  (v, path, out) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      problem(out, path, `expected a whole number${unit} ${range}, got ${describe(v)}`);
    }
    return v as number;
  };
const seconds = (min: number): Check<number> => integer(min, Number.MAX_SAFE_INTEGER, ' of seconds');

const boolean: Check<boolean> = (v, path, out) => {
  if (typeof v !== 'boolean') problem(out, path, `expected true or false, got ${describe(v)}`);
  return v as boolean;
};

const oneOf =
  <T extends string>(values: readonly T[]): Check<T> =>
  (v, path, out) => {
    if (typeof v !== 'string' || !values.includes(v as T)) problem(out, path, `expected one of ${values.join(', ')}, got ${describe(v)}`);
    return v as T;
  };

const literal =
  <T extends string>(value: T): Check<T> =>
  (v, path, out) => {
    if (v !== value) problem(out, path, `expected ${JSON.stringify(value)}, got ${describe(v)}`);
    return v as T;
  };

const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const nodeName: Check<string> = (v, path, out) => {
  if (typeof v !== 'string') problem(out, path, `expected a node name string, got ${describe(v)}`);
  else if (!NODE_NAME.test(v)) problem(out, path, `${JSON.stringify(v)} is not a node name (lower-case letters, digits, "-" and ".")`);
  return v as string;
};

const reportedVersion = string('a Kubernetes version such as v1.31.4', (s) =>
  tryParseReportedVersion(s) ? undefined : `${JSON.stringify(s)} is not a Kubernetes version (expected e.g. v1.31.4)`,
);
const STRICT_VERSION = /^v1\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(alpha|beta|rc)\.(0|[1-9]\d*))?$/;
const targetVersion = string('a Kubernetes release such as v1.32.0', (s) =>
  STRICT_VERSION.test(s) ? undefined : `${JSON.stringify(s)} is not an exact Kubernetes release (expected e.g. v1.32.0)`,
);

const httpUrl = string('an http(s) URL', (s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : `${JSON.stringify(s)} is not an http(s) URL`;
  } catch {
    return `${JSON.stringify(s)} is not a URL`;
  }
});

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const isoTime = string('an ISO-8601 timestamp such as 2025-11-23T14:00:00.000Z', (s) =>
  ISO_UTC.test(s) && !Number.isNaN(Date.parse(s)) ? undefined : `${JSON.stringify(s)} is not an ISO-8601 timestamp`,
);

const FINDING_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const checkId = string('a check id such as pdb-never-allows-eviction', (s) =>
  FINDING_ID.test(s) ? undefined : `${JSON.stringify(s)} is not a check id (kebab-case, e.g. pdb-never-allows-eviction)`,
);

// ---- collections --------------------------------------------------------------------------------------

const list =
  <T>(item: Check<T>, { min = 0, what = 'a list' }: { min?: number; what?: string } = {}): Check<T[]> =>
  (v, path, out) => {
    if (!Array.isArray(v)) {
      problem(out, path, `expected ${what}, got ${describe(v)}`);
      return [];
    }
    if (v.length < min) problem(out, path, `expected ${what} with at least ${min} item${min === 1 ? '' : 's'}, got an empty list`);
    return v.map((x, i) => item(x, `${path}[${i}]`, out));
  };

/** Reads the fields of a mapping; unknown keys are reported when it is created, missing ones on `req`. */
class Fields {
  private constructor(
    private readonly value: Record<string, unknown>,
    private readonly path: string,
    private readonly out: Problems,
  ) {}

  /** undefined (with a problem reported) when `v` is not a mapping. */
  static of(v: unknown, path: string, out: Problems, known: readonly string[]): Fields | undefined {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      problem(out, path, `expected a mapping, got ${describe(v)}`);
      return undefined;
    }
    for (const key of Object.keys(v)) {
      if (!known.includes(key)) problem(out, at(path, key), `unknown field (expected ${known.join(', ')})`);
    }
    return new Fields(v as Record<string, unknown>, path, out);
  }

  req<T>(key: string, check: Check<T>): T {
    const v = this.value[key];
    if (v === undefined || v === null) {
      problem(this.out, at(this.path, key), 'required');
      return undefined as T;
    }
    return check(v, at(this.path, key), this.out);
  }

  opt<T>(key: string, check: Check<T>): T | undefined {
    const v = this.value[key];
    return v === undefined || v === null ? undefined : check(v, at(this.path, key), this.out);
  }
}

/** An object without its undefined members, keys in insertion order. */
const compact = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const mapping =
  <T extends object>(known: readonly string[], build: (f: Fields) => T): Check<T> =>
  (v, path, out) => {
    const f = Fields.of(v, path, out, known);
    return f ? compact(build(f)) : (undefined as unknown as T);
  };

// ---- sections -----------------------------------------------------------------------------------------

const metadata: Check<PlanMetadata> = mapping(['name', 'createdAt', 'generator', 'contentHash'], (f) => ({
  name: f.req('name', string('a plan name', (s) => (/[/\\\s]/.test(s) ? 'a plan name has no slashes or spaces' : undefined))),
  createdAt: f.req('createdAt', isoTime),
  generator: f.req('generator', string('"k8s-upgrade <version>"', (s) => (s.startsWith('k8s-upgrade ') ? undefined : 'expected "k8s-upgrade <version>"'))),
  contentHash: f.req('contentHash', string('sha256:<64 hex digits>', (s) => (CONTENT_HASH_PATTERN.test(s) ? undefined : 'expected sha256:<64 lower-case hex digits>'))),
}));

const cluster: Check<PlanCluster> = mapping(['server', 'kubeSystemUid', 'context'], (f) => ({
  server: f.req('server', httpUrl),
  kubeSystemUid: f.req('kubeSystemUid', string('the kube-system namespace UID')),
  context: f.opt('context', string('a kubeconfig context name')),
}));

const componentVersions: Check<PlanComponentVersions> = mapping(['component', 'current', 'target'], (f) => ({
  component: f.req('component', oneOf(PLAN_COMPONENTS)),
  current: f.req('current', list(string('a version string'))),
  target: f.req('target', string('a version string')),
}));

const controlPlaneHop: Check<PlanControlPlaneHop> = mapping(['to', 'nodes'], (f) => ({
  to: f.req('to', targetVersion),
  nodes: f.req('nodes', list(nodeName, { min: 1, what: 'a list of node names' })),
}));

const controlPlane: Check<PlanControlPlane> = mapping(['nodes', 'hops'], (f) => ({
  nodes: f.req('nodes', list(nodeName, { min: 1, what: 'a list of node names' })),
  hops: f.req('hops', list(controlPlaneHop)),
}));

const workerHop: Check<PlanWorkerHop> = mapping(['to', 'reason', 'nodes'], (f) => ({
  to: f.req('to', targetVersion),
  reason: f.req('reason', oneOf(WORKER_STEP_REASONS)),
  nodes: f.req('nodes', list(nodeName, { min: 1, what: 'a list of node names' })),
}));

const workers: Check<PlanWorkers> = mapping(['hops'], (f) => ({ hops: f.req('hops', list(workerHop)) }));

const maxUnavailableSpec: Check<string> = (v, path, out) => {
  if (typeof v !== 'string' || !/^([1-9]\d*|([1-9]\d?|100)%)$/.test(v)) {
    problem(out, path, `expected a count such as "1" or a percentage such as "25%" (as a string), got ${describe(v)}`);
  }
  return v as string;
};

const group: Check<PlanGroup> = mapping(['selector', 'implicit', 'maxUnavailable', 'maxUnavailableSpec', 'nodes', 'batches'], (f) => ({
  selector: f.req('selector', text),
  implicit: f.req('implicit', boolean),
  maxUnavailable: f.req('maxUnavailable', integer(1, Number.MAX_SAFE_INTEGER, ' of nodes')),
  maxUnavailableSpec: f.req('maxUnavailableSpec', maxUnavailableSpec),
  nodes: f.req('nodes', list(nodeName, { what: 'a list of node names' })),
  batches: f.req('batches', list(list(nodeName, { min: 1, what: 'a batch (a list of node names)' }), { what: 'a list of batches' })),
}));

const drain: Check<PlanDrainOptions> = mapping(
  ['timeoutSeconds', 'gracePeriodSeconds', 'deleteEmptyDirData', 'forceUnmanaged', 'disableEvictionAfterSeconds'],
  (f) => ({
    timeoutSeconds: f.req('timeoutSeconds', seconds(1)),
    gracePeriodSeconds: f.opt('gracePeriodSeconds', seconds(0)),
    deleteEmptyDirData: f.req('deleteEmptyDirData', boolean),
    forceUnmanaged: f.req('forceUnmanaged', boolean),
    disableEvictionAfterSeconds: f.opt('disableEvictionAfterSeconds', seconds(1)),
  }),
);

const plainArgv = list(string('an argument string'), { min: 1, what: 'an argv list of strings (no shell is used)' });

const httpGate: Check<PlanHttpGate> = mapping(['url', 'timeoutSeconds'], (f) => ({
  url: f.req('url', httpUrl),
  timeoutSeconds: f.opt('timeoutSeconds', seconds(1)),
}));

const commandGate: Check<PlanCommandGate> = mapping(['argv', 'timeoutSeconds'], (f) => ({
  argv: f.req('argv', plainArgv),
  timeoutSeconds: f.opt('timeoutSeconds', seconds(1)),
}));

const healthGates: Check<PlanHealthGates> = mapping(['timeoutSeconds', 'soakSeconds', 'http', 'commands'], (f) => ({
  timeoutSeconds: f.req('timeoutSeconds', seconds(1)),
  soakSeconds: f.req('soakSeconds', seconds(0)),
  http: f.req('http', list(httpGate)),
  commands: f.req('commands', list(commandGate)),
}));

const etcdEndpoint = string('an etcd client URL such as https://10.0.0.11:2379', (s) => (/^https?:\/\/[^\s/]+\/?$/.test(s) ? undefined : 'expected http(s)://host:port'));
const filePath = string('a file path', (s) => (s.trim() === '' ? 'expected a non-empty path' : undefined));

const etcdSnapshot: Check<PlanEtcdSnapshot> = mapping(['mode', 'perHop', 'endpoints', 'cacert', 'cert', 'key', 'node', 'dir'], (f) => ({
  mode: f.req('mode', oneOf(ETCD_SNAPSHOT_MODES)),
  perHop: f.req('perHop', boolean),
  endpoints: f.opt('endpoints', list(etcdEndpoint, { min: 1, what: 'a list of etcd client URLs' })),
  cacert: f.opt('cacert', filePath),
  cert: f.opt('cert', filePath),
  key: f.opt('key', filePath),
  node: f.opt('node', nodeName),
  dir: f.opt('dir', filePath),
}));

const options: Check<PlanOptions> = mapping(['strategy', 'canary', 'drain', 'healthGates', 'etcdSnapshot'], (f) => ({
  strategy: f.req('strategy', oneOf(PLAN_STRATEGIES)),
  canary: f.opt('canary', integer(1, Number.MAX_SAFE_INTEGER, ' of nodes')),
  drain: f.req('drain', drain),
  healthGates: f.req('healthGates', healthGates),
  etcdSnapshot: f.req('etcdSnapshot', etcdSnapshot),
}));

/** An exec driver template: a non-empty list of strings with only the known placeholders. */
const argvTemplate: Check<string[]> = (v, path, out) => {
  if (typeof v === 'string') {
    problem(out, path, 'expected an argv list such as ["my-upgrade", "{node}", "{version}"], got a string: a shell command line is not accepted');
    return [];
  }
  const argv = list(string('an argument string'), { what: 'an argv list of strings' })(v, path, out);
  if (Array.isArray(v) && v.every((a) => typeof a === 'string')) {
    for (const [i, message] of argvTemplateProblems(argv)) problem(out, i < 0 ? path : `${path}[${i}]`, message);
  }
  return argv;
};

const restoreTemplate: Check<string[]> = (v, path, out) => {
  const argv = list(string('an argument string'), { what: 'an argv list of strings' })(v, path, out);
  if (Array.isArray(v) && v.every((a) => typeof a === 'string')) {
    for (const [i, message] of argvTemplateProblems(argv, RESTORE_PLACEHOLDERS)) problem(out, i < 0 ? path : `${path}[${i}]`, message);
  }
  return argv;
};

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const addressFrom: Check<SshSettings['addressFrom']> = (v, path, out) => {
  if (typeof v === 'string') return literal('InternalIP')(v, path, out);
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    return mapping(['label'], (f) => ({
      label: f.req('label', string('a node label key', (s) => (LABEL_KEY.test(s) ? undefined : `${JSON.stringify(s)} is not a label key`))),
    }))(v, path, out);
  }
  problem(out, path, `expected InternalIP or {label: <node label key>}, got ${describe(v)}`);
  return v as SshSettings['addressFrom'];
};

const ssh: Check<SshSettings> = mapping(
  ['user', 'port', 'identityFile', 'jumpHost', 'addressFrom', 'strictHostKeyChecking', 'packageManager', 'sudo', 'timeoutSeconds'],
  (f) => ({
    user: f.req('user', string('a user name', (s) => (/^[a-z_][a-z0-9_.-]*\$?$/i.test(s) ? undefined : `${JSON.stringify(s)} is not a user name`))),
    port: f.req('port', integer(1, 65535)),
    identityFile: f.opt('identityFile', string('a path to a private key file')),
    jumpHost: f.opt('jumpHost', string('[user@]host[:port]', (s) => (/^([^@\s]+@)?[^@\s:]+(:\d+)?$/.test(s) ? undefined : `${JSON.stringify(s)} is not [user@]host[:port]`))),
    addressFrom: f.req('addressFrom', addressFrom),
    strictHostKeyChecking: f.req('strictHostKeyChecking', oneOf(SSH_HOST_KEY_CHECKING)),
    packageManager: f.req('packageManager', oneOf(PACKAGE_MANAGERS)),
    sudo: f.req('sudo', boolean),
    timeoutSeconds: f.req('timeoutSeconds', seconds(1)),
  }),
);

const driver: Check<PlanDriver> = (v, path, out) => {
  const type = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).type : undefined;
  if (type === 'exec') {
    return mapping(['type', 'exec'], (f) => ({
      type: 'exec' as const,
      exec: f.req('exec', mapping(['upgrade', 'downgrade', 'restoreEtcd', 'timeoutSeconds'], (g) => ({
        upgrade: g.req('upgrade', argvTemplate),
        downgrade: g.opt('downgrade', argvTemplate),
        restoreEtcd: g.opt('restoreEtcd', restoreTemplate),
        timeoutSeconds: g.req('timeoutSeconds', seconds(1)),
      }))),
    }))(v, path, out);
  }
  if (type === 'kubeadm-ssh') {
    return mapping(['type', 'ssh'], (f) => ({ type: 'kubeadm-ssh' as const, ssh: f.req('ssh', ssh) }))(v, path, out);
  }
  if (Fields.of(v, path, out, ['type', 'exec', 'ssh'])) {
    problem(out, at(path, 'type'), type === undefined ? 'required (exec or kubeadm-ssh)' : `expected one of exec, kubeadm-ssh, got ${describe(type)}`);
  }
  return v as PlanDriver;
};

const findingObject: Check<FindingObject> = mapping(['kind', 'name', 'namespace', 'detail'], (f) => ({
  kind: f.req('kind', string('a kind such as Pod')),
  name: f.req('name', string('an object name')),
  namespace: f.opt('namespace', string('a namespace')),
  detail: f.opt('detail', string('a detail string')),
}));

const finding: Check<Finding> = mapping(['id', 'severity', 'message', 'objects', 'remediation', 'waived'], (f) => ({
  id: f.req('id', checkId),
  severity: f.req('severity', oneOf(SEVERITIES)),
  message: f.req('message', string('a message')),
  objects: f.req('objects', list(findingObject)),
  remediation: f.req('remediation', text),
  waived: f.req('waived', boolean),
}));

const summary: Check<PlanSummary> = mapping(['blockers', 'warnings', 'infos', 'nodesToUpgrade', 'safe'], (f) => ({
  blockers: f.req('blockers', integer(0)),
  warnings: f.req('warnings', integer(0)),
  infos: f.req('infos', integer(0)),
  nodesToUpgrade: f.req('nodesToUpgrade', integer(0)),
  safe: f.req('safe', boolean),
}));

/** Top-level keys in file order. */
export const PLAN_KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'cluster',
  'from',
  'to',
  'components',
  'controlPlane',
  'workers',
  'groups',
  'options',
  'driver',
  'findings',
  'waivers',
  'summary',
] as const;

const document: Check<UpgradePlan> = mapping(PLAN_KEYS, (f) => ({
  apiVersion: f.req('apiVersion', literal(PLAN_API_VERSION)),
  kind: f.req('kind', literal(PLAN_KIND)),
  metadata: f.req('metadata', metadata),
  cluster: f.req('cluster', cluster),
  from: f.req('from', reportedVersion),
  to: f.req('to', targetVersion),
  components: f.req('components', list(componentVersions)),
  controlPlane: f.req('controlPlane', controlPlane),
  workers: f.req('workers', workers),
  groups: f.req('groups', list(group)),
  options: f.req('options', options),
  driver: f.req('driver', driver),
  findings: f.req('findings', list(finding)),
  waivers: f.req('waivers', list(checkId)),
  summary: f.req('summary', summary),
}));

// ---- consistency between sections ---------------------------------------------------------------------

const parseV = (v: string): KubeVersion => tryParseReportedVersion(v) as KubeVersion;
const duplicates = (names: readonly string[]): string[] => [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];

const consistency = (plan: UpgradePlan, out: Problems): void => {
  const from = tryParseReportedVersion(plan.from) as KubeVersion;
  const to = tryParseReportedVersion(plan.to) as KubeVersion;
  if (compareVersions(from, to) > 0) problem(out, 'to', `${plan.to} is older than from (${plan.from}); a plan never downgrades`);

  const seenComponents = new Set<string>();
  plan.components.forEach((c, i) => {
    if (seenComponents.has(c.component)) problem(out, `components[${i}].component`, `${c.component} is listed twice`);
    seenComponents.add(c.component);
  });

  const cp = new Set(plan.controlPlane.nodes);
  for (const d of duplicates(plan.controlPlane.nodes)) problem(out, 'controlPlane.nodes', `${d} is listed twice`);
  plan.controlPlane.hops.forEach((hop, h) => {
    for (const d of duplicates(hop.nodes)) problem(out, `controlPlane.hops[${h}].nodes`, `${d} is listed twice`);
    hop.nodes.forEach((n, i) => {
      if (!cp.has(n)) problem(out, `controlPlane.hops[${h}].nodes[${i}]`, `${n} is not in controlPlane.nodes`);
    });
  });

  const groupOf = new Map<string, number>();
  plan.groups.forEach((g, gi) => {
    if (g.implicit !== (g.selector === '')) {
      problem(out, `groups[${gi}].implicit`, g.implicit ? 'an implicit group has the selector ""' : 'only the implicit group has an empty selector');
    }
    g.nodes.forEach((n, i) => {
      const other = groupOf.get(n);
      if (other !== undefined) problem(out, `groups[${gi}].nodes[${i}]`, `${n} is already in groups[${other}]`);
      else groupOf.set(n, gi);
      if (cp.has(n)) problem(out, `groups[${gi}].nodes[${i}]`, `${n} is a control-plane node; worker groups hold workers only`);
    });
    const members = new Set(g.nodes);
    const batched = new Set<string>();
    g.batches.forEach((b, bi) =>
      b.forEach((n, i) => {
        const p = `groups[${gi}].batches[${bi}][${i}]`;
        if (!members.has(n)) problem(out, p, `${n} is not in groups[${gi}].nodes`);
        else if (batched.has(n)) problem(out, p, `${n} is in two batches`);
        batched.add(n);
      }),
    );
    const missing = g.nodes.filter((n) => !batched.has(n));
    if (missing.length > 0) problem(out, `groups[${gi}].batches`, `no batch holds ${missing.join(', ')}`);
  });

  const ascending = (hops: readonly { to: string }[], section: string): void =>
    hops.forEach((hop, h) => {
      const prev = hops[h - 1];
      if (prev && compareVersions(parseV(prev.to), parseV(hop.to)) >= 0) problem(out, `${section}[${h}].to`, `${hop.to} does not come after ${prev.to}; hops go up`);
      if (compareVersions(parseV(hop.to), to) > 0) problem(out, `${section}[${h}].to`, `${hop.to} is past the target ${plan.to}`);
    });
  ascending(plan.controlPlane.hops, 'controlPlane.hops');
  ascending(plan.workers.hops, 'workers.hops');

  plan.workers.hops.forEach((hop, h) => {
    for (const d of duplicates(hop.nodes)) problem(out, `workers.hops[${h}].nodes`, `${d} is listed twice`);
    hop.nodes.forEach((n, i) => {
      if (!groupOf.has(n)) problem(out, `workers.hops[${h}].nodes[${i}]`, `${n} is in no worker group`);
    });
  });

  const waivers = new Set(plan.waivers);
  plan.findings.forEach((finding, i) => {
    if (finding.waived && !waivers.has(finding.id)) problem(out, `findings[${i}].waived`, `${finding.id} is waived but not in waivers`);
  });

  const want = computePlanSummary(plan);
  for (const key of ['blockers', 'warnings', 'infos', 'nodesToUpgrade', 'safe'] as const) {
    if (plan.summary[key] !== want[key]) {
      problem(out, `summary.${key}`, `is ${plan.summary[key]} but the plan's findings and hops give ${want[key]}`);
    }
  }
};

/**
 * Validates a parsed document. Returns the plan rebuilt in canonical key order when there is no problem, and
 * every problem found otherwise (structure first; consistency between sections once the structure is valid).
 */
export const validatePlanDocument = (value: unknown): { plan: UpgradePlan; problems: [] } | { plan?: undefined; problems: PlanFileProblem[] } => {
  const out: Problems = [];
  const plan = document(value, '', out);
  if (out.length === 0) consistency(plan, out);
  return out.length === 0 ? { plan, problems: [] } : { problems: out };
};
