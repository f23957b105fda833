/**
 * The `plan` use case: read the live cluster once (inventory), work out the version path and the worker
 * batches, run every preflight check, apply the waivers, and build the plan document. Writing the file and
 * printing are the caller's business; this returns data.
 */
import { clientFor, loadAccess, type AccessOptions, type ClusterClient } from '../../cluster/index.js';
import {
  gatherInventory,
  runPreflight,
  isKnownCheck,
  isWaivable,
  versionPathInput,
  batchNodes,
  type Inventory,
} from '../../checks/index.js';
import {
  applyWaivers,
  computePlanSummary,
  compareVersions,
  tryParseReportedVersion,
  computeVersionPath,
  formatVersion,
  parseTargetVersion,
  planName,
  planWorkerBatches,
  sortFindings,
  PlanInputError,
  type PlanComponentVersions,
  type PlanDriver,
  type PlanOptions,
  type UpgradePlan,
  type VersionPath,
  type WorkerBatches,
} from '../../plan/index.js';

export interface PlanRequest {
  access: AccessOptions;
  to: string;
  workers: string[];
  maxUnavailable?: string;
  canary?: number;
  strict: boolean;
  ignoreChecks: string[];
  manifestsDir?: string;
  options: PlanOptions;
  driver: PlanDriver;
  generator: string;
  now: Date;
}

export interface PlanResult {
  plan: UpgradePlan;
  inventory: Inventory;
}

/** Thrown for --ignore-check ids that do not exist or may not be waived. */
export class WaiverError extends PlanInputError {}

export async function planUpgrade(req: PlanRequest): Promise<PlanResult> {
  const target = parseTargetVersion(req.to);
  for (const id of req.ignoreChecks) {
    if (!isKnownCheck(id))
      throw new WaiverError(
        'INVALID_PLAN_INPUT',
        `--ignore-check ${id}: no such check. See the check table in the README.`,
      );
    if (!isWaivable(id))
      throw new WaiverError(
        'INVALID_PLAN_INPUT',
        `--ignore-check ${id}: this check cannot be waived; fix what it reports (see its remediation).`,
      );
  }
  const access = loadAccess(req.access);
  const client = clientFor(access);
  try {
    return await planWith(req, target, access, client);
  } finally {
    client.close();
  }
}

async function planWith(
  req: PlanRequest,
  target: ReturnType<typeof parseTargetVersion>,
  access: ReturnType<typeof loadAccess>,
  client: ClusterClient,
): Promise<PlanResult> {
  const inventory = await gatherInventory(client);
  const path = computeVersionPath(versionPathInput(inventory, target));
  const batches = planWorkerBatches(batchNodes(inventory), {
    groups: req.workers,
    maxUnavailable: req.maxUnavailable,
    canary: req.canary,
    strict: req.strict,
  });
  const raw = await runPreflight({
    inventory,
    path,
    batches,
    target,
    options: {
      deleteEmptyDirData: req.options.drain.deleteEmptyDirData,
      forceUnmanaged: req.options.drain.forceUnmanaged,
    },
    manifestsDir: req.manifestsDir,
    client,
  });
  if (req.options.etcdSnapshot.mode !== 'none') {
    // Loaded only when etcd access is configured: it brings the etcd and ssh runners (execa) with it.
    const { checkEtcdHealth } = await import('./etcd-health-check.js');
    raw.push(
      ...(await checkEtcdHealth(
        req.options.etcdSnapshot,
        req.driver,
        inventory.nodes.filter((n) => n.controlPlane),
      )),
    );
  }
  const { findings } = applyWaivers(raw, req.ignoreChecks, isWaivable);
  const cluster = { server: access.server, kubeSystemUid: inventory.identity.kubeSystemUid, context: access.context };
  const from = formatVersion(path.from);
  const to = formatVersion(path.to);
  const controlPlane = controlPlaneSection(inventory, path);
  const workers = {
    hops: path.steps.flatMap((s) =>
      s.kind === 'workers' ? [{ to: formatVersion(s.to), reason: s.reason, nodes: s.nodes.map((n) => n.node) }] : [],
    ),
  };
  const sorted = sortFindings(findings);
  const plan: UpgradePlan = {
    apiVersion: 'k8s-upgrade/v1',
    kind: 'UpgradePlan',
    metadata: {
      name: planName(cluster, from, to),
      createdAt: req.now.toISOString(),
      generator: req.generator,
      contentHash: '',
    },
    cluster,
    from,
    to,
    components: components(inventory, to),
    controlPlane,
    workers,
    groups: groupsSection(batches, req.maxUnavailable),
    options: { ...req.options, ...(req.canary ? { canary: req.canary } : {}) },
    driver: req.driver,
    findings: sorted,
    waivers: [...req.ignoreChecks].sort(),
    summary: computePlanSummary({ controlPlane, workers, findings: sorted }),
  };
  return { plan, inventory };
}

function controlPlaneSection(inv: Inventory, path: VersionPath): UpgradePlan['controlPlane'] {
  const cpNodes = inv.nodes
    .filter((n) => n.controlPlane)
    .map((n) => n.name)
    .sort();
  const apiserverOn = new Map(
    inv.components.filter((c) => c.component === 'kube-apiserver' && c.node).map((c) => [c.node!, c.version]),
  );
  const hops = path.steps.flatMap((s) => {
    if (s.kind !== 'control-plane') return [];
    const to = formatVersion(s.to);
    // A node is in a hop when its apiserver (or, without mirror pods, its kubelet) is older than the hop's version.
    const nodes = cpNodes.filter((n) => {
      const v = apiserverOn.get(n) ?? inv.nodes.find((x) => x.name === n)?.kubeletVersion ?? '';
      const current = tryParseReportedVersion(v);
      return !current || compareVersions(current, s.to) < 0;
    });
    return nodes.length ? [{ to, nodes }] : [];
  });
  return { nodes: cpNodes, hops };
}

function groupsSection(b: WorkerBatches, defaultSpec?: string): UpgradePlan['groups'] {
  return b.groups.map((g) => ({
    selector: g.selector,
    implicit: g.implicit,
    maxUnavailable: g.maxUnavailable,
    maxUnavailableSpec: String(defaultSpec ?? '1'),
    nodes: [...g.nodes],
    batches: g.batches.map((x) => [...x]),
  }));
}

function components(inv: Inventory, to: string): PlanComponentVersions[] {
  const distinct = (vs: string[]) => [...new Set(vs)].sort();
  const of = (c: string) => distinct(inv.components.filter((x) => x.component === c).map((x) => x.version));
  const keep = (c: string) => of(c).at(-1) ?? 'unchanged';
  return [
    { component: 'kube-apiserver', current: of('kube-apiserver'), target: to },
    { component: 'kube-controller-manager', current: of('kube-controller-manager'), target: to },
    { component: 'kube-scheduler', current: of('kube-scheduler'), target: to },
    { component: 'etcd', current: of('etcd'), target: keep('etcd') },
    { component: 'kube-proxy', current: of('kube-proxy'), target: to },
    { component: 'kubelet', current: distinct(inv.nodes.map((n) => n.kubeletVersion)), target: to },
    { component: 'coredns', current: of('coredns'), target: keep('coredns') },
  ];
}
