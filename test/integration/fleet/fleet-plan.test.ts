/**
 * `fleet plan` in-process over four sandboxes started with different seeds and versions (same-seed sandboxes
 * share a kube-system UID): a fleet file in two stages; every cluster planned with the plan use case, each plan
 * file readable by `apply`'s reader, the fleet plan valid (schema, content hash, mode 0600), the table right; a
 * cluster with a blocker makes the run blocked (exit 2), and `--skip-blocked` records it in `skipped`; a cluster
 * already at the target is recorded as skipped.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { renderFleetPlanTable } from '../../../src/cli/render/fleet-plan-table.js';
import { readFleetFile } from '../../../src/fleet/file/index.js';
import { FleetPlanFileError, planFleet, readFleetPlan, type FleetPlanResult } from '../../../src/fleet/plan/index.js';
import { readPlan } from '../../../src/upgrade/run/read-plan.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { sandboxDriverArgv } from '../upgrade/apply-helpers.js';

const small = { controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] };
let sandboxes: Record<'a' | 'b' | 'c' | 'd', TestSandbox>;
let fleetPath: string;

beforeAll(async () => {
  const [a, b, c, d] = await Promise.all([
    startTestSandbox({ ...small, seed: 11, version: 'v1.31.4', workload: { kind: 'none' } }),
    startTestSandbox({ ...small, seed: 12, version: 'v1.31.2', workload: { kind: 'none' } }),
    // The demo workload carries blockers (emptyDir data without --delete-emptydir-data, …).
    startTestSandbox({ ...small, seed: 13, version: 'v1.31.4', workload: { kind: 'demo' } }),
    startTestSandbox({ ...small, seed: 14, version: 'v1.32.0', workload: { kind: 'none' } }),
  ]);
  sandboxes = { a: a!, b: b!, c: c!, d: d! };
  const dir = a!.dir;
  const argv = sandboxDriverArgv;
  fleetPath = join(dir, 'fleet.yaml');
  writeFileSync(
    fleetPath,
    YAML.stringify({
      apiVersion: 'k8s-upgrade/v1',
      kind: 'Fleet',
      metadata: { name: 'lab' },
      defaults: { workers: ['pool=blue'], execCommand: argv(a!) },
      clusters: [
        { name: 'alpha', kubeconfig: a!.kubeconfigPath, labels: { ring: 'canary' } },
        { name: 'bravo', kubeconfig: b!.kubeconfigPath, labels: { ring: 'main' }, settings: { execCommand: argv(b!) } },
        {
          name: 'charlie',
          kubeconfig: c!.kubeconfigPath,
          labels: { ring: 'main' },
          settings: { execCommand: argv(c!) },
        },
        { name: 'delta', kubeconfig: d!.kubeconfigPath, labels: { ring: 'main' }, settings: { execCommand: argv(d!) } },
      ],
      stages: [
        { name: 'canary', selector: 'ring=canary', maxConcurrency: 1 },
        { name: 'main', selector: 'ring=main', maxConcurrency: '50%', failureBudget: 1, soak: '10m' },
      ],
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(sandboxes ?? {}).map((t) => t.stop()));
});

const run = (outDir: string, skipBlocked: boolean): Promise<FleetPlanResult> =>
  planFleet({
    loaded: readFleetFile(fleetPath),
    to: 'v1.32.0',
    outDir,
    concurrency: 2,
    skipBlocked,
    generator: 'k8s-upgrade test',
    now: () => new Date('2026-12-07T10:00:00Z'),
  });

describe('fleet plan over four sandboxes', () => {
  let result: FleetPlanResult;
  beforeAll(async () => {
    result = await run(join(sandboxes.a.dir, 'plans'), false);
  }, 120_000);

  it('plans every cluster: safe ones planned, the demo cluster blocked, the one at the target skipped', () => {
    const by = Object.fromEntries(result.outcomes.map((o) => [o.name, o]));
    expect(result.outcomes.map((o) => [o.stage, o.name])).toEqual([
      ['canary', 'alpha'],
      ['main', 'bravo'],
      ['main', 'charlie'],
      ['main', 'delta'],
    ]);
    expect(by.alpha).toMatchObject({
      status: 'planned',
      from: 'v1.31.4',
      to: 'v1.32.0',
      nodes: 3,
      safe: true,
      blockers: [],
    });
    expect(by.bravo).toMatchObject({ status: 'planned', from: 'v1.31.2', nodes: 3, safe: true });
    expect(by.charlie?.status).toBe('blocked');
    expect(by.charlie?.blockers.length).toBeGreaterThan(0);
    expect(by.delta).toMatchObject({ status: 'at-target', nodes: 0 });
    expect(result.blocked).toBe(true);
  });

  it('writes plan files that apply reads, and a valid, sealed fleet plan (0600) that names them with their hashes', () => {
    const plan = readFleetPlan(result.path);
    expect(result.path).toBe(join(sandboxes.a.dir, 'plans', 'fleet-plan.yaml'));
    expect(statSync(result.path).mode & 0o777).toBe(0o600);
    expect(plan).toEqual(result.plan);
    expect(plan.metadata).toMatchObject({ name: 'lab', fleetFile: fleetPath });
    expect(plan.stages.map((s) => [s.name, s.clusters.map((c) => c.name)])).toEqual([
      ['canary', ['alpha']],
      ['main', ['bravo', 'charlie']],
    ]);
    expect(plan.stages[1]).toMatchObject({ maxConcurrency: '50%', failureBudget: 1, soak: '10m', onFailure: 'stop' });
    for (const stage of plan.stages)
      for (const c of stage.clusters) {
        const p = readPlan(join(sandboxes.a.dir, 'plans', c.planPath));
        expect(p.metadata.contentHash).toBe(c.contentHash);
        expect(c.kubeconfig).toBe(
          sandboxes[({ alpha: 'a', bravo: 'b', charlie: 'c' } as const)[c.name as 'alpha']].kubeconfigPath,
        );
      }
    expect(plan.skipped).toEqual([
      {
        name: 'delta',
        stage: 'main',
        kind: 'at-target',
        reason: 'already at v1.32.0: nothing to upgrade',
        planPath: 'delta.yaml',
      },
    ]);
  });

  it('refuses a fleet plan edited after it was written (content hash)', () => {
    const edited = join(sandboxes.a.dir, 'edited.yaml');
    const text = readFileSync(result.path, 'utf8');
    const changed = text.replace('failureBudget: 1', 'failureBudget: 2');
    expect(changed).not.toBe(text);
    writeFileSync(edited, changed);
    expect(() => readFleetPlan(edited)).toThrow(FleetPlanFileError);
    expect(() => readFleetPlan(edited)).toThrow(/changed after `fleet plan` wrote it/);
  });

  it('prints one table: stage, cluster, from → to, nodes, blockers, safe; totals per stage and overall', () => {
    const text = renderFleetPlanTable(result.plan, result.outcomes, { planPath: 'plans/lab/fleet-plan.yaml' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Fleet lab: 4 clusters in 2 stages, to v1.32.0');
    expect(lines[2]).toMatch(/^STAGE\s+CLUSTER\s+FROM → TO\s+NODES\s+BLOCKERS\s+SAFE$/);
    expect(lines[3]).toMatch(/^canary\s+alpha\s+v1\.31\.4 → v1\.32\.0\s+3\s+-\s+yes$/);
    expect(lines[4]).toMatch(/^main\s+bravo\s+v1\.31\.2 → v1\.32\.0\s+3\s+-\s+yes$/);
    const charlie = result.outcomes.find((o) => o.name === 'charlie');
    expect(lines[5]).toContain(charlie?.blockers[0]);
    expect(lines[5]).toMatch(/\s+no$/);
    expect(lines[6]).toMatch(/^main\s+delta\s+v1\.32\.0 → v1\.32\.0\s+0\s+-\s+yes \(at target\)$/);
    expect(text).toMatch(/ {2}canary\s+1 cluster, 3 nodes to upgrade, 1 safe, 0 blocked\n/);
    expect(text).toMatch(/ {2}main\s+3 clusters, \d+ nodes to upgrade, 1 safe, 1 blocked, 1 at target\n/);
    expect(text).toMatch(/ {2}all\s+4 clusters, \d+ nodes to upgrade, 2 safe, 1 blocked, 1 at target\n/);
    expect(text).toContain('Not safe: 1 cluster blocked or not planned');
  });

  it('--skip-blocked leaves the blocked cluster out of the stages and records why', async () => {
    const skipped = await run(join(sandboxes.a.dir, 'plans-skip'), true);
    const plan = readFleetPlan(skipped.path);
    expect(plan.stages.map((s) => s.clusters.map((c) => c.name))).toEqual([['alpha'], ['bravo']]);
    const charlie = plan.skipped.find((s) => s.name === 'charlie');
    expect(charlie).toMatchObject({ stage: 'main', kind: 'blocked', planPath: 'charlie.yaml' });
    expect(charlie?.reason).toMatch(/^blocked by /);
    expect(plan.skipped.map((s) => s.name).sort()).toEqual(['charlie', 'delta']);
  }, 120_000);
});
