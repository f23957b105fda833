/**
 * `k8s-upgrade status` in-process: the state next to a plan (human and json), the latest run in plans/ when no
 * PLAN is given, a clear message and exit 0 when nothing was recorded, exit 3 for a missing file or a bad state.
 */
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Config } from '@oclif/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import Status from '../../../src/commands/status.js';
import { pausedState } from './run-events.js';

const root = resolve(import.meta.dirname, '../../..');
let dir: string;
let cwd: string;
let config: Config;

beforeAll(async () => {
  config = await Config.load(root);
}, 30_000);

beforeEach(() => {
  cwd = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-status-'));
  mkdirSync(join(dir, 'plans'));
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** Runs the command; returns stdout, stderr and the exit code (0 when it returned normally). */
const status = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  let code = 0;
  try {
    await Status.run(argv, config);
  } catch (e) {
    code = (e as { oclif?: { exit?: number } }).oclif?.exit ?? 1;
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout: out.join(''), stderr: err.join(''), code };
};

const writeRun = (name: string, state = pausedState(), mtime?: Date) => {
  writeFileSync(join('plans', `${name}.yaml`), 'apiVersion: k8s-upgrade/v1\n');
  const path = join('plans', `${name}.state.json`);
  writeFileSync(path, JSON.stringify(state));
  if (mtime) utimesSync(path, mtime, mtime);
};

describe('k8s-upgrade status', () => {
  it('shows the run recorded next to the plan', async () => {
    writeRun('a');
    const r = await status('plans/a.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Status:    paused, 2/5 nodes done');
    expect(r.stdout).toContain('Cordoned by this run: blue-2');
  });

  it('-o json prints the run state itself', async () => {
    writeRun('a');
    const r = await status('plans/a.yaml', '-o', 'json');
    expect(JSON.parse(r.stdout)).toEqual(pausedState());
  });

  it('without PLAN reads the most recently updated plans/*.state.json', async () => {
    writeRun('old', { ...pausedState(), runId: 'old-run' }, new Date('2026-01-01T00:00:00Z'));
    writeRun('new', { ...pausedState(), runId: 'new-run' }, new Date('2026-02-01T00:00:00Z'));
    const r = await status();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Run:       new-run');
  });

  it('says how to start a run when none is recorded (exit 0)', async () => {
    writeFileSync(join('plans', 'b.yaml'), 'apiVersion: k8s-upgrade/v1\n');
    expect(await status('plans/b.yaml')).toMatchObject({
      code: 0,
      stdout: 'no run recorded for plans/b.yaml; run k8s-upgrade apply plans/b.yaml\n',
    });
    expect(await status()).toMatchObject({
      code: 0,
      stdout: 'no run recorded in plans/; run k8s-upgrade apply <plan>\n',
    });
    expect(await status('plans/b.yaml', '-o', 'json')).toMatchObject({ code: 0, stdout: 'null\n' });
  });

  it('exits 3 for a plan file that does not exist or a state file that is not a run state', async () => {
    const missing = await status('plans/nope.yaml');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('plans/nope.yaml does not exist');
    writeFileSync(join('plans', 'c.yaml'), 'x: 1\n');
    writeFileSync(join('plans', 'c.state.json'), '{"apiVersion": "v0"}');
    const bad = await status('plans/c.yaml');
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('is not a k8s-upgrade run state');
  });
});
