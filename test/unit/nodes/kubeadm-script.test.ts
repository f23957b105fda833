import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  driverPidFile,
  driverRunningArgv,
  kubeadmScript,
  kubeadmSteps,
  remoteCommand,
  type NodeTarget,
} from '../../../src/nodes/index.js';

const cp1: NodeTarget = { node: 'cp-1', role: 'control-plane', version: 'v1.32.3', first: true, labels: {} };
const cp2: NodeTarget = { ...cp1, node: 'cp-2', first: false };
const w1: NodeTarget = { node: 'blue-1', role: 'worker', version: 'v1.32.3', first: false, labels: {} };

const titles = (t: NodeTarget, packageManager: 'apt' | 'yum', sudo = false) =>
  kubeadmSteps(t, { packageManager, sudo }).map((s) => s.title);

describe('kubeadm steps', () => {
  it('apt, first control-plane node: kubeadm pinned, upgrade apply, kubelet+kubectl pinned, restart', () => {
    expect(titles(cp1, 'apt')).toEqual([
      'apt-mark unhold kubeadm',
      'apt-get update',
      'apt-get install -y kubeadm=1.32.3-*',
      'apt-mark hold kubeadm',
      'kubeadm upgrade apply v1.32.3 -y',
      'apt-mark unhold kubelet kubectl',
      'apt-get install -y kubelet=1.32.3-* kubectl=1.32.3-*',
      'apt-mark hold kubelet kubectl',
      'systemctl daemon-reload',
      'systemctl restart kubelet',
    ]);
  });

  it('other control-plane nodes and workers run kubeadm upgrade node', () => {
    for (const t of [cp2, w1, { ...w1, first: true }]) {
      const ts = titles(t, 'apt');
      expect(ts).toContain('kubeadm upgrade node');
      expect(ts.some((x) => x.includes('upgrade apply'))).toBe(false);
    }
  });

  it('yum: --disableexcludes=kubernetes, no apt-mark', () => {
    expect(titles(w1, 'yum')).toEqual([
      'yum install -y kubeadm-1.32.3-* --disableexcludes=kubernetes',
      'kubeadm upgrade node',
      'yum install -y kubelet-1.32.3-* kubectl-1.32.3-* --disableexcludes=kubernetes',
      'systemctl daemon-reload',
      'systemctl restart kubelet',
    ]);
  });

  it('sudo: every command runs under sudo -n; apt-get install gets a non-interactive frontend', () => {
    const steps = kubeadmSteps(cp1, { packageManager: 'apt', sudo: true });
    for (const s of steps) expect(s.argv.slice(0, 2)).toEqual(['sudo', '-n']);
    expect(steps[2]!.argv).toEqual([
      'sudo',
      '-n',
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      'install',
      '-y',
      'kubeadm=1.32.3-*',
    ]);
    expect(kubeadmSteps(cp1, { packageManager: 'apt', sudo: false })[4]!.argv).toEqual([
      'kubeadm',
      'upgrade',
      'apply',
      'v1.32.3',
      '-y',
    ]);
  });

  it('refuses a version or node name that could smuggle shell syntax', () => {
    expect(() => kubeadmSteps({ ...cp1, version: 'v1.32.3; reboot' }, { packageManager: 'apt', sudo: false })).toThrow(
      /not like v1.32.0/,
    );
    expect(() => kubeadmSteps({ ...cp1, version: '1.32.3' }, { packageManager: 'apt', sudo: false })).toThrow(
      /not like/,
    );
    expect(() => kubeadmSteps({ ...cp1, node: 'cp-1$(id)' }, { packageManager: 'apt', sudo: false })).toThrow(
      /DNS-1123/,
    );
  });
});

describe('kubeadm script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-script-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'calls.log');
  for (const cmd of ['apt-mark', 'apt-get', 'kubeadm', 'systemctl', 'sudo', 'yum', 'env']) {
    const body =
      cmd === 'sudo'
        ? `#!/bin/sh\nprintf '%s\\n' "sudo $*" >> "${log}"\nshift\nexec "$@"\n`
        : cmd === 'env'
          ? `#!/bin/sh\nprintf '%s\\n' "env $*" >> "${log}"\nshift\nexec "$@"\n`
          : `#!/bin/sh\nprintf '%s\\n' "${cmd} $*" >> "${log}"\n[ -f "${dir}/fail-${cmd}" ] && exit 7\nexit 0\n`;
    writeFileSync(join(dir, cmd), body);
    chmodSync(join(dir, cmd), 0o755);
  }
  const run = (t: NodeTarget, sudo: boolean) => {
    writeFileSync(log, '');
    const cmd = remoteCommand(kubeadmScript(kubeadmSteps(t, { packageManager: 'apt', sudo })));
    // `sh -c <remote command>` is what the remote login shell does with the string ssh sends.
    return execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin` } });
  };

  it('runs every step in order with its words intact, printing a marker before each', () => {
    const out = run(cp1, false);
    expect(out.split('\n').filter(Boolean)).toEqual([
      '==> [1/10] apt-mark unhold kubeadm',
      '==> [2/10] apt-get update',
      '==> [3/10] apt-get install -y kubeadm=1.32.3-*',
      '==> [4/10] apt-mark hold kubeadm',
      '==> [5/10] kubeadm upgrade apply v1.32.3 -y',
      '==> [6/10] apt-mark unhold kubelet kubectl',
      '==> [7/10] apt-get install -y kubelet=1.32.3-* kubectl=1.32.3-*',
      '==> [8/10] apt-mark hold kubelet kubectl',
      '==> [9/10] systemctl daemon-reload',
      '==> [10/10] systemctl restart kubelet',
      '==> done',
    ]);
    const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(calls).toContain('env DEBIAN_FRONTEND=noninteractive apt-get install -y kubeadm=1.32.3-*');
    expect(calls).toContain('apt-get install -y kubeadm=1.32.3-*');
    expect(calls).toContain('kubeadm upgrade apply v1.32.3 -y');
    expect(calls.at(-1)).toBe('systemctl restart kubelet');
  });

  it('with sudo, runs each command through sudo -n', () => {
    run(w1, true);
    const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(calls).toContain('sudo -n kubeadm upgrade node');
    expect(calls).toContain('sudo -n systemctl restart kubelet');
    expect(calls.filter((c) => c.startsWith('sudo -n')).length).toBe(10);
  });

  it('with a pid file: holds its pid there while it runs (driverRunningArgv says so), and removes it however it ends', () => {
    const pidFile = join(dir, 'driver.pid');
    const sh = (script: string) =>
      execFileSync('/bin/sh', ['-c', remoteCommand(script)], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    const check = { title: 'is a driver running', argv: driverRunningArgv(pidFile) };
    // The check runs as a step of the script: it sees the script's own pid, alive.
    expect(sh(kubeadmScript([check], { pidFile }))).toContain('==> done');
    expect(existsSync(pidFile)).toBe(false);
    const fails = { title: 'fail', argv: ['sh', '-c', 'exit 9'] };
    expect(() => sh(kubeadmScript([fails], { pidFile, cleanup: ['true'] }))).toThrow();
    expect(existsSync(pidFile)).toBe(false);
    // Afterwards (no file, or a pid that is gone) it exits 1.
    expect(() => sh(kubeadmScript([check]))).toThrow();
    writeFileSync(pidFile, '2147483646\n');
    expect(() => execFileSync(driverRunningArgv(pidFile)[0]!, driverRunningArgv(pidFile).slice(1))).toThrow();
    rmSync(pidFile);
    expect(driverPidFile('cp-1')).toBe('/tmp/k8s-upgrade-driver-cp-1.pid');
    expect(() => driverPidFile('cp-1;rm')).toThrow(TypeError);
  });

  it('stops at the first failing step with its exit code (set -eu)', () => {
    writeFileSync(join(dir, 'fail-kubeadm'), '');
    try {
      let err: { status?: number; stdout?: string } | undefined;
      try {
        run(cp2, false);
      } catch (e) {
        err = e as { status?: number; stdout?: string };
      }
      expect(err?.status).toBe(7);
      expect(err?.stdout?.trim().split('\n').at(-1)).toBe('==> [5/10] kubeadm upgrade node');
      expect(readFileSync(log, 'utf8')).not.toContain('systemctl');
    } finally {
      rmSync(join(dir, 'fail-kubeadm'));
    }
  });
});
