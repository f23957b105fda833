/**
 * `planFleet` with the plan use case injected: clusters that cannot be planned (unreachable, invalid input) are
 * outcomes and never stop the others, parallelism stays within its bound, and a fleet at scale (570 clusters) is
 * planned into one fleet plan. The plan returned for every cluster is the golden safe plan.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { renderFleetPlanTable } from '../../../src/cli/render/fleet-plan-table.js';
import { ClusterApiError } from '../../../src/cluster/index.js';
import { readFleetFile } from '../../../src/fleet/file/index.js';
import { DEFAULT_FLEET_PLAN_CONCURRENCY, planFleet, readFleetPlan } from '../../../src/fleet/plan/index.js';
import { PlanInputError, parsePlan, type UpgradePlan } from '../../../src/plan/index.js';
import type { PlanRequest, PlanResult } from '../../../src/upgrade/plan/index.js';

let dir: string;
let golden: UpgradePlan;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plan-fleet-'));
  golden = parsePlan(readFileSync('test/golden/plan-output-safe.json', 'utf8'));
  const contexts = Array.from({ length: 570 }, (_, i) => ({ name: `c${i}`, context: { cluster: 'x', user: 'u' } }));
  writeFileSync(
    join(dir, 'kc.yaml'),
    YAML.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts, 'current-context': 'c0' }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fleetFile(n: number): string {
  const path = join(dir, `fleet-${n}.yaml`);
  writeFileSync(
    path,
    YAML.stringify({
      apiVersion: 'k8s-upgrade/v1',
      kind: 'Fleet',
      metadata: { name: `f${n}` },
      defaults: { execCommand: ['/bin/up', '{node}', '{version}'] },
      clusters: Array.from({ length: n }, (_, i) => ({
        name: `c${i}`,
        kubeconfig: 'kc.yaml',
        context: `c${i}`,
        labels: { ring: i === 0 ? 'canary' : 'main' },
      })),
      stages: [
        { name: 'canary', selector: 'ring=canary', maxConcurrency: 1 },
        { name: 'main', selector: 'ring=main', maxConcurrency: '10%', failureBudget: '5%' },
      ],
    }),
  );
  return path;
}

const fake = (fail: (context: string) => Error | undefined) => {
  let inFlight = 0;
  const stats = { max: 0, calls: [] as PlanRequest[] };
  const plan = async (req: PlanRequest): Promise<PlanResult> => {
    stats.calls.push(req);
    inFlight += 1;
    stats.max = Math.max(stats.max, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight -= 1;
    const err = fail(req.access.context ?? '');
    if (err) throw err;
    return { plan: golden, inventory: undefined as never };
  };
  return { plan, stats };
};

describe('planFleet', () => {
  it('reports an unreachable and an invalid cluster without stopping the others, and marks the run blocked', async () => {
    const { plan, stats } = fake((ctx) =>
      ctx === 'c1'
        ? new ClusterApiError('GET /api/v1/nodes: connect ECONNREFUSED 10.0.0.1:6443', 0, 'ServiceUnavailable')
        : ctx === 'c2'
          ? new PlanInputError('DOWNGRADE_REFUSED', 'v1.32.0 is older than the cluster')
          : undefined,
    );
    const result = await planFleet({
      loaded: readFleetFile(fleetFile(5)),
      to: 'v1.32.0',
      outDir: join(dir, 'out5'),
      concurrency: 2,
      generator: 'test',
      now: () => new Date('2026-12-07T00:00:00Z'),
      plan,
    });
    expect(stats.calls).toHaveLength(5);
    expect(stats.max).toBeLessThanOrEqual(2);
    expect(result.outcomes.map((o) => [o.name, o.status])).toEqual([
      ['c0', 'planned'],
      ['c1', 'unreachable'],
      ['c2', 'invalid'],
      ['c3', 'planned'],
      ['c4', 'planned'],
    ]);
    expect(result.outcomes[1]?.error).toContain('ECONNREFUSED');
    expect(result.blocked).toBe(true);
    const written = readFleetPlan(result.path);
    expect(written.stages[1]?.clusters.map((c) => c.name)).toEqual(['c3', 'c4']);
    expect(written.skipped).toEqual([
      { name: 'c1', stage: 'main', kind: 'unreachable', reason: expect.stringContaining('unreachable: GET') },
      { name: 'c2', stage: 'main', kind: 'invalid', reason: 'invalid: v1.32.0 is older than the cluster' },
    ]);
    expect(stats.calls[0]).toMatchObject({
      to: 'v1.32.0',
      access: { kubeconfig: join(dir, 'kc.yaml'), context: 'c0' },
    });
    const table = renderFleetPlanTable(written, result.outcomes, { planPath: 'fleet-plan.yaml' });
    expect(table).toMatch(/^main\s+c1\s+\? → v1\.32\.0\s+-\s+-\s+no \(unreachable\)$/m);
    expect(table).toContain('Not planned:\n  c1: GET /api/v1/nodes: connect ECONNREFUSED');
    expect(table).toMatch(/ {2}main\s+4 clusters, \d+ nodes to upgrade, 2 safe, 0 blocked, 2 not planned/);
  });

  it('refuses a target that is not a full version before planning anything', async () => {
    const { plan, stats } = fake(() => undefined);
    await expect(
      planFleet({ loaded: readFleetFile(fleetFile(2)), to: '1.32', generator: 't', now: () => new Date(), plan }),
    ).rejects.toThrow(PlanInputError);
    expect(stats.calls).toHaveLength(0);
  });

  it('plans a fleet of 570 clusters with at most the default (32) at once into one fleet plan', async () => {
    const { plan, stats } = fake(() => undefined);
    const result = await planFleet({
      loaded: readFleetFile(fleetFile(570)),
      to: 'v1.32.0',
      outDir: join(dir, 'out570'),
      generator: 'test',
      now: () => new Date('2026-12-07T00:00:00Z'),
      plan,
    });
    expect(stats.calls).toHaveLength(570);
    expect(stats.max).toBe(DEFAULT_FLEET_PLAN_CONCURRENCY);
    const written = readFleetPlan(result.path);
    expect(written.stages.map((s) => s.clusters.length)).toEqual([1, 569]);
    expect(result.blocked).toBe(false);
  }, 60_000);
});
