/** Shared by the fleet integration tests: sandboxes with their control plane at the target, a fleet plan written by hand over plans made by the real planner. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { sealFleetPlan, writeFleetPlan } from '../../../src/fleet/plan/index.js';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { startApplySandbox, upgradeOutOfBand, writePlan } from '../upgrade/apply-helpers.js';
import { readPlan } from '../../../src/upgrade/run/index.js';
import type { FleetPlan, FleetPlanStage } from '../../../src/fleet/plan/fleet-plan-types.js';
import type { MaintenanceWindow, StageGate } from '../../../src/fleet/file/fleet-file-types.js';

const sandboxes: TestSandbox[] = [];
/** Stops every sandbox `cluster` started (register with afterEach). */
export async function stopClusters(): Promise<void> {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
}

export async function cluster(seed: number, workers = 2): Promise<TestSandbox> {
  const s = await startApplySandbox({
    seed,
    version: 'v1.31.4',
    controlPlanes: 1,
    pools: [{ name: 'blue', count: workers }],
  });
  sandboxes.push(s);
  await upgradeOutOfBand(s, ['cp-1'], 'v1.32.0');
  return s;
}

export interface StageSpec {
  name: string;
  clusters: string[];
  maxConcurrency?: number | `${number}%`;
  failureBudget?: number | `${number}%`;
  soak?: string;
  gates?: { before?: StageGate[]; after?: StageGate[] };
  windows?: Record<string, MaintenanceWindow>;
}

/** Plans every cluster with the real planner into `<dir>/plans/` and writes the fleet plan and a fleet file. */
export async function fleetPlan(dir: string, named: Record<string, TestSandbox>, stages: StageSpec[]): Promise<string> {
  mkdirSync(join(dir, 'plans'), { recursive: true });
  const fleetFile = join(dir, 'fleet.yaml');
  const fleetFileText = stringify({
    apiVersion: 'k8s-upgrade/v1',
    kind: 'Fleet',
    metadata: { name: 'test' },
    clusters: Object.entries(named).map(([name, t]) => ({ name, kubeconfig: t.kubeconfigPath, labels: {} })),
  });
  writeFileSync(fleetFile, fleetFileText);
  const fleetPlanPath = join(dir, 'fleet-plan.yaml');
  const planStages: FleetPlanStage[] = [];
  for (const st of stages) {
    const clusters = [];
    for (const name of st.clusters) {
      const t = named[name]!;
      const file = join(dir, 'plans', `${name}.yaml`);
      const { plan } = await writePlan(t, { file });
      clusters.push({
        name,
        labels: {},
        kubeconfig: t.kubeconfigPath,
        planPath: relative(dir, file),
        contentHash: readPlan(file).metadata.contentHash,
        from: plan.from,
        to: plan.to,
        nodes: 2,
        blockers: [],
        safe: true,
        ...(st.windows?.[name] ? { maintenanceWindow: st.windows[name] } : {}),
      });
    }
    planStages.push({
      name: st.name,
      selector: '',
      maxConcurrency: st.maxConcurrency ?? 1,
      failureBudget: st.failureBudget ?? 0,
      onFailure: 'stop',
      ...(st.soak ? { soak: st.soak } : {}),
      ...(st.gates ? { gates: st.gates } : {}),
      clusters,
    });
  }
  const fp: FleetPlan = {
    apiVersion: 'k8s-upgrade/v1',
    kind: 'FleetPlan',
    metadata: {
      name: 'test',
      createdAt: new Date().toISOString(),
      generator: 'test',
      fleetFile,
      fleetFileHash: `sha256:${createHash('sha256').update(fleetFileText).digest('hex')}`,
      contentHash: 'sha256:' + '0'.repeat(64), // sealed below
    },
    to: 'v1.32.0',
    stages: planStages,
    skipped: [],
  };
  writeFleetPlan(sealFleetPlan(fp), fleetPlanPath);
  return fleetPlanPath;
}
