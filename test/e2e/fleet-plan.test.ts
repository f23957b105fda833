/**
 * The built CLI's `fleet plan` as a subprocess against two in-process sandboxes: the happy path (exit 0, the table,
 * `-o json` is the fleet plan, the files written) and a bad fleet file (exit 3, the offending path named, nothing
 * written).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readFleetPlan } from '../../src/fleet/plan/index.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const BIN = resolve('bin/run.js');
const cli = (args: string[], cwd?: string) =>
  execa(process.execPath, [BIN, ...args], { reject: false, cwd, env: { NO_COLOR: '1' } });

let one: TestSandbox;
let two: TestSandbox;
const fleet = (clusters: object[]) => ({
  apiVersion: 'k8s-upgrade/v1',
  kind: 'Fleet',
  metadata: { name: 'e2e' },
  defaults: { workers: ['pool=blue'], execCommand: ['/bin/true', '{node}', '{version}'] },
  clusters,
  stages: [
    { name: 'canary', selector: 'ring=canary', maxConcurrency: 1 },
    { name: 'rest', selector: 'ring!=canary', maxConcurrency: '100%' },
  ],
});

beforeAll(async () => {
  const small = { controlPlanes: 1, pools: [{ name: 'blue', count: 2 }], workload: { kind: 'none' as const } };
  [one, two] = await Promise.all([
    startTestSandbox({ ...small, seed: 21, version: 'v1.31.4' }),
    startTestSandbox({ ...small, seed: 22, version: 'v1.31.4' }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
});

describe('k8s-upgrade fleet plan (built CLI)', () => {
  it('plans both clusters, prints the table, writes the fleet plan; -o json prints it', async () => {
    const file = join(one.dir, 'fleet.yaml');
    writeFileSync(
      file,
      YAML.stringify(
        fleet([
          { name: 'one', kubeconfig: one.kubeconfigPath, labels: { ring: 'canary' } },
          { name: 'two', kubeconfig: two.kubeconfigPath, labels: { ring: 'main' } },
        ]),
      ),
    );
    const out = join(one.dir, 'out');
    const r = await cli(['fleet', 'plan', file, '--to', 'v1.32.0', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^canary\s+one\s+v1\.31\.4 → v1\.32\.0\s+3\s+-\s+yes$/m);
    expect(r.stdout).toMatch(/^rest\s+two\s+v1\.31\.4 → v1\.32\.0\s+3\s+-\s+yes$/m);
    expect(r.stdout).toContain(`Next: k8s-upgrade fleet apply ${join(out, 'fleet-plan.yaml')}`);
    const plan = readFleetPlan(join(out, 'fleet-plan.yaml'));
    expect(plan.stages.map((s) => s.clusters.map((c) => c.planPath))).toEqual([['one.yaml'], ['two.yaml']]);

    const json = await cli(['fleet', 'plan', file, '--to', 'v1.32.0', '--out', join(one.dir, 'out2'), '-o', 'json']);
    expect(json.exitCode).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ kind: 'FleetPlan', to: 'v1.32.0', skipped: [] });
    expect(doc).toEqual(readFleetPlan(join(one.dir, 'out2', 'fleet-plan.yaml')));
  }, 120_000);

  it('a bad fleet file is exit 3, names the offending path, and writes nothing', async () => {
    const file = join(one.dir, 'bad.yaml');
    writeFileSync(
      file,
      YAML.stringify(
        fleet([
          { name: 'one', kubeconfig: one.kubeconfigPath, labels: { ring: 'canary' } },
          { name: 'one', kubeconfig: two.kubeconfigPath, labels: { ring: 'main' } },
        ]),
      ),
    );
    const out = join(one.dir, 'never');
    const r = await cli(['fleet', 'plan', file, '--to', 'v1.32.0', '--out', out]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('clusters[1].name: duplicate cluster name "one"');
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
