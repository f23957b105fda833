/**
 * The CLI conventions operators expect from oclif and kubectl tools: `help` and `-h` work (exit 0); a mistyped
 * command or flag is invalid input (exit 3) in one line that suggests the nearest name and runs nothing; a bad
 * flag value, a flag given twice or two exclusive flags are exit 3 in one line; shell completion is there; and the
 * CLI runs as a kubectl plugin (`kubectl k8s-upgrade …`) through the kubectl-k8s_upgrade bin.
 */
import { execa } from 'execa';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubectlAvailable } from '../helpers/kubectl.js';

const BIN = resolve('bin/run.js');
const home = mkdtempSync(join(tmpdir(), 'k8s-upgrade-home-'));
const cli = (args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1', HOME: home } });
const oneLine = (s: string) => s.trimEnd().split('\n');

describe('CLI conventions', () => {
  it('help, help TOPIC and -h print usage and exit 0', async () => {
    const help = await cli(['help']);
    expect(help.exitCode, help.stderr).toBe(0);
    for (const c of ['plan', 'apply', 'rollback', 'status', 'report', 'rbac', 'fleet', 'sandbox'])
      expect(help.stdout).toMatch(new RegExp(`^\\s+${c}\\s`, 'm'));
    const topic = await cli(['help', 'fleet']);
    expect(topic.exitCode).toBe(0);
    expect(topic.stdout).toContain('fleet apply');
    const short = await cli(['apply', '-h']);
    expect(short.exitCode, short.stderr).toBe(0);
    expect(short.stdout).toContain('$ k8s-upgrade apply PLAN');
  });

  it('a mistyped command is exit 3, one line, with the nearest commands; nothing runs', async () => {
    const r = await cli(['aplpy', 'plans/x.yaml']);
    expect(r.exitCode).toBe(3);
    expect(oneLine(r.stderr)).toEqual([
      "Error: 'aplpy plans/x.yaml' is not a k8s-upgrade command. Did you mean apply? Run k8s-upgrade help for the list.",
    ]);
    const sub = await cli(['fleet', 'stauts']);
    expect(sub.exitCode).toBe(3);
    expect(sub.stderr).toContain('Did you mean fleet status?');
    const none = await cli(['zzzzzz']);
    expect(none.exitCode).toBe(3);
    expect(none.stderr).not.toContain('Did you mean');
  });

  it.each([
    [['apply', 'p.yaml', '--kubconfig', 'k'], 'Nonexistent flag: --kubconfig. Did you mean --kubeconfig?'],
    [['apply', 'p.yaml', '--driver-retries', 'abc'], '--driver-retries: Expected an integer but received: abc.'],
    [['apply', 'p.yaml', '--node-ready-timeout', '-1'], '--node-ready-timeout: Expected an integer greater than'],
    [['plan', '--to', 'v1.32.0', '--canary', '0'], '--canary: Expected an integer greater than or equal to 1'],
    [['rbac', '--name', 'a', '--name', 'b'], 'Flag --name can only be specified once.'],
    [['rbac', '--user', 'a', '--group', 'b'], '--group=b cannot also be provided when using --user.'],
    [['rbac', '-o', 'xml'], 'Expected --output=xml to be one of'],
  ])('%j is exit 3 in one line', async (args, message) => {
    const r = await cli(args);
    expect(r.exitCode, r.stderr).toBe(3);
    const lines = oneLine(r.stderr);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(lines[0]).toMatch(/See k8s-upgrade \S+( \S+)* --help\.$/);
    expect(r.stderr).not.toMatch(/undefined|NaN|\[object Object\]/);
  });

  it('plan names a wrong --to, then a wrong --context, before any driver setting', async () => {
    const kc = join(home, 'kubeconfig');
    writeFileSync(
      kc,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: prod, context: {cluster: c, user: u}}]',
        'current-context: prod',
      ].join('\n'),
    );
    const to = await cli(['plan', '--kubeconfig', kc, '--to', 'banana']);
    expect(to.exitCode).toBe(3);
    expect(to.stderr).toContain('Invalid target version "banana"');
    const ctx = await cli(['plan', '--kubeconfig', kc, '--context', 'staging', '--to', 'v1.32.0']);
    expect(ctx.exitCode).toBe(3);
    expect(ctx.stderr).toContain('context "staging" is not in');
    const driver = await cli(['plan', '--kubeconfig', kc, '--to', 'v1.32.0']);
    expect(driver.exitCode).toBe(3);
    expect(driver.stderr).toContain('--driver exec needs --exec-command');
  });

  it('offers shell completion (oclif autocomplete)', async () => {
    const r = await cli(['autocomplete', 'bash']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('k8s-upgrade autocomplete script bash');
    const script = await cli(['autocomplete', 'script', 'bash']);
    expect(script.exitCode, script.stderr).toBe(0);
    const setup = /K8S_UPGRADE_AC_BASH_SETUP_PATH=(\S+)/.exec(script.stdout)?.[1];
    expect(setup, script.stdout).toBeTruthy();
    // The completion function completes this CLI's own commands, from its manifest.
    const completion = readFileSync(setup!, 'utf8');
    expect(completion).toContain('k8s-upgrade');
    expect(readFileSync(join(home, '.cache/k8s-upgrade/autocomplete/functions/bash/k8s-upgrade.bash'), 'utf8')).toMatch(
      /fleet apply|fleet:apply/,
    );
  });

  it.runIf(kubectlAvailable())('runs as a kubectl plugin: kubectl k8s-upgrade …', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-plugins-'));
    symlinkSync(resolve('bin/kubectl-k8s_upgrade.js'), join(dir, 'kubectl-k8s_upgrade'));
    const env = { PATH: `${dir}:${process.env.PATH}`, HOME: home, NO_COLOR: '1' };
    const list = await execa('kubectl', ['plugin', 'list'], { reject: false, env });
    expect(list.stdout).toContain(join(dir, 'kubectl-k8s_upgrade'));
    const r = await execa('kubectl', ['k8s-upgrade', 'rbac', '--plan-only', '-o', 'json'], { reject: false, env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    const bad = await execa('kubectl', ['k8s-upgrade', 'pln'], { reject: false, env });
    expect(bad.exitCode).toBe(3);
    expect(bad.stderr).toContain('Did you mean plan?');
  });
});
