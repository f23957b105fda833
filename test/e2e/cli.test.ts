/**
 * The built CLI as a subprocess (npm test builds dist/ first): `sandbox up` in the foreground, the sandbox
 * node side, and `plan` against a sandbox — exit codes, the plan file, the JSON shape CI parses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { join, resolve } from 'node:path';
import { CoreV1Api, PatchStrategy, PolicyV1Api, setHeaderOptions } from '@kubernetes/client-node';
import { startTestSandbox, waitFor, type TestSandbox } from '../helpers/sandbox.js';
import { parsePlan } from '../../src/plan/index.js';

const BIN = resolve('bin/run.js');
const cli = (args: string[], cwd?: string) =>
  execa(process.execPath, [BIN, ...args], { reject: false, cwd, env: { NO_COLOR: '1' } });

describe('k8s-upgrade sandbox up', () => {
  it('prints the export line and a ready line, serves kubectl-compatible HTTPS, and exits 0 on SIGTERM', async () => {
    const t = await startTestSandbox({ workload: { kind: 'none' } }); // only for a temp dir
    await t.stop();
    const kubeconfig = join(t.dir, 'up.kubeconfig');
    const child = execa(
      process.execPath,
      [
        BIN,
        'sandbox',
        'up',
        '--kubeconfig',
        kubeconfig,
        '--workload',
        'none',
        '--pool',
        'a=2',
        '--control-planes',
        '1',
        '--version',
        'v1.30.2',
      ],
      { reject: false },
    );
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await waitFor(() => out.includes('sandbox ready'), 'ready line');
    expect(out).toContain(`export KUBECONFIG=${kubeconfig}`);
    expect(out).toMatch(
      /sandbox ready: https:\/\/127\.0\.0\.1:\d+ Kubernetes v1\.30\.2, 1 control-plane and 2 worker nodes/,
    );
    const machines = await cli(['sandbox', 'machines', '--kubeconfig', kubeconfig, '-o', 'json']);
    expect(JSON.parse(machines.stdout).machines.map((m: { name: string }) => m.name)).toEqual(['cp-1', 'a-1', 'a-2']);
    const refused = await cli(['sandbox', 'node', 'upgrade', '--kubeconfig', kubeconfig, 'cp-1', 'v1.32.0']);
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain('kubeadm can upgrade only 1 minor version at a time');
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(0);
  });

  it('rejects bad options with exit code 3', async () => {
    const r = await cli(['sandbox', 'up', '--pool', 'blue:3']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('expected NAME=COUNT');
    const w = await cli(['sandbox', 'up', '--workload', 'huge']);
    expect(w.exitCode).toBe(3);
  });
});

describe('k8s-upgrade plan against the demo sandbox', () => {
  let t: TestSandbox;
  const exec = ['--exec-command', '["k8s-upgrade","sandbox","node","upgrade","{node}","{version}"]'];

  beforeAll(async () => {
    t = await startTestSandbox({ version: 'v1.31.4' });
    const core = t.kc.makeApiClient(CoreV1Api);
    await waitFor(async () => {
      const pods = (await core.listPodForAllNamespaces()).items;
      return (
        pods.length > 20 &&
        pods.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      );
    }, 'demo workloads Ready');
  });
  afterAll(() => t?.stop());

  it('writes the plan, prints the findings and exits 2 when there are blockers', async () => {
    const r = await cli(
      [
        'plan',
        '--kubeconfig',
        t.kubeconfigPath,
        '--to',
        'v1.32.0',
        '--workers',
        'pool=blue',
        '--workers',
        'pool=green',
        '--canary',
        '1',
        ...exec,
      ],
      t.dir,
    );
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toContain('v1.31.4 → v1.32.0');
    expect(r.stdout).toContain('[pdb-never-allows-eviction]');
    expect(r.stdout).toContain('[pod-unmanaged]');
    const files = readdirSync(join(t.dir, 'plans'));
    expect(files).toEqual(['sandbox-v1.31.4-to-v1.32.0.yaml']);
    const plan = parsePlan(readFileSync(join(t.dir, 'plans', files[0]), 'utf8'));
    expect(plan.cluster.server).toBe(t.sandbox.url);
    expect(plan.summary.safe).toBe(false);
    expect(JSON.stringify(plan)).not.toContain(t.sandbox.adminToken);
  });

  it('prints the documented JSON shape with -o json', async () => {
    const r = await cli([
      'plan',
      '--kubeconfig',
      t.kubeconfigPath,
      '--to',
      'v1.32.0',
      '--workers',
      'pool=blue',
      '--max-unavailable',
      '50%',
      '-o',
      'json',
      '--out',
      join(t.dir, 'p.yaml'),
      ...exec,
    ]);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ from: 'v1.31.4', to: 'v1.32.0', cluster: { server: t.sandbox.url } });
    expect(doc.controlPlane.hops).toEqual([{ to: 'v1.32.0', nodes: ['cp-1', 'cp-2', 'cp-3'] }]);
    expect(doc.workers.hops[0].to).toBe('v1.32.0');
    expect(doc.groups.map((g: { selector: string }) => g.selector)).toEqual(['pool=blue', '']);
    expect(doc.groups[0].batches.flat().sort()).toEqual(['blue-1', 'blue-2', 'blue-3']);
    for (const f of doc.findings)
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['id', 'severity', 'message', 'objects', 'waived']));
  });

  it('exits 0 once the blockers are fixed, and waivers are recorded', async () => {
    const policy = t.kc.makeApiClient(PolicyV1Api);
    await policy.patchNamespacedPodDisruptionBudget(
      { name: 'ledger', namespace: 'payments', body: { spec: { minAvailable: null, maxUnavailable: 1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(
      async () =>
        ((await policy.readNamespacedPodDisruptionBudget({ name: 'ledger', namespace: 'payments' })).status
          ?.disruptionsAllowed ?? 0) > 0,
      'ledger PDB allows a disruption',
    );
    const out = join(t.dir, 'ok.yaml');
    const r = await cli([
      'plan',
      '--kubeconfig',
      t.kubeconfigPath,
      '--to',
      'v1.32.0',
      '--delete-emptydir-data',
      '--force',
      '--ignore-check',
      'single-replica-no-pdb',
      '--out',
      out,
      ...exec,
    ]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`k8s-upgrade apply`);
    const plan = parsePlan(readFileSync(out, 'utf8'));
    expect(plan.waivers).toEqual(['single-replica-no-pdb']);
    expect(plan.findings.find((f) => f.id === 'single-replica-no-pdb')?.waived).toBe(true);
  });

  it('refuses bad input with exit code 3 and writes nothing', async () => {
    const out = join(t.dir, 'bad.yaml');
    const cases = [
      ['--to', 'v1.32'],
      ['--to', 'v1.30.0'],
      ['--to', 'v1.32.0', '--workers', 'pool in blue'],
      ['--to', 'v1.32.0', '--ignore-check', 'no-such-check'],
      ['--to', 'v1.32.0', '--ignore-check', 'capacity-insufficient'],
    ];
    for (const c of cases) {
      const r = await cli(['plan', '--kubeconfig', t.kubeconfigPath, ...c, '--out', out, ...exec]);
      expect(r.exitCode, `${c.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(/^Error: /);
    }
    const noExec = await cli([
      'plan',
      '--kubeconfig',
      t.kubeconfigPath,
      '--to',
      'v1.32.0',
      '--out',
      out,
      '--exec-command',
      'upgrade.sh {node}',
    ]);
    expect(noExec.exitCode).toBe(3);
    expect(noExec.stderr).toContain('JSON array');
    const missing = await cli(['plan', '--kubeconfig', join(t.dir, 'nope'), '--to', 'v1.32.0', '--out', out, ...exec]);
    expect(missing.exitCode).toBe(3);
    expect(existsSync(out)).toBe(false);
  });

  it('--json prints the plan document as -o json does, also with blockers (exit 2); --json -o yaml is exit 3', async () => {
    const args = ['plan', '--kubeconfig', t.kubeconfigPath, '--to', 'v1.32.0', '--workers', 'pool=blue', ...exec];
    const viaJson = await cli([...args, '--json', '--out', join(t.dir, 'json.yaml')]);
    const viaO = await cli([...args, '-o', 'json', '--out', join(t.dir, 'o.yaml')]);
    expect(viaJson.exitCode, viaJson.stderr).toBe(2);
    expect(viaO.exitCode, viaO.stderr).toBe(2);
    const withoutMetadata = (text: string) => {
      const { metadata, ...rest } = JSON.parse(text);
      expect(metadata.name).toBe('sandbox-v1.31.4-to-v1.32.0');
      return rest;
    };
    expect(withoutMetadata(viaJson.stdout)).toEqual(withoutMetadata(viaO.stdout));
    expect(statSync(join(t.dir, 'json.yaml')).mode & 0o777).toBe(0o600);
    const yaml = await cli([...args, '-o', 'yaml', '--out', join(t.dir, 'y.yaml')]);
    expect(yaml.exitCode).toBe(2);
    expect(yaml.stdout).toBe(readFileSync(join(t.dir, 'y.yaml'), 'utf8').trimEnd()); // execa strips the last newline
    const both = await cli([...args, '--json', '-o', 'yaml', '--out', join(t.dir, 'both.yaml')]);
    expect(both.exitCode).toBe(3);
    expect(JSON.parse(both.stdout).error.message).toContain('--json and -o yaml disagree');
    expect(existsSync(join(t.dir, 'both.yaml'))).toBe(false);
    const parseError = await cli([...args, '--json', '--no-such-flag']);
    expect(parseError.exitCode).toBe(3);
    expect(JSON.parse(parseError.stdout).error.exitCode).toBe(3);
  });

  it('sandbox machines: --json is -o json, -o yaml the same document, -o wide adds columns', async () => {
    const machines = (...o: string[]) => cli(['sandbox', 'machines', '--kubeconfig', t.kubeconfigPath, ...o]);
    const [json, oJson, yaml, human, wide] = await Promise.all([
      machines('--json'),
      machines('-o', 'json'),
      machines('-o', 'yaml'),
      machines(),
      machines('-o', 'wide'),
    ]);
    for (const r of [json, oJson, yaml, human, wide]) expect(r.exitCode, r.stderr).toBe(0);
    expect(json.stdout).toBe(oJson.stdout);
    expect(parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    expect(human.stdout.split('\n')[0]).toMatch(/^NAME +ROLE +POOL .* DOWNGRADES$/);
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME +ROLE +POOL .* DOWNGRADES +ADDRESS +UPGRADE-COMMANDS$/);
    expect(wide.stdout.split('\n').length).toBe(human.stdout.split('\n').length);
  });
});
