import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { kubeadmScript, remoteCommand } from '../../../src/nodes/kubeadm-script.js';
import {
  downgradeSteps,
  etcdMemberCheck,
  kubeadmPaths,
  peerUrlFor,
  prepareEtcdRestoreSteps,
  restoreEtcdPaths,
  restoreEtcdSteps,
} from '../../../src/nodes/kubeadm-rollback-script.js';
import { uploadCommand } from '../../../src/nodes/ssh-upload.js';
import type { NodeTarget } from '../../../src/nodes/index.js';

const cp1: NodeTarget = { node: 'cp-1', role: 'control-plane', version: 'v1.31.4', first: true, labels: {} };
const w1: NodeTarget = { node: 'blue-1', role: 'worker', version: 'v1.31.4', first: false, labels: {} };
const STAMP = '20250101T120000Z';
const opts = (packageManager: 'apt' | 'yum', sudo = false, root = '') => ({ packageManager, sudo, root, stamp: STAMP });
const titles = (t: NodeTarget, pm: 'apt' | 'yum', sudo = false) =>
  downgradeSteps(t, opts(pm, sudo)).map((s) => s.title);

describe('downgrade steps', () => {
  it('apt worker: unhold, update, install --allow-downgrades pinned to the older version, hold, restart', () => {
    expect(titles(w1, 'apt')).toEqual([
      'apt-mark unhold kubeadm kubelet kubectl',
      'apt-get update',
      'apt-get install -y --allow-downgrades kubeadm=1.31.4-* kubelet=1.31.4-* kubectl=1.31.4-*',
      'apt-mark hold kubeadm kubelet kubectl',
      'systemctl daemon-reload',
      'systemctl restart kubelet',
    ]);
    const install = downgradeSteps(w1, opts('apt'))[2]!;
    expect(install.argv).toEqual([
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      'install',
      '-y',
      '--allow-downgrades',
      'kubeadm=1.31.4-*',
      'kubelet=1.31.4-*',
      'kubectl=1.31.4-*',
    ]);
    expect(install.display).toBe(
      "env DEBIAN_FRONTEND=noninteractive apt-get install -y --allow-downgrades 'kubeadm=1.31.4-*' 'kubelet=1.31.4-*' 'kubectl=1.31.4-*'",
    );
  });

  it('yum worker: yum downgrade with --disableexcludes=kubernetes', () => {
    expect(titles(w1, 'yum')).toEqual([
      'yum downgrade -y kubeadm-1.31.4-* kubelet-1.31.4-* kubectl-1.31.4-* --disableexcludes=kubernetes',
      'systemctl daemon-reload',
      'systemctl restart kubelet',
    ]);
  });

  it('control plane: checks the kubeadm backup first, restores the manifests after the packages', () => {
    const t = titles(cp1, 'yum');
    expect(t).toHaveLength(5);
    expect(t[0]).toBe('check that /etc/kubernetes/tmp/kubeadm-backup-manifests-* holds the manifests for v1.31.4');
    expect(t[1]).toMatch(/^yum downgrade/);
    expect(t[2]).toBe(
      `restore the static-pod manifests for v1.31.4 from the kubeadm backup into /etc/kubernetes/manifests (the current ones are kept in /etc/kubernetes/tmp/k8s-upgrade-before-downgrade-${STAMP})`,
    );
    expect(t.slice(3)).toEqual(['systemctl daemon-reload', 'systemctl restart kubelet']);
    const s = downgradeSteps(cp1, opts('yum'))[2]!;
    expect(s.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(s.argv.slice(3)).toEqual([
      'sh',
      '/etc/kubernetes/tmp',
      'v1.31.4',
      '/etc/kubernetes/manifests',
      `/etc/kubernetes/tmp/k8s-upgrade-before-downgrade-${STAMP}`,
      'kube-apiserver.yaml',
      'kube-controller-manager.yaml',
      'kube-scheduler.yaml',
    ]);
    expect(s.display).toMatch(/^sh -c <script: restore the static-pod manifests/);
    // The values are arguments, never part of the script text.
    expect(s.argv[2]).not.toContain('v1.31.4');
  });

  it('sudo: every step runs under sudo -n (script steps too)', () => {
    for (const t of [cp1, w1])
      for (const pm of ['apt', 'yum'] as const)
        for (const s of downgradeSteps(t, opts(pm, true))) expect(s.argv.slice(0, 2)).toEqual(['sudo', '-n']);
    expect(downgradeSteps(cp1, opts('apt', true))[0]!.display).toMatch(/^sudo -n sh -c <script: check/);
  });

  it('refuses versions, names, stamps and roots that are not valid', () => {
    expect(() => downgradeSteps({ ...w1, version: 'v1.31.4; reboot' }, opts('apt'))).toThrow(/not like v1.32.0/);
    expect(() => downgradeSteps({ ...w1, version: '1.31.4' }, opts('apt'))).toThrow(/not like/);
    expect(() => downgradeSteps({ ...w1, version: 'v1.31' }, opts('apt'))).toThrow(/not like/);
    expect(() => downgradeSteps({ ...w1, node: 'a$(id)' }, opts('apt'))).toThrow(/DNS-1123/);
    expect(() => downgradeSteps(w1, { ...opts('apt'), stamp: 'a b' })).toThrow(/stamp/);
    expect(() => kubeadmPaths('relative')).toThrow(/absolute/);
    expect(() => kubeadmPaths('/x/')).toThrow(/trailing/);
  });
});

const SHA = 'a'.repeat(64);
const members = [
  { node: 'cp-1', peerUrl: 'https://10.0.0.1:2380' },
  { node: 'cp-2', peerUrl: 'https://10.0.0.2:2380' },
];

describe('restore etcd steps', () => {
  it('names each step; the restore gets the member flags as arguments', () => {
    const steps = restoreEtcdSteps(cp1, { remoteSnapshot: '/var/lib/snap.db', sha256: SHA, members }, opts('apt'));
    expect(steps.map((s) => s.title)).toEqual([
      'check the uploaded snapshot (sha256), etcd.yaml and the restore tools',
      'stop kube-apiserver and etcd: move their static-pod manifests to /etc/kubernetes/tmp/k8s-upgrade-etcd-restore-aaaaaaaaaaaa-manifests',
      'wait until the kubelet stopped etcd and the control-plane containers (crictl ps)',
      `restore the snapshot into /var/lib/etcd.k8s-upgrade-restored-${STAMP} (etcdutl, else etcdctl, snapshot restore --name cp-1 --initial-advertise-peer-urls https://10.0.0.1:2380)`,
      `swap the restored data into /var/lib/etcd (the old data dir is kept at /var/lib/etcd.k8s-upgrade-before-restore-${STAMP})`,
      'start etcd and kube-apiserver: move their manifests back into /etc/kubernetes/manifests',
      'rm -f -- /var/lib/snap.db',
    ]);
    expect(steps[3]!.argv.slice(3)).toEqual([
      'sh',
      '/var/lib/snap.db',
      `/var/lib/etcd.k8s-upgrade-restored-${STAMP}`,
      'cp-1',
      'cp-1=https://10.0.0.1:2380,cp-2=https://10.0.0.2:2380',
      'k8s-upgrade-restore-aaaaaaaaaaaa',
      'https://10.0.0.1:2380',
    ]);
    expect(restoreEtcdPaths(SHA, opts('apt')).token).toBe('k8s-upgrade-restore-aaaaaaaaaaaa');
  });

  it('checks the member list, the sha256 and the paths', () => {
    const go = (over: Partial<{ members: typeof members; sha256: string; remoteSnapshot: string }>) => () =>
      restoreEtcdSteps(cp1, { remoteSnapshot: '/var/lib/snap.db', sha256: SHA, members, ...over }, opts('apt'));
    expect(go({ members: [members[1]!] })).toThrow(/cp-1 is not in the etcd member list \(cp-2\)/);
    expect(go({ members: [] })).toThrow(/empty/);
    expect(go({ members: [...members, members[0]!] })).toThrow(/twice/);
    expect(go({ members: [{ node: 'cp-1', peerUrl: 'https://10.0.0.1:2380,x=http://evil:1' }] })).toThrow(/peer URL/);
    expect(go({ members: [{ node: 'cp-1;x', peerUrl: 'https://10.0.0.1:2380' }] })).toThrow(/DNS-1123/);
    expect(go({ sha256: 'nope' })).toThrow(/sha256/);
    expect(go({ remoteSnapshot: 'snap.db' })).toThrow(/absolute/);
    expect(etcdMemberCheck('cp-1', [{ node: 'cp-1', peerUrl: peerUrlFor('fd00::1') }]).peerUrl).toBe(
      'https://[fd00::1]:2380',
    );
  });

  it('prepare: the first three restore steps (check, manifests aside to the same dir, wait), then the upload removed', () => {
    const input = { remoteSnapshot: '/var/lib/snap.db', sha256: SHA };
    const prepare = prepareEtcdRestoreSteps(cp1, input, opts('apt', true));
    const restore = restoreEtcdSteps(cp1, { ...input, members }, opts('apt', true));
    expect(prepare.map((s) => s.title)).toEqual([
      ...restore.slice(0, 3).map((s) => s.title),
      'rm -f -- /var/lib/snap.db',
    ]);
    expect(prepare.slice(0, 3).map((s) => s.argv)).toEqual(restore.slice(0, 3).map((s) => s.argv));
    for (const s of prepare) expect(s.argv.slice(0, 2)).toEqual(['sudo', '-n']);
    expect(() => prepareEtcdRestoreSteps(cp1, { ...input, sha256: 'nope' }, opts('apt'))).toThrow(/sha256/);
    expect(() => prepareEtcdRestoreSteps(cp1, { ...input, remoteSnapshot: 'snap.db' }, opts('apt'))).toThrow(
      /absolute/,
    );
    expect(() => prepareEtcdRestoreSteps({ ...cp1, node: 'a b' }, input, opts('apt'))).toThrow(/DNS-1123/);
  });

  it('upload: the path is a quoted argument of a fixed sh -c, under sudo when asked', () => {
    expect(uploadCommand("/tmp/it's.db", false)).toBe(
      `sh -c 'umask 077 && cat > "$1" && chmod 600 "$1"' sh '/tmp/it'\\''s.db'`,
    );
    expect(uploadCommand('/var/lib/s.db', true)).toMatch(/^sudo -n sh -c /);
  });
});

// The scripts run here by a local sh against a fake node tree under a temp root, with shims on PATH.
describe('rollback scripts against a fake node tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-rollback-script-'));
  const bin = join(dir, 'bin');
  const root = join(dir, 'root');
  const log = join(dir, 'calls.log');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(bin);
  const shim = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> "${log}"\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  for (const c of ['apt-get', 'apt-mark', 'yum', 'systemctl', 'crictl'])
    shim(c, `[ -f "${dir}/fail-${c}" ] && exit 7\nexit 0`);
  shim('sudo', 'shift\nexec "$@"');
  shim(
    'etcdutl',
    `case "$*" in *--help*) echo "  --bump-revision uint"; exit 0 ;; esac
[ -f "${dir}/fail-etcdutl" ] && { echo "etcdutl: injected failure" >&2; exit 7; }
snap=$3; shift 3
while [ $# -gt 0 ]; do [ "$1" = --data-dir ] && d=$2; shift; done
mkdir -p "$d/member/snap" && cp "$snap" "$d/member/snap/db"`,
  );

  const manifest = (image: string) =>
    `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: x\n    image: "registry.k8s.io/${image}"\n`;
  const writeTree = (files: Record<string, string>) => {
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), c);
    }
  };
  const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const run = (script: string) => {
    writeFileSync(log, '');
    try {
      return {
        status: 0,
        out: execFileSync('/bin/sh', ['-c', remoteCommand(script)], {
          encoding: 'utf8',
          env: { PATH: `${bin}:/usr/bin:/bin` },
          stdio: 'pipe',
        }),
        err: '',
      };
    } catch (e) {
      const x = e as { status: number; stdout: string; stderr: string };
      return { status: x.status, out: x.stdout, err: x.stderr };
    }
  };

  beforeEach(() => {
    rmSync(root, { recursive: true, force: true });
    for (const f of readdirSync(dir)) if (f.startsWith('fail-')) rmSync(join(dir, f));
    const cps = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
    const files: Record<string, string> = {
      'etc/kubernetes/manifests/etcd.yaml': `${manifest('etcd:3.5.15-0')}    command:\n    - --data-dir=/var/lib/etcd\n`,
    };
    for (const c of cps) {
      files[`etc/kubernetes/manifests/${c}.yaml`] = manifest(`${c}:v1.32.0`);
      files[`etc/kubernetes/tmp/kubeadm-backup-manifests-2025-01-01-10-00-00/${c}.yaml`] = manifest(`${c}:v1.30.9`);
      files[`etc/kubernetes/tmp/kubeadm-backup-manifests-2025-02-01-10-00-00/${c}.yaml`] = manifest(`${c}:v1.31.4`);
      files[`etc/kubernetes/tmp/kubeadm-backup-manifests-2025-03-01-10-00-00/${c}.yaml`] = manifest(`${c}:v1.31.40`);
    }
    files['var/lib/etcd/member/old'] = 'old data';
    writeTree(files);
  });

  it('control plane, sudo: packages back, manifests from the newest backup of that version, the replaced ones kept', () => {
    const r = run(kubeadmScript(downgradeSteps(cp1, opts('apt', true, root))));
    expect(r.status).toBe(0);
    expect(r.out).toContain('==> done');
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      expect(readFileSync(join(root, `etc/kubernetes/manifests/${c}.yaml`), 'utf8')).toContain(`${c}:v1.31.4"`);
      expect(
        readFileSync(join(root, `etc/kubernetes/tmp/k8s-upgrade-before-downgrade-${STAMP}/${c}.yaml`), 'utf8'),
      ).toContain(`${c}:v1.32.0`);
    }
    expect(readdirSync(join(root, 'etc/kubernetes/manifests')).sort()).toEqual([
      'etcd.yaml',
      'kube-apiserver.yaml',
      'kube-controller-manager.yaml',
      'kube-scheduler.yaml',
    ]);
    expect(r.out).toContain('kubeadm-backup-manifests-2025-02-01-10-00-00');
    const c = calls();
    expect(c).toContain('apt-get install -y --allow-downgrades kubeadm=1.31.4-* kubelet=1.31.4-* kubectl=1.31.4-*');
    expect(c.at(-1)).toBe('systemctl restart kubelet');
  });

  it('control plane: refuses before any package changes when no backup holds the version', () => {
    const r = run(kubeadmScript(downgradeSteps({ ...cp1, version: 'v1.29.0' }, opts('yum', false, root))));
    expect(r.status).toBe(3);
    expect(r.err).toContain('no kubeadm backup of the static-pod manifests for v1.29.0');
    expect(r.err).toContain('kubeadm-backup-manifests-2025-01-01-10-00-00 (v1.30.9)');
    expect(r.out.trim().split('\n').at(-1)).toMatch(/^==> \[1\/5\] check that/);
    expect(calls()).toEqual([]);
    expect(readFileSync(join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8')).toContain('v1.32.0');
  });

  it('etcd restore: verifies, stops, restores with the member flags, keeps the old data, starts, removes the upload', () => {
    const snap = join(root, 'var/lib/snap.db');
    writeFileSync(snap, 'SNAPSHOT');
    const sha256 = createHash('sha256').update('SNAPSHOT').digest('hex');
    const o = opts('apt', true, root);
    const p = restoreEtcdPaths(sha256, o);
    const r = run(
      kubeadmScript(restoreEtcdSteps(cp1, { remoteSnapshot: snap, sha256, members }, o), {
        cleanup: ['sudo', '-n', 'rm', '-f', '--', snap],
      }),
    );
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(root, 'var/lib/etcd/member/snap/db'), 'utf8')).toBe('SNAPSHOT');
    expect(readFileSync(join(p.old, 'member/old'), 'utf8')).toBe('old data');
    expect(statSync(join(root, 'var/lib/etcd')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(root, 'etc/kubernetes/manifests')).sort()).toEqual([
      'etcd.yaml',
      'kube-apiserver.yaml',
      'kube-controller-manager.yaml',
      'kube-scheduler.yaml',
    ]);
    expect(existsSync(p.aside)).toBe(false);
    expect(existsSync(snap)).toBe(false);
    expect(calls()).toContain(
      `etcdutl snapshot restore ${snap} --data-dir ${p.restored} --name cp-1 --initial-cluster cp-1=https://10.0.0.1:2380,cp-2=https://10.0.0.2:2380 --initial-cluster-token ${p.token} --initial-advertise-peer-urls https://10.0.0.1:2380 --bump-revision 1000000000 --mark-compacted`,
    );
    expect(calls()).toContain('crictl ps -q --name ^(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)$');
  });

  it('etcd restore: a damaged upload stops at the check; a failing restore leaves the data untouched and the manifests aside', () => {
    const snap = join(root, 'var/lib/snap.db');
    writeFileSync(snap, 'SNAPSHOT');
    const o = opts('yum', false, root);
    let r = run(kubeadmScript(restoreEtcdSteps(cp1, { remoteSnapshot: snap, sha256: SHA, members }, o)));
    expect(r.status).toBe(4);
    expect(r.err).toContain('does not have the sha256');
    expect(existsSync(join(root, 'etc/kubernetes/manifests/etcd.yaml'))).toBe(true);

    const sha256 = createHash('sha256').update('SNAPSHOT').digest('hex');
    writeFileSync(join(dir, 'fail-etcdutl'), '');
    r = run(kubeadmScript(restoreEtcdSteps(cp1, { remoteSnapshot: snap, sha256, members }, o)));
    expect(r.status).toBe(7);
    expect(r.out.trim().split('\n').at(-1)).toMatch(/^==> \[4\/7\] restore the snapshot/);
    const p = restoreEtcdPaths(sha256, o);
    expect(readdirSync(join(root, 'etc/kubernetes/manifests'))).toEqual([]);
    expect(readdirSync(p.aside).sort()).toEqual([
      'etcd.yaml',
      'kube-apiserver.yaml',
      'kube-controller-manager.yaml',
      'kube-scheduler.yaml',
    ]);
    expect(readFileSync(join(root, 'var/lib/etcd/member/old'), 'utf8')).toBe('old data');

    // A re-run finds etcd.yaml in the aside dir and finishes.
    rmSync(join(dir, 'fail-etcdutl'));
    r = run(kubeadmScript(restoreEtcdSteps(cp1, { remoteSnapshot: snap, sha256, members }, o)));
    expect(r.status).toBe(0);
    expect(r.out).toContain('etcd.yaml is still in');
    expect(readdirSync(join(root, 'etc/kubernetes/manifests')).sort()).toEqual([
      'etcd.yaml',
      'kube-apiserver.yaml',
      'kube-controller-manager.yaml',
      'kube-scheduler.yaml',
    ]);
  });

  it('etcd prepare: stops etcd and the apiserver without restoring, twice harmlessly; the restore afterwards finishes', () => {
    const snap = join(root, 'var/lib/snap.db');
    const sha256 = createHash('sha256').update('SNAPSHOT').digest('hex');
    const o = opts('apt', true, root);
    const p = restoreEtcdPaths(sha256, o);
    const all = ['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml'];

    // A damaged upload: nothing stops.
    writeFileSync(snap, 'DAMAGED');
    let r = run(kubeadmScript(prepareEtcdRestoreSteps(cp1, { remoteSnapshot: snap, sha256 }, o)));
    expect(r.status).toBe(4);
    expect(r.err).toContain('does not have the sha256');
    expect(readdirSync(join(root, 'etc/kubernetes/manifests')).sort()).toEqual(all);

    for (const attempt of [1, 2]) {
      writeFileSync(snap, 'SNAPSHOT');
      r = run(kubeadmScript(prepareEtcdRestoreSteps(cp1, { remoteSnapshot: snap, sha256 }, o)));
      expect(r.err).toBe('');
      expect(r.status).toBe(0);
      expect(r.out).toMatch(/==> \[4\/4\] rm -f -- /);
      if (attempt === 2) expect(r.out).toContain('etcd.yaml is still in');
      expect(readdirSync(join(root, 'etc/kubernetes/manifests'))).toEqual([]);
      expect(readdirSync(p.aside).sort()).toEqual(all);
      expect(statSync(p.aside).mode & 0o777).toBe(0o700);
      expect(readFileSync(join(root, 'var/lib/etcd/member/old'), 'utf8')).toBe('old data');
      expect(existsSync(snap)).toBe(false);
      // Nothing restored: the only tool run is crictl.
      expect(calls().filter((c) => /^(etcdutl|crictl|systemctl|apt-get|yum) /.test(c))).toEqual([
        'crictl ps -q --name ^(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)$',
      ]);
    }

    writeFileSync(snap, 'SNAPSHOT');
    r = run(kubeadmScript(restoreEtcdSteps(cp1, { remoteSnapshot: snap, sha256, members }, o)));
    expect(r.status).toBe(0);
    expect(readFileSync(join(root, 'var/lib/etcd/member/snap/db'), 'utf8')).toBe('SNAPSHOT');
    expect(readdirSync(join(root, 'etc/kubernetes/manifests')).sort()).toEqual(all);
    expect(existsSync(p.aside)).toBe(false);
  });
});
