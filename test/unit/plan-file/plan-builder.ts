/**
 * Builds realistic plans for the plan-file and render tests (and the committed examples in plans/examples/)
 * from a small cluster description, with the real planner: the version path and the worker batching.
 */
import {
  computePlanSummary,
  computeVersionPath,
  parseReportedVersion,
  parseTargetVersion,
  planName,
  planWorkerBatches,
  sealPlan,
  sortFindings,
  compareVersions,
  PLAN_API_VERSION,
  PLAN_KIND,
  type Finding,
  type PlanComponentVersions,
  type PlanDriver,
  type PlanOptions,
  type UpgradePlan,
  type WorkerGroupSpec,
} from '../../../src/plan/index.js';

export interface FixtureNode {
  readonly name: string;
  readonly role: 'control-plane' | 'worker';
  readonly version: string;
  readonly pool?: string;
  readonly zone?: string;
}

export interface FixtureInput {
  readonly context?: string;
  readonly server?: string;
  readonly kubeSystemUid?: string;
  readonly nodes: readonly FixtureNode[];
  readonly target: string;
  readonly groups: readonly (string | WorkerGroupSpec)[];
  readonly maxUnavailable?: string;
  readonly canary?: number;
  readonly intermediatePatches?: Readonly<Record<number, number>>;
  readonly findings?: readonly Finding[];
  readonly waivers?: readonly string[];
  readonly driver?: PlanDriver;
  readonly options?: Partial<PlanOptions>;
  readonly createdAt?: string;
}

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

/** The sandbox's default shape: cp-1..N, and pools NAME-1..K labelled pool=NAME, zones round-robin. */
export const sandboxNodes = (
  version: string,
  controlPlanes = 3,
  pools: Record<string, number> = { blue: 3, green: 3 },
  workerVersion = version,
): FixtureNode[] => [
  ...Array.from({ length: controlPlanes }, (_, i) => ({
    name: `cp-${i + 1}`,
    role: 'control-plane' as const,
    version,
    zone: ZONES[i % 3],
  })),
  ...Object.entries(pools).flatMap(([pool, count]) =>
    Array.from({ length: count }, (_, i) => ({
      name: `${pool}-${i + 1}`,
      role: 'worker' as const,
      version: workerVersion,
      pool,
      zone: ZONES[i % 3],
    })),
  ),
];

export const SANDBOX_EXEC_DRIVER: PlanDriver = {
  type: 'exec',
  exec: {
    upgrade: [
      'k8s-upgrade',
      'sandbox',
      'node',
      'upgrade',
      '--kubeconfig',
      '.sandbox/kubeconfig',
      '{node}',
      '{version}',
    ],
    timeoutSeconds: 600,
  },
};

export const SSH_DRIVER: PlanDriver = {
  type: 'kubeadm-ssh',
  ssh: {
    user: 'ubuntu',
    port: 22,
    identityFile: '~/.ssh/k8s-upgrade_ed25519',
    jumpHost: 'ops@bastion.example.com',
    addressFrom: 'InternalIP',
    strictHostKeyChecking: 'yes',
    packageManager: 'apt',
    sudo: true,
    timeoutSeconds: 900,
  },
};

export const DEFAULT_OPTIONS: PlanOptions = {
  strategy: 'rolling',
  drain: { timeoutSeconds: 600, deleteEmptyDirData: true, forceUnmanaged: false },
  healthGates: { timeoutSeconds: 300, soakSeconds: 30, http: [], commands: [] },
  etcdSnapshot: { mode: 'local', perHop: false },
};

const ETCD: Record<number, string> = { 28: '3.5.9-0', 29: '3.5.12-0', 30: '3.5.12-0', 31: '3.5.15-0', 32: '3.5.16-0' };
const COREDNS: Record<number, string> = { 28: 'v1.10.1', 29: 'v1.11.1', 30: 'v1.11.1', 31: 'v1.11.3', 32: 'v1.11.3' };

const distinct = (versions: readonly string[]): string[] =>
  [...new Set(versions)].sort((a, b) => compareVersions(parseReportedVersion(a), parseReportedVersion(b)));

export const buildPlan = (input: FixtureInput): UpgradePlan => {
  const target = parseTargetVersion(input.target);
  const cps = input.nodes.filter((n) => n.role === 'control-plane').sort((a, b) => (a.name < b.name ? -1 : 1));
  const workers = input.nodes.filter((n) => n.role === 'worker');
  const path = computeVersionPath({
    controlPlane: cps.map((n) => parseReportedVersion(n.version)),
    kubelets: workers.map((n) => ({ node: n.name, version: parseReportedVersion(n.version) })),
    target,
    ...(input.intermediatePatches ? { intermediatePatches: input.intermediatePatches } : {}),
  });
  const cpAt = new Map(cps.map((n) => [n.name, parseReportedVersion(n.version)]));
  const cpHops = path.steps.flatMap((s) => {
    if (s.kind !== 'control-plane') return [];
    const nodes = cps.filter((n) => compareVersions(cpAt.get(n.name)!, s.to) < 0).map((n) => n.name);
    for (const n of nodes) cpAt.set(n, s.to);
    return [{ to: s.to.raw, nodes }];
  });
  const workerHops = path.steps.flatMap((s) =>
    s.kind === 'workers' ? [{ to: s.to.raw, reason: s.reason, nodes: s.nodes.map((n) => n.node) }] : [],
  );
  const batches = planWorkerBatches(
    input.nodes.map((n) => ({
      name: n.name,
      labels: (n.pool ? { pool: n.pool } : {}) as Record<string, string>,
      controlPlane: n.role === 'control-plane',
      ...(n.zone ? { zone: n.zone } : {}),
    })),
    {
      groups: input.groups,
      maxUnavailable: input.maxUnavailable ?? '1',
      ...(input.canary === undefined ? {} : { canary: input.canary }),
    },
  );
  const specs = input.groups.map((g) => (typeof g === 'string' ? { selector: g } : g));
  const groups = batches.groups.map((g) => ({
    selector: g.selector,
    implicit: g.implicit,
    maxUnavailable: g.maxUnavailable,
    maxUnavailableSpec: String(
      specs.find((s) => s.selector === g.selector && !g.implicit)?.maxUnavailable ?? input.maxUnavailable ?? '1',
    ),
    nodes: [...g.nodes],
    batches: g.batches.map((b) => [...b]),
  }));
  const cpVersions = distinct(cps.map((n) => n.version));
  const oldestCp = parseReportedVersion(cpVersions[0]!);
  const components: PlanComponentVersions[] = [
    { component: 'kube-apiserver', current: cpVersions, target: target.raw },
    { component: 'kube-controller-manager', current: cpVersions, target: target.raw },
    { component: 'kube-scheduler', current: cpVersions, target: target.raw },
    { component: 'etcd', current: [ETCD[oldestCp.minor] ?? '3.5.15-0'], target: ETCD[target.minor] ?? '3.5.16-0' },
    { component: 'kube-proxy', current: [oldestCp.raw], target: target.raw },
    { component: 'kubelet', current: distinct(input.nodes.map((n) => n.version)), target: target.raw },
    {
      component: 'coredns',
      current: [COREDNS[oldestCp.minor] ?? 'v1.11.3'],
      target: COREDNS[target.minor] ?? 'v1.11.3',
    },
  ];
  const cluster = {
    server: input.server ?? 'https://127.0.0.1:6443',
    kubeSystemUid: input.kubeSystemUid ?? '6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f',
    ...(input.context === undefined ? {} : { context: input.context }),
  };
  const findings = sortFindings([...(input.findings ?? [])]);
  const controlPlane = { nodes: cps.map((n) => n.name), hops: cpHops };
  const workersSection = { hops: workerHops };
  const canary = input.canary === undefined ? {} : { canary: input.canary };
  const plan: UpgradePlan = {
    apiVersion: PLAN_API_VERSION,
    kind: PLAN_KIND,
    metadata: {
      name: planName(cluster, path.from.raw, target.raw),
      createdAt: input.createdAt ?? '2025-11-23T14:00:00.000Z',
      generator: 'k8s-upgrade 0.1.0',
      contentHash: '',
    },
    cluster,
    from: path.from.raw,
    to: target.raw,
    components,
    controlPlane,
    workers: workersSection,
    groups,
    options: { ...DEFAULT_OPTIONS, ...canary, ...input.options },
    driver: input.driver ?? SANDBOX_EXEC_DRIVER,
    findings,
    waivers: [...(input.waivers ?? [])].sort(),
    summary: computePlanSummary({ controlPlane, workers: workersSection, findings }),
  };
  return sealPlan(plan);
};

export const finding = (
  id: string,
  severity: Finding['severity'],
  message: string,
  objects: Finding['objects'] = [],
  extra: Partial<Finding> = {},
): Finding => ({
  id,
  severity,
  message,
  objects,
  remediation: extra.remediation ?? `See \`k8s-upgrade plan --explain ${id}\`.`,
  waived: extra.waived ?? false,
});

/** A safe sandbox plan: v1.31.4 → v1.32.0, 3 control planes, pools blue and green. */
export const safePlan = (): UpgradePlan =>
  buildPlan({
    context: 'sandbox',
    nodes: sandboxNodes('v1.31.4'),
    target: 'v1.32.0',
    groups: ['pool=blue', { selector: 'pool=green', maxUnavailable: '2' }],
    canary: 1,
    findings: [
      finding(
        'etcd-snapshot-local',
        'info',
        'An etcd snapshot is taken on cp-1 before the control plane changes and verified with `etcdutl snapshot status`.',
        [],
        {
          remediation: 'Nothing to do; copy the snapshot off the node if you want a second copy.',
        },
      ),
      finding(
        'single-replica-workload',
        'warning',
        'Deployment shop/cart runs one replica: it is briefly unavailable while its node drains.',
        [{ kind: 'Deployment', namespace: 'shop', name: 'cart' }],
        {
          remediation:
            'Scale it to 2 or more replicas with a PodDisruptionBudget before applying, or accept the short outage.',
        },
      ),
    ],
  });

const pdb = (i: number) => ({
  kind: 'PodDisruptionBudget',
  namespace: i % 2 === 0 ? 'shop' : 'billing',
  name: `pdb-${i}`,
  detail: 'minAvailable equals replicas',
});

/** A multi-hop plan with blockers (one waived), warnings and infos. */
export const blockedPlan = (): UpgradePlan =>
  buildPlan({
    context: 'staging',
    server: 'https://10.0.0.10:6443',
    nodes: [
      ...sandboxNodes('v1.30.6', 3, {}),
      ...sandboxNodes('v1.28.15', 0, { blue: 4 }),
      ...sandboxNodes('v1.30.6', 0, { green: 2 }),
      { name: 'edge-1', role: 'worker', version: 'v1.30.6', zone: 'zone-a' },
    ],
    target: 'v1.32.0',
    intermediatePatches: { 31: 4 },
    groups: [{ selector: 'pool=blue', maxUnavailable: '50%' }, 'pool=green'],
    findings: [
      finding(
        'pdb-never-allows-eviction',
        'blocker',
        '7 PodDisruptionBudgets allow no disruption at all, so their pods can never be evicted and the drain would hang.',
        Array.from({ length: 7 }, (_, i) => pdb(i + 1)),
        {
          remediation:
            'Lower minAvailable (or raise maxUnavailable) so that at least one pod may be evicted, or scale the workload up.',
        },
      ),
      finding(
        'removed-api-in-use',
        'blocker',
        'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is removed in 1.32 and still used.',
        [{ kind: 'FlowSchema', name: 'batch-jobs', detail: 'flowcontrol.apiserver.k8s.io/v1beta3' }],
        { remediation: 'Migrate the manifests to flowcontrol.apiserver.k8s.io/v1 before upgrading.' },
      ),
      finding(
        'unreplicated-pods',
        'blocker',
        'Pod ops/debug-shell has no controller: it would be deleted by the drain and not come back.',
        [{ kind: 'Pod', namespace: 'ops', name: 'debug-shell' }],
        { remediation: 'Delete it yourself, or waive the check with --ignore-check unreplicated-pods.', waived: true },
      ),
      finding(
        'worker-skew-hop',
        'warning',
        'Workers in pool=blue run v1.28.15, too old for a 1.32 control plane: they are upgraded twice (to v1.31.4 first).',
        [
          { kind: 'Node', name: 'blue-1' },
          { kind: 'Node', name: 'blue-2' },
          { kind: 'Node', name: 'blue-3' },
          { kind: 'Node', name: 'blue-4' },
        ],
      ),
      finding(
        'implicit-worker-group',
        'info',
        '1 worker matches no --workers selector and is upgraded last, in a group of its own.',
        [{ kind: 'Node', name: 'edge-1' }],
        {
          remediation: 'Add a --workers selector for it to choose its place in the order.',
        },
      ),
    ],
    waivers: ['unreplicated-pods'],
    options: { strategy: 'batch', etcdSnapshot: { mode: 'ssh', perHop: true } },
    driver: SSH_DRIVER,
  });

/** The committed examples in plans/examples/, by file name. */
export const examplePlans = (): Record<string, UpgradePlan> => ({
  'exec-driver.yaml': buildPlan({
    context: 'sandbox',
    nodes: sandboxNodes('v1.31.4'),
    target: 'v1.32.0',
    groups: ['pool=blue', { selector: 'pool=green', maxUnavailable: '2' }],
    canary: 1,
    options: {
      drain: { timeoutSeconds: 600, deleteEmptyDirData: true, forceUnmanaged: false },
      healthGates: { timeoutSeconds: 300, soakSeconds: 10, http: [], commands: [] },
      etcdSnapshot: { mode: 'none', perHop: false },
    },
    findings: [
      finding(
        'etcd-snapshot-disabled',
        'warning',
        'No etcd snapshot is taken before the control plane changes (--etcd-snapshot none): a rollback cannot restore etcd.',
        [],
        {
          remediation:
            'Plan again with --etcd-snapshot local (or ssh) unless the cluster is disposable, like this sandbox.',
        },
      ),
      finding(
        'single-replica-workload',
        'warning',
        'Deployment shop/cart runs one replica: it is briefly unavailable while its node drains.',
        [{ kind: 'Deployment', namespace: 'shop', name: 'cart' }],
        {
          remediation:
            'Scale it to 2 or more replicas with a PodDisruptionBudget before applying, or accept the short outage.',
        },
      ),
    ],
    driver: SANDBOX_EXEC_DRIVER,
  }),
  'kubeadm-ssh-driver.yaml': buildPlan({
    context: 'prod',
    server: 'https://k8s-api.prod.example.com:6443',
    kubeSystemUid: '0b7d3c1e-58a4-4f2b-9c6d-2e8f1a7b9c30',
    nodes: sandboxNodes('v1.31.4', 3, { blue: 3, green: 4 }),
    target: 'v1.32.0',
    groups: ['pool=blue', { selector: 'pool=green', maxUnavailable: '50%' }],
    canary: 1,
    options: {
      strategy: 'rolling',
      drain: {
        timeoutSeconds: 900,
        gracePeriodSeconds: 60,
        deleteEmptyDirData: true,
        forceUnmanaged: false,
        disableEvictionAfterSeconds: 1800,
      },
      healthGates: {
        timeoutSeconds: 300,
        soakSeconds: 60,
        http: [{ url: 'https://shop.example.com/healthz', timeoutSeconds: 5 }],
        commands: [
          {
            argv: [
              'kubectl',
              '--context',
              'prod',
              '-n',
              'shop',
              'rollout',
              'status',
              'deployment/web',
              '--timeout=120s',
            ],
            timeoutSeconds: 150,
          },
        ],
      },
      etcdSnapshot: { mode: 'ssh', perHop: true },
    },
    findings: [
      finding(
        'etcd-snapshot-ssh',
        'info',
        'An etcd snapshot is taken over ssh on cp-1 before each control-plane hop and verified with `etcdutl snapshot status`.',
        [],
        {
          remediation: 'Nothing to do; copy the snapshots off the node after the run if you want to keep them.',
        },
      ),
    ],
    driver: SSH_DRIVER,
  }),
});
