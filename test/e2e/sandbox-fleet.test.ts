/**
 * The built CLI's `sandbox up --clusters N --fleet-file PATH` as a subprocess: it prints the target, writes a
 * kubeconfig with a context per cluster and a fleet file `fleet plan` accepts (every cluster plannable), and exits
 * 0 on SIGTERM; flags a fleet cannot take are exit 3 before anything starts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readFileSync } from 'node:fs';

const BIN = resolve('bin/run.js');
const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-e2e-fleet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('k8s-upgrade sandbox up --clusters (built CLI)', () => {
  it('serves the fleet, writes a fleet file that fleet plan plans without blockers, stops on SIGTERM', async () => {
    const kubeconfig = join(dir, 'kc');
    const fleetFile = join(dir, 'fleet.yaml');
    const up = execa(
      process.execPath,
      [BIN, 'sandbox', 'up', '--clusters', '3', '--nodes', '12', '--kubeconfig', kubeconfig, '--fleet-file', fleetFile],
      { reject: false, env: { NO_COLOR: '1' } },
    );
    let out = '';
    await new Promise<void>((done, fail) => {
      up.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('--to v1.32.0')) done();
      });
      void up.then((r) => fail(new Error(`sandbox up exited ${r.exitCode}: ${out}${r.stderr}`)));
    });
    expect(out).toMatch(/sandbox fleet ready in [\d.]+ s: 3 clusters \(c001…c003, contexts sandbox-c001…\), 12 nodes/);
    const kc = YAML.parse(readFileSync(kubeconfig, 'utf8'));
    expect(kc.contexts.map((c: { name: string }) => c.name)).toEqual([
      'sandbox-c001',
      'sandbox-c001-readonly',
      'sandbox-c002',
      'sandbox-c002-readonly',
      'sandbox-c003',
      'sandbox-c003-readonly',
    ]);
    const plan = await execa(
      process.execPath,
      [BIN, 'fleet', 'plan', fleetFile, '--to', 'v1.32.0', '--out', join(dir, 'plans'), '-o', 'json'],
      { reject: false, env: { NO_COLOR: '1' } },
    );
    expect(plan.stderr).toBe('');
    expect(plan.exitCode).toBe(0);
    const doc = JSON.parse(plan.stdout);
    expect(doc.stages.map((s: { name: string; clusters: unknown[] }) => [s.name, s.clusters.length])).toEqual([
      ['canary', 2],
      ['early', 1],
    ]);
    expect(
      doc.stages.flatMap((s: { clusters: { blockers: string[] }[] }) => s.clusters.flatMap((c) => c.blockers)),
    ).toEqual([]);
    up.kill('SIGTERM');
    const r = await up;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('sandbox fleet stopped');
  }, 120_000);

  it.each([
    [['--clusters', '4', '--nodes', '11'], /--nodes 11: 4 clusters need at least 12/],
    [['--fleet-file', 'f.yaml'], /--fleet-file needs --clusters/],
    [['--clusters', '2', '--pool', 'a=2', '--etcd'], /--pool, --etcd cannot be used with --clusters/],
  ])('%j is exit 3 and starts nothing', async (args, message) => {
    const kubeconfig = join(dir, `bad-${args.length}`);
    const r = await execa(process.execPath, [BIN, 'sandbox', 'up', '--kubeconfig', kubeconfig, ...args], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(existsSync(kubeconfig)).toBe(false);
  });
});
