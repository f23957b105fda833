/**
 * Shared by the apply integration tests: a small sandbox, a plan written with the real planner into the test's
 * temp dir (exec driver = the built CLI's `sandbox node upgrade`), and `applyPlan` run in-process with its
 * events collected.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { applyPlan, type ApplySettings } from '../../../src/upgrade/apply/index.js';
import { planUpgrade } from '../../../src/upgrade/plan/index.js';
import type { RunState, RunSummary, UpgradeEvent } from '../../../src/upgrade/run/index.js';
import { serializePlan, type PlanOptions, type UpgradePlan } from '../../../src/plan/index.js';
import { readStateFile, statePathFor } from '../../../src/upgrade/run/state-store.js';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import type { StartOptions } from '../../../src/sandbox/index.js';
import { upgradeMachine } from '../../../src/sandbox/node-side/upgrade.js';

export const BIN = resolve('bin/run.js');

/** Fast settings for tests (the defaults wait seconds between retries); the sandbox plans take no etcd snapshot. */
export const FAST: Partial<ApplySettings> = {
  evictionRetryDelayMs: 200,
  driverRetryDelayMs: 200,
  skipEtcdSnapshot: true,
};

/** A sandbox with no demo workload (system pods only) unless told otherwise. */
export function startApplySandbox(opts: StartOptions = {}): Promise<TestSandbox> {
  return startTestSandbox({ workload: { kind: 'none' }, ...opts });
}

export interface PlanSpec {
  to?: string;
  workers?: string[];
  maxUnavailable?: string;
  strategy?: PlanOptions['strategy'];
  canary?: number;
  forceUnmanaged?: boolean;
  gateTimeoutSeconds?: number;
  /** The exec driver's upgrade argv (default: sandboxDriverArgv). */
  driverArgv?: string[];
  /** Where the plan is written (default `<dir>/plan.yaml`). */
  file?: string;
}

export function options(spec: PlanSpec = {}): PlanOptions {
  return {
    strategy: spec.strategy ?? 'rolling',
    drain: { timeoutSeconds: 60, deleteEmptyDirData: true, forceUnmanaged: spec.forceUnmanaged ?? false },
    healthGates: { timeoutSeconds: spec.gateTimeoutSeconds ?? 30, soakSeconds: 0, http: [], commands: [] },
    etcdSnapshot: { mode: 'none', perHop: false },
  };
}

/**
 * `argv` run by test/helpers/slow-driver.mjs: it waits `ms` first (a driver that takes a while); `@FILE`
 * reads the milliseconds from FILE at each run.
 */
export const slowDriverArgv = (ms: number | string, argv: string[]): string[] => [
  process.execPath,
  resolve('test/helpers/slow-driver.mjs'),
  String(ms),
  ...argv,
];

/** The exec driver's argv that upgrades a node of `t` (`sandbox node upgrade`), as the demo uses it. */
export const sandboxDriverArgv = (t: TestSandbox): string[] => [
  process.execPath,
  BIN,
  'sandbox',
  'node',
  'upgrade',
  '--kubeconfig',
  t.kubeconfigPath,
  '{node}',
  '{version}',
];

/** Plans against `t` with the real planner and writes the plan file; returns its path and the plan. */
export async function writePlan(t: TestSandbox, spec: PlanSpec = {}): Promise<{ path: string; plan: UpgradePlan }> {
  const argv = spec.driverArgv ?? sandboxDriverArgv(t);
  const { plan } = await planUpgrade({
    access: { kubeconfig: t.kubeconfigPath },
    to: spec.to ?? 'v1.32.0',
    workers: spec.workers ?? ['pool=blue'],
    maxUnavailable: spec.maxUnavailable ?? '1',
    ...(spec.canary ? { canary: spec.canary } : {}),
    strict: false,
    ignoreChecks: [],
    options: options(spec),
    driver: { type: 'exec', exec: { upgrade: argv, timeoutSeconds: 120 } },
    generator: 'k8s-upgrade test',
    now: new Date(),
  });
  const path = spec.file ?? join(t.dir, 'plan.yaml');
  writeFileSync(path, serializePlan(plan));
  return { path, plan };
}

export interface ApplyRun {
  summary: RunSummary;
  events: UpgradeEvent[];
}

export interface RunOptions {
  settings?: Partial<ApplySettings>;
  /** The first interrupt (pause at a safe point). */
  signal?: AbortSignal;
  /** The second interrupt (cancel the steps in flight). */
  abort?: AbortSignal;
  onEvent?: (e: UpgradeEvent) => void;
  /** Another sandbox's kubeconfig (default: `t`'s). */
  kubeconfig?: string;
}

export async function runApply(t: TestSandbox, planPath: string, o: RunOptions = {}): Promise<ApplyRun> {
  const events: UpgradeEvent[] = [];
  const summary = await applyPlan(
    {
      planPath,
      access: { kubeconfig: o.kubeconfig ?? t.kubeconfigPath },
      generator: 'k8s-upgrade test',
      confirm: async () => true,
      settings: { ...FAST, ...o.settings },
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.abort ? { abort: o.abort } : {}),
    },
    (e) => {
      events.push(e);
      o.onEvent?.(e);
    },
  );
  return { summary, events };
}

export const stateOf = (planPath: string): RunState | undefined => readStateFile(statePathFor(planPath));

export function machines(t: TestSandbox): {
  name: string;
  role: string;
  kubeletVersion: string;
  controlPlaneVersion?: string;
  upgrades: number;
  upgradeCommands: number;
}[] {
  return [...t.sandbox.cluster.machines.values()].map((m) => ({
    name: m.name,
    role: m.role,
    kubeletVersion: m.kubeletVersion,
    ...(m.controlPlaneVersion ? { controlPlaneVersion: m.controlPlaneVersion } : {}),
    upgrades: m.upgrades,
    upgradeCommands: m.upgradeCommands ?? 0,
  }));
}

/** Names of the cordoned nodes, read through the API. */
export async function cordoned(t: TestSandbox): Promise<string[]> {
  const nodes = (await t.kc.makeApiClient(CoreV1Api).listNode()).items;
  return nodes
    .filter((n) => n.spec?.unschedulable)
    .map((n) => n.metadata!.name!)
    .sort();
}

/** Waits until every pod is Ready and none is terminating. */
export async function waitSettled(t: TestSandbox): Promise<void> {
  const core = t.kc.makeApiClient(CoreV1Api);
  await waitFor(
    async () => {
      const pods = (await core.listPodForAllNamespaces()).items;
      return (
        pods.length > 0 &&
        pods.every(
          (p) =>
            p.metadata?.deletionTimestamp === undefined &&
            p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        )
      );
    },
    'pods Ready',
    30_000,
  );
}

/**
 * The highest number of nodes cordoned at the same time, read from the sandbox store on every change of a
 * node (its change feed, so no cordon is missed); stop() returns the peak and the nodes cordoned together then.
 */
export function watchCordons(
  t: TestSandbox,
  filter: (node: string) => boolean = () => true,
): { stop(): { peak: number; together: string[] } } {
  const store = t.sandbox.cluster.store;
  const now = new Set<string>();
  let peak = 0;
  let together: string[] = [];
  const off = store.subscribe((ev) => {
    if (ev.resource !== 'nodes' || !filter(ev.object.metadata.name)) return;
    const name = ev.object.metadata.name;
    if (ev.type !== 'DELETED' && (ev.object as { spec?: { unschedulable?: boolean } }).spec?.unschedulable)
      now.add(name);
    else now.delete(name);
    if (now.size > peak) {
      peak = now.size;
      together = [...now].sort();
    }
  });
  return {
    stop() {
      off();
      return { peak, together };
    },
  };
}

export const ofType = <T extends UpgradeEvent['type']>(
  events: UpgradeEvent[],
  type: T,
): Extract<UpgradeEvent, { type: T }>[] =>
  events.filter((e): e is Extract<UpgradeEvent, { type: T }> => e.type === type);

/** Upgrades nodes out of band (as an operator would by hand) and waits until they are Ready at `version`. */
export async function upgradeOutOfBand(t: TestSandbox, nodes: string[], version: string): Promise<void> {
  for (const n of nodes) await upgradeMachine(t.sandbox.cluster, t.sandbox.controllers, n, version);
  await waitFor(
    () =>
      nodes.every((name) => {
        const n = t.sandbox.cluster.node(name) as
          | { status?: { nodeInfo?: { kubeletVersion?: string }; conditions?: { type: string; status: string }[] } }
          | undefined;
        return (
          n?.status?.nodeInfo?.kubeletVersion === version &&
          n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        );
      }),
    `${nodes.join(', ')} Ready at ${version}`,
  );
}
