/**
 * apply writes the run report at the end of every run: the three files next to the plan (mode 0600) or in
 * --report-dir, the Markdown summary appended to $GITHUB_STEP_SUMMARY, the paths printed on stderr beside JSON
 * events (stdout stays JSON lines); --no-report writes none; a refused apply writes nothing next to the plan.
 */
import { execa } from 'execa';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const BIN = resolve('bin/run.js');
const cli = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1', CI: 'true', ...env } });
const reportFiles = (plan: string) =>
  ['.report.html', '.report.md', '.junit.xml'].map((ext) => plan.replace(/\.yaml$/, ext));

describe('apply writes the run report', () => {
  let t: TestSandbox;
  let plan: string;

  beforeAll(async () => {
    t = await startTestSandbox({
      version: 'v1.31.4',
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 2 }],
      workload: { kind: 'none' },
    });
    plan = join(t.dir, 'plan.yaml');
    const exec = [process.execPath, BIN, 'sandbox', 'node', 'upgrade', '--kubeconfig', t.kubeconfigPath];
    const r = await cli([
      'plan',
      '--kubeconfig',
      t.kubeconfigPath,
      '--to',
      'v1.32.0',
      '--exec-command',
      JSON.stringify([...exec, '{node}', '{version}']),
      '--etcd-snapshot',
      'none',
      '--out',
      plan,
    ]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => t?.stop());

  it('a refused apply writes nothing next to the plan', async () => {
    const refused = await cli(['apply', plan, '--kubeconfig', t.kubeconfigPath]);
    expect(refused.exitCode).toBe(3);
    for (const f of reportFiles(plan)) expect(existsSync(f), f).toBe(false);
  });

  it('after the run: three files, mode 0600, the summary appended for GitHub, paths on stderr', async () => {
    const summary = join(t.dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await cli(
      ['apply', plan, '--kubeconfig', t.kubeconfigPath, '--yes', '--skip-etcd-snapshot', '--log-format', 'json'],
      { GITHUB_STEP_SUMMARY: summary },
    );
    expect(r.exitCode, r.stdout.slice(-2000) + r.stderr).toBe(0);
    for (const line of r.stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow();
    expect(r.stderr).toContain(`Report: ${reportFiles(plan).join(', ')}`);
    expect(r.stderr).toContain(`Summary appended to ${summary}`);
    for (const f of reportFiles(plan)) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    const [html, md, junit] = reportFiles(plan).map((f) => readFileSync(f, 'utf8'));
    expect(html).toContain('<svg');
    expect(junit.match(/<testcase /g)?.length).toBeGreaterThanOrEqual(3);
    const appended = readFileSync(summary, 'utf8');
    expect(appended.startsWith('# earlier step\n')).toBe(true);
    expect(appended.slice('# earlier step\n'.length).trim()).toBe(md!.trim());
  });

  it('--report-dir writes there; --no-report writes none', async () => {
    const dir = join(t.dir, 'reports');
    const again = await cli(['apply', plan, '--kubeconfig', t.kubeconfigPath, '--yes', '--report-dir', dir]);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['plan.junit.xml', 'plan.report.html', 'plan.report.md']);
    expect(again.stdout).toContain('Report: ');

    const other = join(t.dir, 'other');
    mkdirSync(other);
    for (const ext of ['.yaml', '.state.json']) copyFileSync(plan.replace(/\.yaml$/, ext), join(other, `plan${ext}`));
    const none = await cli([
      'apply',
      join(other, 'plan.yaml'),
      '--kubeconfig',
      t.kubeconfigPath,
      '--yes',
      '--no-report',
    ]);
    expect(none.exitCode, none.stdout + none.stderr).toBe(0);
    expect(none.stdout + none.stderr).not.toContain('Report: ');
    expect(readdirSync(other).filter((f) => /report|junit/.test(f))).toEqual([]);
  });
});
