/**
 * The plan document: what `k8s-upgrade plan` writes to `plans/*.yaml`, what `apply` reads back, and — the same
 * shape, one shape — what `plan -o json|yaml` prints for CI. One zod schema per section; the TypeScript types
 * are inferred from them, and `schemas/plan.schema.json` is generated from them (`npm run schemas`). Field order
 * here is the order in the file (the schema rebuilds a plan with its keys in this order).
 *
 * Conventions: versions are strings as Kubernetes prints them (`v1.32.0`); node names are sorted unless the
 * order is meaningful (batches, hops); durations are whole seconds in fields named `…Seconds`; optional fields
 * are left out rather than written as `null`. A plan never holds credentials: the kubeconfig and ssh keys are
 * named by the user at `apply` time (the ssh `identityFile` is a path, never key material). Every mapping is
 * strict: an unknown field is an error. Rules between sections live in `plan-file-consistency.ts`.
 */
import { z } from 'zod';
import { SEVERITIES } from './findings.js';
import { argvTemplateProblems, RESTORE_PLACEHOLDERS } from './plan-file-argv.js';
import { CONTENT_HASH_PATTERN } from './plan-file-hash.js';
import {
  bool,
  checkId,
  describeValue,
  expected,
  httpUrl,
  integer,
  isoTime,
  list,
  literal,
  mapping,
  nodeName,
  nonBlank,
  oneOf,
  reportedVersion,
  seconds,
  targetVersion,
  text,
} from './plan-file-schema-fields.js';
import { WORKER_STEP_REASONS } from './version-path.js';

export const PLAN_API_VERSION = 'k8s-upgrade/v1';
export const PLAN_KIND = 'UpgradePlan';

/** Components whose versions the plan reports, in display order. */
export const PLAN_COMPONENTS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'etcd',
  'kube-proxy',
  'kubelet',
  'coredns',
] as const;
export type PlanComponent = (typeof PLAN_COMPONENTS)[number];

export const PLAN_STRATEGIES = ['rolling', 'batch'] as const;
/**
 * `rolling`: a window of at most maxUnavailable nodes moves through a group; `batch`: batch by batch, each
 * completes first.
 */
export type PlanStrategy = (typeof PLAN_STRATEGIES)[number];

export const ETCD_SNAPSHOT_MODES = ['none', 'local', 'ssh'] as const;
export type EtcdSnapshotMode = (typeof ETCD_SNAPSHOT_MODES)[number];

export const PLAN_DRIVER_TYPES = ['exec', 'kubeadm-ssh'] as const;
export type PlanDriverType = (typeof PLAN_DRIVER_TYPES)[number];

export const SSH_HOST_KEY_CHECKING = ['yes', 'accept-new'] as const;
export type SshHostKeyChecking = (typeof SSH_HOST_KEY_CHECKING)[number];

export const PACKAGE_MANAGERS = ['apt', 'yum'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

const nodeNames = (min = 1) => list(nodeName(), { min, what: 'a list of node names' });

export const planMetadataSchema = mapping({
  /** The plan's name: by default the file name without `.yaml` (see `planName`). */
  name: nonBlank('a plan name', /^[^/\\\s]+$/, () => 'a plan name has no slashes or spaces'),
  /** ISO-8601 UTC timestamp of `plan`, e.g. `2025-11-23T14:00:00.000Z`. */
  createdAt: isoTime(),
  /** `k8s-upgrade <version>` that wrote the plan. */
  generator: nonBlank('"k8s-upgrade <version>"', /^k8s-upgrade /, () => 'expected "k8s-upgrade <version>"'),
  /** `sha256:<64 hex>` over the canonical JSON of everything else (see `computeContentHash`). */
  contentHash: nonBlank('sha256:<64 hex digits>', CONTENT_HASH_PATTERN, () => {
    return 'expected sha256:<64 lower-case hex digits>';
  }),
});
export type PlanMetadata = z.infer<typeof planMetadataSchema>;

/** Which cluster the plan is for; `apply` refuses a plan whose server or kube-system UID differ. */
export const planClusterSchema = mapping({
  /** The API server URL from the kubeconfig, without credentials. */
  server: httpUrl(),
  /** `metadata.uid` of the `kube-system` namespace: survives DNS and IP changes, differs between clusters. */
  kubeSystemUid: nonBlank('the kube-system namespace UID'),
  /** The kubeconfig context used at plan time (informational; also names the file). */
  context: nonBlank('a kubeconfig context name').optional(),
});
export type PlanCluster = z.infer<typeof planClusterSchema>;

export const planComponentVersionsSchema = mapping({
  component: oneOf(PLAN_COMPONENTS),
  /** Distinct versions running now, sorted; empty when the component was not found. */
  current: list(nonBlank('a version string')),
  target: nonBlank('a version string'),
});
export type PlanComponentVersions = z.infer<typeof planComponentVersionsSchema>;

/**
 * One control-plane hop: one minor (or the final patch), one node at a time, `nodes[0]` first (kubeadm upgrade
 * apply).
 */
export const planControlPlaneHopSchema = mapping({
  to: targetVersion(),
  nodes: nodeNames(),
});
export type PlanControlPlaneHop = z.infer<typeof planControlPlaneHopSchema>;

export const planControlPlaneSchema = mapping({
  /** Every control-plane node, sorted. */
  nodes: nodeNames(),
  hops: list(planControlPlaneHopSchema),
});
export type PlanControlPlane = z.infer<typeof planControlPlaneSchema>;

/** One worker hop: `skew` is an intermediate hop the skew policy forces, `target` the final one. */
export const planWorkerHopSchema = mapping({
  to: targetVersion(),
  reason: oneOf(WORKER_STEP_REASONS),
  /** The workers this hop upgrades, sorted; they are visited in group and batch order. */
  nodes: nodeNames(),
});
export type PlanWorkerHop = z.infer<typeof planWorkerHopSchema>;

export const planWorkersSchema = mapping({
  /** In execution order; a hop runs after the control-plane hop that allows it. */
  hops: list(planWorkerHopSchema),
});
export type PlanWorkers = z.infer<typeof planWorkersSchema>;

const maxUnavailableSpec = () => {
  const error = expected('a count such as "1" or a percentage such as "25%" (as a string)');
  return z.string({ error }).regex(/^([1-9]\d*|([1-9]\d?|100)%)$/, { error });
};

/** A worker group, in the order given to `plan --workers`. */
export const planGroupSchema = mapping({
  /** The label selector as given; `''` for the implicit group of workers no selector matched. */
  selector: text(),
  implicit: bool(),
  /** Resolved against the group size: how many nodes may be unavailable at once. */
  maxUnavailable: integer(1, Number.MAX_SAFE_INTEGER, ' of nodes'),
  /** As given: `1`, `25%`. */
  maxUnavailableSpec: maxUnavailableSpec(),
  /** Every worker in the group (also those already at the target), sorted. */
  nodes: nodeNames(0),
  /** The group's nodes cut into ordered batches; together exactly `nodes`. */
  batches: list(list(nodeName(), { min: 1, what: 'a batch (a list of node names)' }), { what: 'a list of batches' }),
});
export type PlanGroup = z.infer<typeof planGroupSchema>;

export const planDrainOptionsSchema = mapping({
  timeoutSeconds: seconds(1),
  /** Pod termination grace period override; absent = each pod's own. */
  gracePeriodSeconds: seconds(0).optional(),
  deleteEmptyDirData: bool(),
  /** Delete pods that no controller manages (they are not recreated anywhere). */
  forceUnmanaged: bool(),
  /** After this long blocked by a PDB, delete instead of evict; absent = never (the drain times out instead). */
  disableEvictionAfterSeconds: seconds(1).optional(),
});
export type PlanDrainOptions = z.infer<typeof planDrainOptionsSchema>;

/** A plain argument: any string that is not blank (non-aborting, so the argv rules below still run). */
const argument = () =>
  z
    .string({ error: expected('an argument string') })
    .regex(/\S/, { error: 'expected an argument string, got an empty string' });

export const planHttpGateSchema = mapping({
  url: httpUrl(),
  timeoutSeconds: seconds(1).optional(),
});
export type PlanHttpGate = z.infer<typeof planHttpGateSchema>;

export const planCommandGateSchema = mapping({
  /** An argv array, run without a shell; exit 0 = healthy. */
  argv: list(argument(), { min: 1, what: 'an argv list of strings (no shell is used)' }),
  timeoutSeconds: seconds(1).optional(),
});
export type PlanCommandGate = z.infer<typeof planCommandGateSchema>;

export const planHealthGatesSchema = mapping({
  /** How long a gate may take to pass after a batch. */
  timeoutSeconds: seconds(1),
  /** How long every gate must keep passing before the next batch. */
  soakSeconds: seconds(0),
  http: list(planHttpGateSchema),
  commands: list(planCommandGateSchema),
});
export type PlanHealthGates = z.infer<typeof planHealthGatesSchema>;

const etcdEndpoint = () =>
  nonBlank('an etcd client URL such as https://10.0.0.11:2379', /^https?:\/\/[^\s/]+\/?$/, () => {
    return 'expected http(s)://host:port';
  });
const filePath = () => nonBlank('a file path');

export const planEtcdSnapshotSchema = mapping({
  /**
   * `none`: no snapshot (apply then needs --skip-etcd-snapshot to touch the control plane); `local`: etcdctl on
   * the operator's machine; `ssh`: etcdctl on a control-plane node, the file copied back.
   */
  mode: oneOf(ETCD_SNAPSHOT_MODES),
  /** A snapshot before every control-plane hop, not only the first. */
  perHop: bool(),
  /** Client URLs. `local`: as reachable from this machine; `ssh`: from the node (default https://127.0.0.1:2379). */
  endpoints: list(etcdEndpoint(), { min: 1, what: 'a list of etcd client URLs' }).optional(),
  /**
   * Paths to the CA, client certificate and key (on this machine for `local`; on the node for `ssh`, kubeadm's
   * by default). Never their content.
   */
  cacert: filePath().optional(),
  cert: filePath().optional(),
  key: filePath().optional(),
  /** `ssh`: the control-plane node that runs etcdctl (default: the first node of the hop). */
  node: nodeName().optional(),
  /** Where the operator's copies go (default: `<plan>.etcd/` next to the plan). */
  dir: filePath().optional(),
});
export type PlanEtcdSnapshot = z.infer<typeof planEtcdSnapshotSchema>;

export const planOptionsSchema = mapping({
  strategy: oneOf(PLAN_STRATEGIES),
  /** Size of the first batch of the first non-empty group. */
  canary: integer(1, Number.MAX_SAFE_INTEGER, ' of nodes').optional(),
  drain: planDrainOptionsSchema,
  healthGates: planHealthGatesSchema,
  etcdSnapshot: planEtcdSnapshotSchema,
});
export type PlanOptions = z.infer<typeof planOptionsSchema>;

const SHELL_REFUSED =
  'expected an argv list such as ["my-upgrade", "{node}", "{version}"], got a string: ' +
  'a shell command line is not accepted';

/**
 * An exec-driver argv template: a list of non-blank strings with only the `allowed` placeholders
 * (plan-file-argv.ts); `refuseShell` gives a shell command line written as one string its own message.
 */
const argvTemplate = (allowed?: readonly string[], { refuseShell = false } = {}) =>
  z
    .array(argument(), {
      error: (iss) =>
        refuseShell && typeof iss.input === 'string' ? SHELL_REFUSED : expected('an argv list of strings')(iss),
    })
    .check((ctx) => {
      for (const [i, message] of argvTemplateProblems(ctx.value, allowed)) {
        ctx.issues.push({ code: 'custom', message, input: ctx.value, path: i < 0 ? [] : [i] });
      }
    });

export const execDriverSettingsSchema = mapping({
  /**
   * argv template run once per node, without a shell. Placeholders (whole or inside an element): `{node}`,
   * `{address}`, `{version}` (e.g. v1.32.0), `{role}` (`control-plane`|`worker`), `{first}` (`true` on the first
   * control-plane node of a hop, else `false`). `argv[0]` is a literal program.
   */
  upgrade: argvTemplate(undefined, { refuseShell: true }),
  /** Rollback: takes a node back to `{version}` (the version it had before the run); same placeholders as `upgrade`. */
  downgrade: argvTemplate(undefined, { refuseShell: true }).optional(),
  /**
   * Rollback: restores the etcd snapshot on one control-plane node (etcd member); `{node}`, `{address}`,
   * `{snapshot}` (the local path of the verified copy).
   */
  restoreEtcd: argvTemplate(RESTORE_PLACEHOLDERS).optional(),
  timeoutSeconds: seconds(1),
});
export type ExecDriverSettings = z.infer<typeof execDriverSettingsSchema>;

export const execDriverSchema = mapping({
  type: literal('exec'),
  exec: execDriverSettingsSchema,
});
export type ExecDriver = z.infer<typeof execDriverSchema>;

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const ADDRESS_FROM = 'InternalIP or {label: <node label key>}';
/** `InternalIP`, or `{label: <key>}`; a string is told it is not InternalIP, a mapping gets its own field errors. */
const addressFrom = () =>
  z.union(
    [
      z.literal('InternalIP'),
      mapping({ label: nonBlank('a node label key', LABEL_KEY, (s) => `${JSON.stringify(s)} is not a label key`) }),
    ],
    { error: (iss) => (typeof iss.input === 'string' ? expected('"InternalIP"')(iss) : expected(ADDRESS_FROM)(iss)) },
  );

export const sshSettingsSchema = mapping({
  user: nonBlank('a user name', /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/, (s) => `${JSON.stringify(s)} is not a user name`),
  port: integer(1, 65535),
  /** A path to the private key, resolved at apply time; never the key itself. */
  identityFile: nonBlank('a path to a private key file').optional(),
  /** `[user@]host[:port]`, passed to ssh -J. */
  jumpHost: nonBlank('[user@]host[:port]', /^([^@\s]+@)?[^@\s:]+(:\d+)?$/, (s) => {
    return `${JSON.stringify(s)} is not [user@]host[:port]`;
  }).optional(),
  /** Where the node's ssh address comes from: its InternalIP, or the value of a node label. */
  addressFrom: addressFrom(),
  strictHostKeyChecking: oneOf(SSH_HOST_KEY_CHECKING),
  packageManager: oneOf(PACKAGE_MANAGERS),
  sudo: bool(),
  timeoutSeconds: seconds(1),
});
export type SshSettings = z.infer<typeof sshSettingsSchema>;

export const kubeadmSshDriverSchema = mapping({
  type: literal('kubeadm-ssh'),
  ssh: sshSettingsSchema,
});
export type KubeadmSshDriver = z.infer<typeof kubeadmSshDriverSchema>;

/** The node driver, chosen by `type`. */
export const planDriverSchema = z.discriminatedUnion('type', [execDriverSchema, kubeadmSshDriverSchema], {
  error: (iss) => {
    if (iss.code !== 'invalid_union') return expected('a mapping')(iss);
    const type = (iss.input as Record<string, unknown> | undefined)?.type;
    if (type === undefined) return 'required (exec or kubeadm-ssh)';
    return `expected one of ${PLAN_DRIVER_TYPES.join(', ')}, got ${describeValue(type)}`;
  },
});
export type PlanDriver = z.infer<typeof planDriverSchema>;

export const findingObjectSchema = mapping({
  /** Kubernetes kind (`Node`, `Pod`, `PodDisruptionBudget`, …) or `File` for manifests. */
  kind: nonBlank('a kind such as Pod'),
  name: nonBlank('an object name'),
  namespace: nonBlank('a namespace').optional(),
  /** Extra detail for this object (e.g. the file line, the API used). */
  detail: nonBlank('a detail string').optional(),
});

/** A preflight finding as the plan records it (the same shape as `Finding` in findings.ts). */
export const findingSchema = mapping({
  /** Stable check id, kebab-case, e.g. `pdb-never-allows-eviction`. */
  id: checkId(),
  severity: oneOf(SEVERITIES),
  message: nonBlank('a message'),
  objects: list(findingObjectSchema),
  remediation: text(),
  /** True when the user waived it with --ignore-check (recorded in the plan). */
  waived: bool(),
});

export const planSummarySchema = mapping({
  /** Blocker findings that are not waived. */
  blockers: integer(0),
  warnings: integer(0),
  infos: integer(0),
  /** Distinct nodes that at least one hop upgrades. */
  nodesToUpgrade: integer(0),
  /** No unwaived blocker: `apply` may run it. */
  safe: bool(),
});
export type PlanSummary = z.infer<typeof planSummarySchema>;

/** The whole plan file. */
export const upgradePlanSchema = mapping({
  apiVersion: literal(PLAN_API_VERSION),
  kind: literal(PLAN_KIND),
  metadata: planMetadataSchema,
  cluster: planClusterSchema,
  /** The oldest kube-apiserver's version now. */
  from: reportedVersion(),
  to: targetVersion(),
  components: list(planComponentVersionsSchema),
  controlPlane: planControlPlaneSchema,
  workers: planWorkersSchema,
  groups: list(planGroupSchema),
  options: planOptionsSchema,
  driver: planDriverSchema,
  /** Sorted with `sortFindings`. */
  findings: list(findingSchema),
  /** The `--ignore-check` ids given to plan, sorted. */
  waivers: list(checkId()),
  summary: planSummarySchema,
});
export type UpgradePlan = z.infer<typeof upgradePlanSchema>;

/** Top-level keys in file order. */
export const PLAN_KEYS: readonly (keyof UpgradePlan)[] = Object.keys(upgradePlanSchema.shape) as (keyof UpgradePlan)[];
