/**
 * `k8s-upgrade report` in-process: writes the three files next to the plan (mode 0600) and prints their paths;
 * `--out` and `--format`; appends the Markdown to $GITHUB_STEP_SUMMARY; exit 3 with one line for a missing plan,
 * no recorded run or a bad --format.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Config } from '@oclif/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import Report from '../../../src/commands/report.js';
import { serializePlan } from '../../../src/plan/index.js';
import { writeStateFile } from '../../../src/upgrade/run/state-store.js';
import { doneEvents, doneState, logText, plan } from './report-fixtures.js';

const root = resolve(import.meta.dirname, '../../..');
let dir: string;
let cwd: string;
let config: Config;

beforeAll(async () => {
  config = await Config.load(root);
}, 30_000);

beforeEach(() => {
  cwd = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-report-cmd-'));
  process.chdir(dir);
  delete process.env.GITHUB_STEP_SUMMARY;
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
  delete process.env.GITHUB_STEP_SUMMARY;
  vi.restoreAllMocks();
});

const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  let code = 0;
  try {
    await Report.run(argv, config);
  } catch (e) {
    code = (e as { oclif?: { exit?: number } }).oclif?.exit ?? 1;
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout: out.join(''), stderr: err.join(''), code };
};

const recordRun = async () => {
  writeFileSync('plan.yaml', serializePlan(plan()));
  await writeStateFile('plan.state.json', doneState());
  writeFileSync('plan.log', logText(doneEvents()));
};

describe('k8s-upgrade report', () => {
  it('writes the HTML, Markdown and JUnit files next to the plan, mode 0600, and prints their paths', async () => {
    await recordRun();
    const r = await run('plan.yaml');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('plan.report.html\nplan.report.md\nplan.junit.xml\n');
    for (const f of ['plan.report.html', 'plan.report.md', 'plan.junit.xml'])
      expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readFileSync('plan.report.html', 'utf8')).toContain(
      '<g class="node-row status-done critical" data-node="blue-2"',
    );
    expect(readFileSync('plan.report.md', 'utf8')).toContain('| Outcome | **done** (v1.31.4 → v1.32.0) |');
    expect(readFileSync('plan.junit.xml', 'utf8')).toContain(
      '<testcase classname="workers/v1.32.0/pool=blue" name="blue-2" time="21.000">',
    );
  });

  it('writes only the formats asked for, into --out (created)', async () => {
    await recordRun();
    const r = await run('plan.yaml', '--out', 'reports/today', '--format', 'junit,markdown');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${join('reports', 'today', 'plan.junit.xml')}\n${join('reports', 'today', 'plan.report.md')}\n`,
    );
    expect(existsSync('reports/today/plan.report.html')).toBe(false);
    expect(existsSync('plan.report.md')).toBe(false);
  });

  it('appends the Markdown summary to $GITHUB_STEP_SUMMARY', async () => {
    await recordRun();
    writeFileSync('summary.md', '## earlier step\n');
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary.md');
    const r = await run('plan.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`summary appended to ${join(dir, 'summary.md')}`);
    const summary = readFileSync('summary.md', 'utf8');
    expect(summary.startsWith('## earlier step\n### k8s-upgrade: Upgrade done')).toBe(true);
    expect(summary).toContain('Full report with the per-node timeline: `plan.report.html`');
  });

  it('exits 3 with one line for a missing plan, a plan never applied, and a bad --format', async () => {
    const missing = await run('nope.yaml');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(
      'Error: cannot read the plan nope.yaml: no such file. Give the plan file that apply ran\n',
    );
    writeFileSync('plan.yaml', serializePlan(plan()));
    const never = await run('plan.yaml');
    expect(never.code).toBe(3);
    expect(never.stderr).toBe(
      'Error: no run of plan.yaml is recorded (plan.state.json does not exist): ' +
        'run k8s-upgrade apply plan.yaml first\n',
    );
    await recordRun();
    const bad = await run('plan.yaml', '--format', 'html,pdf');
    expect(bad.code).toBe(3);
    expect(bad.stderr).toBe('Error: --format html,pdf: expected a comma-separated list of html, markdown, junit\n');
    expect(existsSync('plan.report.html')).toBe(false);
  });
});
