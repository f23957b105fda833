/**
 * `k8s-upgrade status` output in-process: `--json` prints the same bytes as `-o json`, `-o yaml` the same document,
 * `--json` with another `-o` and oclif's parse errors exit 3 (with the error as JSON on stdout under --json), and
 * the access flags are accepted.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Config } from '@oclif/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import Status from '../../../src/commands/status.js';
import { pausedState } from '../render/run-events.js';

const root = resolve(import.meta.dirname, '../../..');
let dir: string;
let cwd: string;
let config: Config;

beforeAll(async () => {
  config = await Config.load(root);
}, 30_000);

beforeEach(() => {
  cwd = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-status-output-'));
  mkdirSync(join(dir, 'plans'));
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** Runs the command; returns stdout, stderr, the exit code (0 when it returned normally) and what run() returned. */
const status = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  let code = 0;
  let returned: unknown;
  try {
    returned = await Status.run(argv, config);
  } catch (e) {
    code = (e as { oclif?: { exit?: number } }).oclif?.exit ?? 1;
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout: out.join(''), stderr: err.join(''), code, returned };
};

const writeRun = (name: string) => {
  writeFileSync(join('plans', `${name}.yaml`), 'apiVersion: k8s-upgrade/v1\n');
  writeFileSync(join('plans', `${name}.state.json`), JSON.stringify(pausedState()));
};

describe('k8s-upgrade status output', () => {
  it('--json prints exactly what -o json prints, and run() returns the run state', async () => {
    writeRun('a');
    const viaO = await status('plans/a.yaml', '-o', 'json');
    const viaJson = await status('plans/a.yaml', '--json');
    expect(viaJson.code).toBe(0);
    expect(viaJson.stdout).toBe(viaO.stdout);
    expect(JSON.parse(viaJson.stdout)).toEqual(pausedState());
    expect(viaJson.returned).toEqual(pausedState());
    expect(await status('plans/a.yaml', '--json', '-o', 'json')).toMatchObject({ code: 0, stdout: viaO.stdout });
  });

  it('-o yaml prints the run state as YAML', async () => {
    writeRun('a');
    const r = await status('plans/a.yaml', '-o', 'yaml');
    expect(r.code).toBe(0);
    expect(parseYaml(r.stdout)).toEqual(pausedState());
  });

  it('nothing recorded: --json prints null and says why on stderr (exit 0)', async () => {
    const r = await status('--json');
    expect(r).toMatchObject({
      code: 0,
      stdout: 'null\n',
      stderr: 'no run recorded in plans/; run k8s-upgrade apply <plan>\n',
    });
  });

  it('--json with -o yaml is invalid input: exit 3, the message on stderr and the error as JSON on stdout', async () => {
    writeRun('a');
    const r = await status('plans/a.yaml', '--json', '-o', 'yaml');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--json and -o yaml disagree');
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { exitCode: 3, message: expect.stringContaining('disagree') },
    });
  });

  it('oclif parse errors stay exit 3, with or without --json; our errors keep their codes under --json', async () => {
    const unknown = await status('--json', '--no-such-flag');
    expect(unknown.code).toBe(3);
    expect(JSON.parse(unknown.stdout).error.message).toContain('Nonexistent flag');
    const badValue = await status('-o', 'table');
    expect(badValue.code).toBe(3);
    expect(badValue.stderr).toContain('Expected --output=table to be one of: human, json, yaml');
    const missing = await status('plans/nope.yaml', '--json');
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout).error.message).toContain('plans/nope.yaml does not exist');
  });

  it('accepts --kubeconfig and --context (the cluster the state is mirrored to)', async () => {
    writeRun('a');
    const r = await status('plans/a.yaml', '--kubeconfig', join(dir, 'kubeconfig'), '--context', 'prod');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Status:    paused, 2/5 nodes done');
  });
});
