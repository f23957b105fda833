/**
 * Preflight against a sandbox: start one, wait until its workloads are Ready, and run the checks as `plan`
 * would (inventory → version path → batches → context).
 */
import { AppsV1Api, CoreV1Api, PolicyV1Api, type V1Pod } from '@kubernetes/client-node';
import { KubeClusterClient, type ClusterReads } from '../../../src/cluster/index.js';
import {
  batchNodes,
  gatherInventory,
  runPreflight,
  versionPathInput,
  type PreflightContext,
  type PreflightOptions,
} from '../../../src/checks/index.js';
import {
  computeVersionPath,
  parseTargetVersion,
  planWorkerBatches,
  type BatchingOptions,
  type Finding,
} from '../../../src/plan/index.js';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import type { StartOptions } from '../../../src/sandbox/index.js';

export interface Env {
  t: TestSandbox;
  client: KubeClusterClient;
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
}

export async function startEnv(opts: StartOptions): Promise<Env> {
  const t = await startTestSandbox(opts);
  const env = {
    t,
    client: new KubeClusterClient(t.kc, t.sandbox.url),
    core: t.kc.makeApiClient(CoreV1Api),
    apps: t.kc.makeApiClient(AppsV1Api),
    policy: t.kc.makeApiClient(PolicyV1Api),
  };
  await settled(env);
  return env;
}

const podReady = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** Every pod Ready and every PDB status current. */
export async function settled(env: Env, what = 'pods Ready and PDB status current'): Promise<void> {
  await waitFor(async () => {
    const pods = (await env.core.listPodForAllNamespaces()).items;
    const pdbs = (await env.policy.listPodDisruptionBudgetForAllNamespaces()).items;
    return (
      pods.every((p) => p.status?.phase === 'Succeeded' || podReady(p)) &&
      pdbs.every((b) => (b.status?.observedGeneration ?? 0) >= (b.metadata?.generation ?? 1))
    );
  }, what);
}

export interface RunOptions {
  target: string;
  batching?: BatchingOptions;
  options?: Partial<PreflightOptions>;
  manifestsDir?: string;
  client?: ClusterReads;
}

export async function contextFor(env: Env, o: RunOptions): Promise<PreflightContext> {
  const client = o.client ?? env.client;
  const inventory = await gatherInventory(env.client);
  const target = parseTargetVersion(o.target);
  return {
    inventory,
    path: computeVersionPath(versionPathInput(inventory, target)),
    batches: planWorkerBatches(batchNodes(inventory), o.batching ?? { groups: [] }),
    target,
    options: { deleteEmptyDirData: false, forceUnmanaged: false, ...o.options },
    ...(o.manifestsDir ? { manifestsDir: o.manifestsDir } : {}),
    client,
  };
}

export async function preflight(env: Env, o: RunOptions): Promise<Finding[]> {
  return runPreflight(await contextFor(env, o));
}

export const ids = (findings: Finding[]): string[] => [...new Set(findings.map((f) => f.id))].sort();
export const withId = (findings: Finding[], id: string): Finding[] => findings.filter((f) => f.id === id);
export const names = (f: Finding | undefined, kind?: string): string[] =>
  (f?.objects ?? [])
    .filter((o) => !kind || o.kind === kind)
    .map((o) => (o.namespace ? `${o.namespace}/${o.name}` : o.name));
