/**
 * `fleet plan`: every cluster of a fleet file planned with the plan use case (`planUpgrade`: same checks, same
 * plan files, written with `writePlanFileAsync` to `<outDir>/<cluster>.yaml`), at most `concurrency` at once. A cluster
 * that cannot be planned (unreachable, or input the planner refuses) is an outcome, never a stop for the others.
 * Only each plan's summary is kept once its file is written, so memory does not grow with the fleet's nodes.
 * Then the fleet plan (stages → clusters with their plans' content hashes, and what was left out) is sealed and
 * written durably to `<outDir>/fleet-plan.yaml`. It never prints: progress goes to `onCluster`.
 */
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ClusterAccessError } from '../../cluster/index.js';
import { LabelSelectorError, matchesLabels, parseLabelSelector } from '../../kube/index.js';
import {
  DEFAULT_PLAN_DIR,
  sealPlan,
  PlanInputError,
  formatVersion,
  parseTargetVersion,
  type UpgradePlan,
} from '../../plan/index.js';
import { planUpgrade, type PlanRequest, type PlanResult } from '../../upgrade/plan/index.js';
import { planRequestFromSettings, type UpgradePlanSettings } from '../../upgrade/plan/plan-settings.js';
import { writePlanFileAsync } from '../../upgrade/plan/write-plan-file.js';
import { clusterPlanSettings } from '../file/fleet-file-validate.js';
import type { LoadedFleet } from '../file/fleet-file-read.js';
import type { FleetCluster, FleetFile } from '../file/fleet-file-types.js';
import { FLEET_PLAN_FILE_NAME, sealFleetPlan, writeFleetPlan } from './fleet-plan-file.js';
import {
  FLEET_PLAN_KIND,
  type FleetPlan,
  type FleetPlanCluster,
  type FleetPlanSkipKind,
  type FleetPlanSkipped,
} from './fleet-plan-types.js';

export const DEFAULT_FLEET_PLAN_CONCURRENCY = 32;

/** What happened to one cluster. `planned`: safe and in its stage; the others are why it is not (or not safe). */
export type FleetClusterStatus = 'planned' | FleetPlanSkipKind;

export interface FleetClusterOutcome {
  name: string;
  stage: string;
  status: FleetClusterStatus;
  from?: string;
  to: string;
  nodes: number;
  blockers: string[];
  safe: boolean;
  /** Absolute path of the plan file written for it. */
  planPath?: string;
  contentHash?: string;
  /** Why it could not be planned (unreachable, invalid). */
  error?: string;
}

export interface FleetPlanRequest {
  loaded: LoadedFleet;
  to: string;
  /** Folder for the plan files and the fleet plan; default `plans/<fleet name>`. */
  outDir?: string;
  concurrency?: number;
  /** Leave blocked, unreachable and invalid clusters out of the stages (recorded in `skipped`). */
  skipBlocked?: boolean;
  generator: string;
  now: () => Date;
  onCluster?: (outcome: FleetClusterOutcome, done: number, total: number) => void;
  /** The plan use case (injectable for tests). */
  plan?: (req: PlanRequest) => Promise<PlanResult>;
}

export interface FleetPlanResult {
  plan: FleetPlan;
  /** Absolute path of the fleet plan file. */
  path: string;
  /** In stage order, then fleet-file order. */
  outcomes: FleetClusterOutcome[];
  /** Some cluster is blocked, unreachable or invalid (exit 2 unless `skipBlocked`). */
  blocked: boolean;
}

/** Paths in plan settings that name local files: relative to the fleet file's folder. */
function localPaths(s: UpgradePlanSettings, base: string): UpgradePlanSettings {
  const abs = (p?: string) => (p === undefined || isAbsolute(p) || p.startsWith('~/') ? p : resolve(base, p));
  return { ...s, manifests: abs(s.manifests), sshIdentity: abs(s.sshIdentity) };
}

/** Each cluster with its stage, in stage order (validation made every cluster belong to exactly one). */
function clustersByStage(fleet: FleetFile): { cluster: FleetCluster; stage: number }[] {
  const selectors = fleet.stages.map((s) => parseLabelSelector(s.selector));
  return selectors.flatMap((sel, stage) =>
    fleet.clusters.filter((c) => matchesLabels(sel, c.labels)).map((cluster) => ({ cluster, stage })),
  );
}

const blockerIds = (plan: UpgradePlan): string[] => [
  ...new Set(plan.findings.filter((f) => f.severity === 'blocker' && !f.waived).map((f) => f.id)),
];

async function planOne(
  req: FleetPlanRequest,
  cluster: FleetCluster,
  stage: string,
  outDir: string,
): Promise<FleetClusterOutcome> {
  const base = { name: cluster.name, stage, to: req.to, nodes: 0, blockers: [], safe: false };
  const { fleet } = req.loaded;
  try {
    const settings = localPaths(clusterPlanSettings(fleet, cluster), dirname(req.loaded.path));
    const access = {
      ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
      ...(cluster.context ? { context: cluster.context } : {}),
    };
    const request = planRequestFromSettings(settings, { access, to: req.to, generator: req.generator, now: req.now() });
    const { plan } = await (req.plan ?? planUpgrade)(request);
    const planPath = await writePlanFileAsync(plan, join(outDir, `${cluster.name}.yaml`));
    const blockers = blockerIds(plan);
    const status: FleetClusterStatus = !plan.summary.safe
      ? 'blocked'
      : plan.summary.nodesToUpgrade === 0
        ? 'at-target'
        : 'planned';
    return {
      ...base,
      status,
      from: plan.from,
      to: plan.to,
      nodes: plan.summary.nodesToUpgrade,
      blockers,
      safe: plan.summary.safe,
      planPath,
      // The hash the written file carries (writePlanFile stamps the same canonical-JSON hash).
      contentHash: sealPlan(plan).metadata.contentHash,
    };
  } catch (e) {
    if (e instanceof ReferenceError) throw e; // a bug, not a cluster's problem
    const invalid = e instanceof PlanInputError || e instanceof ClusterAccessError || e instanceof LabelSelectorError;
    return { ...base, status: invalid ? 'invalid' : 'unreachable', error: (e as Error).message.split('\n')[0] };
  }
}

/** Runs `work` over `items` with at most `limit` at once; results in the items' order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function skipReason(o: FleetClusterOutcome): string {
  switch (o.status) {
    case 'blocked':
      return `blocked by ${o.blockers.join(', ')}`;
    case 'at-target':
      return `already at ${o.to}: nothing to upgrade`;
    default:
      return `${o.status}: ${o.error ?? 'not planned'}`;
  }
}

export async function planFleet(req: FleetPlanRequest): Promise<FleetPlanResult> {
  const target = formatVersion(parseTargetVersion(req.to));
  const request = { ...req, to: target };
  const { fleet } = req.loaded;
  const outDir = resolve(req.outDir ?? join(DEFAULT_PLAN_DIR, fleet.metadata.name));
  const members = clustersByStage(fleet);
  let done = 0;
  const outcomes = await pool(members, req.concurrency ?? DEFAULT_FLEET_PLAN_CONCURRENCY, async (m) => {
    const outcome = await planOne(request, m.cluster, fleet.stages[m.stage]?.name ?? '', outDir);
    done += 1;
    req.onCluster?.(outcome, done, members.length);
    return outcome;
  });
  const rel = (p: string) => relative(outDir, p);
  const skipped: FleetPlanSkipped[] = [];
  const stages = fleet.stages.map((stage, k) => {
    const clusters: FleetPlanCluster[] = [];
    members.forEach((m, i) => {
      const o = outcomes[i] as FleetClusterOutcome;
      if (m.stage !== k) return;
      const kept = o.status === 'planned' || (o.status === 'blocked' && !req.skipBlocked);
      if (!kept) {
        skipped.push({
          name: o.name,
          stage: stage.name,
          kind: o.status as FleetPlanSkipKind,
          reason: skipReason(o),
          ...(o.planPath ? { planPath: rel(o.planPath) } : {}),
        });
        return;
      }
      const c = m.cluster;
      clusters.push({
        name: c.name,
        labels: c.labels,
        ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}),
        ...(c.context ? { context: c.context } : {}),
        planPath: rel(o.planPath as string),
        contentHash: o.contentHash as string,
        from: o.from as string,
        to: o.to,
        nodes: o.nodes,
        blockers: o.blockers,
        safe: o.safe,
        ...(c.maintenanceWindow ? { maintenanceWindow: c.maintenanceWindow } : {}),
      });
    });
    return { ...stage, clusters };
  });
  const plan = sealFleetPlan({
    apiVersion: 'k8s-upgrade/v1',
    kind: FLEET_PLAN_KIND,
    metadata: {
      name: fleet.metadata.name,
      createdAt: req.now().toISOString(),
      generator: req.generator,
      fleetFile: req.loaded.path,
      fleetFileHash: req.loaded.hash,
      contentHash: '',
    },
    to: target,
    stages,
    skipped,
  });
  const path = writeFleetPlan(plan, join(outDir, FLEET_PLAN_FILE_NAME));
  const blocked = outcomes.some((o) => o.status === 'blocked' || o.status === 'unreachable' || o.status === 'invalid');
  return { plan, path, outcomes, blocked };
}
