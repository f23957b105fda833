/**
 * The kubeadm-ssh driver's rollback side (downgrade, restoreEtcd) against a real OpenSSH server on loopback, with
 * the shims of test/fixtures/ssh-shims: `systemctl restart kubelet` after a package downgrade runs `k8s-upgrade
 * sandbox node downgrade`; etcdutl and crictl record. The control-plane node's /etc/kubernetes and /var/lib/etcd
 * are a fake tree under a temp dir (the driver's test-only `nodeRoot`), where the scripts' file operations run
 * for real. A second control-plane node, cp-2, is only a second fake tree behind its own sshd address: the
 * two-member restore prepares (stops) both members before restoring either.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeadmSshNodeDriver, NodeDriverError, type DriverIo, type NodeTarget } from '../../../src/nodes/index.js';
import type { SshSettings } from '../../../src/plan/index.js';
import { SandboxAdminClient } from '../../../src/sandbox/index.js';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { sshdMissing, startTestSshd, type TestSshd } from '../../helpers/sshd.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const SHIMS = join(REPO, 'test/fixtures/ssh-shims');
const LABEL = 'k8s-upgrade.test/ssh-address';
const ADDRESSES: Record<string, string> = { 'cp-1': '127.0.0.2', 'blue-1': '127.0.0.3' };
/** A second etcd member that only exists as a fake node tree behind sshd (not in the sandbox). */
const CP2 = { node: 'cp-2', address: '127.0.0.4' };
const ALL_ADDRESSES: Record<string, string> = { ...ADDRESSES, [CP2.node]: CP2.address };
const FROM = 'v1.30.6';
const TO = 'v1.31.2';
const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
const MANIFESTS = ['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml'];

const missing = sshdMissing();

describe.skipIf(!!missing)(`kubeadm-ssh rollback against a real sshd${missing ? ` — SKIPPED: ${missing}` : ''}`, () => {
  let t: TestSandbox;
  let sshd: TestSshd;
  let state: string;
  let root: string;
  let root2: string;
  let core: CoreV1Api;
  let admin: SandboxAdminClient;

  const manifest = (image: string) =>
    `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    image: registry.k8s.io/${image}\n`;

  beforeAll(async () => {
    t = await startTestSandbox({
      version: FROM,
      workload: { kind: 'none' },
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 1 }],
    });
    core = t.kc.makeApiClient(CoreV1Api);
    admin = SandboxAdminClient.fromKubeconfig(t.kubeconfigPath);
    for (const [node, address] of Object.entries(ADDRESSES)) {
      await core.patchNode(
        { name: node, body: { metadata: { labels: { [LABEL]: address } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
    state = mkdtempSync(join(tmpdir(), 'k8s-upgrade-rollback-shims-'));
    writeFileSync(
      join(state, 'address-map'),
      Object.entries(ALL_ADDRESSES)
        .map(([n, a]) => `${a} ${n}\n`)
        .join(''),
    );
    writeFileSync(join(state, 'calls.log'), '');
    writeFileSync(join(state, 'node-bin'), process.execPath);
    writeFileSync(join(state, 'repo'), REPO);
    writeFileSync(join(state, 'kubeconfig'), t.kubeconfigPath);
    // cp-1's kubeadm tree: manifests at TO, kubeadm's backup from the upgrade at FROM, an older one at v1.29.10.
    root = join(state, 'cp-1-root');
    const files: Record<string, string> = {
      'etc/kubernetes/manifests/etcd.yaml': `${manifest('etcd:3.5.15-0')}    command:\n    - --data-dir=/var/lib/etcd\n`,
      'var/lib/etcd/member/snap/db': 'the data before the restore',
    };
    for (const c of COMPONENTS) {
      files[`etc/kubernetes/manifests/${c}.yaml`] = manifest(`${c}:${TO}`);
      files[`etc/kubernetes/tmp/kubeadm-backup-manifests-2024-11-02-09-00-00/${c}.yaml`] = manifest(`${c}:v1.29.10`);
      files[`etc/kubernetes/tmp/kubeadm-backup-manifests-2025-01-15-10-30-00/${c}.yaml`] = manifest(`${c}:${FROM}`);
    }
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), c);
    }
    // cp-2's tree: running at FROM (only its etcd member matters here).
    root2 = join(state, 'cp-2-root');
    const files2: Record<string, string> = {
      'etc/kubernetes/manifests/etcd.yaml': files['etc/kubernetes/manifests/etcd.yaml']!,
      'var/lib/etcd/member/snap/db': 'cp-2 data before the restore',
    };
    for (const c of COMPONENTS) files2[`etc/kubernetes/manifests/${c}.yaml`] = manifest(`${c}:${FROM}`);
    for (const [p, c] of Object.entries(files2)) {
      mkdirSync(join(root2, p, '..'), { recursive: true });
      writeFileSync(join(root2, p), c);
    }
    sshd = await startTestSshd({
      addresses: Object.values(ALL_ADDRESSES),
      env: { PATH: `${SHIMS}:/usr/bin:/bin`, K8S_UPGRADE_SHIM_STATE: state },
    });
  });

  afterAll(async () => {
    await sshd?.stop();
    await t?.stop();
    if (state) rmSync(state, { recursive: true, force: true });
  });

  const settings = (over: Partial<SshSettings> = {}): SshSettings => ({
    user: sshd.user,
    port: sshd.port,
    identityFile: sshd.clientKey,
    addressFrom: { label: LABEL },
    strictHostKeyChecking: 'yes',
    packageManager: 'apt',
    sudo: false,
    timeoutSeconds: 60,
    ...over,
  });

  const driver = (over: Partial<SshSettings> = {}, nodeRoot = root) => {
    const knownHosts = join(state, 'known_hosts');
    writeFileSync(
      knownHosts,
      Object.values(ALL_ADDRESSES)
        .map((a) => `${sshd.knownHostsLine(a)}\n`)
        .join(''),
    );
    return new KubeadmSshNodeDriver(settings(over), { knownHostsFile: knownHosts, nodeRoot });
  };

  const targetFor = async (node: string, version: string): Promise<NodeTarget> => {
    const n = await core.readNode({ name: node });
    const role =
      n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined ? 'control-plane' : 'worker';
    const internalIP = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    return { node, role, version, first: false, internalIP, labels: n.metadata?.labels ?? {} };
  };

  const io = () => {
    const lines: string[] = [];
    const sink: DriverIo = { onOutput: (s, l) => lines.push(`${s}: ${l}`) };
    return { lines, sink };
  };

  const calls = (node: string): string[] =>
    readFileSync(join(state, 'calls.log'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(`${node} `))
      .map((l) => l.slice(node.length + 1));

  const machine = async (node: string) => (await admin.machines()).machines.find((m) => m.name === node)!;

  const failure = async (p: Promise<unknown>): Promise<NodeDriverError> => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(NodeDriverError);
      return e as NodeDriverError;
    }
    throw new Error('expected the driver to fail');
  };

  it('takes a worker back after an upgrade: packages pinned to the older version, kubelet restarted (apt)', async () => {
    // The upgrade itself is the sandbox's (the driver's upgrade has its own test).
    await admin.upgrade('cp-1', TO);
    await admin.upgrade('blue-1', TO);
    const d = driver();
    await waitFor(async () => (await machine('blue-1')).kubeletVersion === TO, `blue-1 kubelet at ${TO}`);

    const before = calls('blue-1').length;
    const { lines, sink } = io();
    const r = await d.downgrade(await targetFor('blue-1', FROM), sink);
    expect(calls('blue-1').slice(before)).toEqual([
      'apt-mark unhold kubeadm kubelet kubectl',
      'apt-get update',
      'apt-get install -y --allow-downgrades kubeadm=1.30.6-* kubelet=1.30.6-* kubectl=1.30.6-*',
      'apt-mark hold kubeadm kubelet kubectl',
      'systemctl daemon-reload',
      'systemctl restart kubelet',
    ]);
    expect(lines).toContain(
      'stdout: ==> [3/6] apt-get install -y --allow-downgrades kubeadm=1.30.6-* kubelet=1.30.6-* kubectl=1.30.6-*',
    );
    expect(lines).toContain('stdout: ==> done');
    expect(r.commands).toContain('systemctl restart kubelet');
    await waitFor(async () => (await machine('blue-1')).kubeletVersion === FROM, `blue-1 kubelet back at ${FROM}`);
    await waitFor(
      async () => (await core.readNode({ name: 'blue-1' })).status?.nodeInfo?.kubeletVersion === FROM,
      `blue-1 node at ${FROM}`,
    );
  });

  it('refuses a control-plane downgrade when no kubeadm backup holds that version, before any package changes', async () => {
    const before = calls('cp-1').length;
    const e = await failure(driver({ packageManager: 'yum' }).downgrade(await targetFor('cp-1', 'v1.30.1'), io().sink));
    expect(e.code).toBe('FAILED');
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain('at step 1/5 "check that');
    expect(e.message).toContain('Nothing was changed on the node');
    expect(e.tail.join('\n')).toContain('no kubeadm backup of the static-pod manifests for v1.30.1');
    expect(e.tail.join('\n')).toContain(`kubeadm-backup-manifests-2025-01-15-10-30-00 (${FROM})`);
    expect(
      calls('cp-1')
        .slice(before)
        .some((c) => c.startsWith('yum')),
    ).toBe(false);
    expect(readFileSync(join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8')).toContain(TO);
  });

  it('takes the control plane back: yum downgrade, the backed-up manifests of that version restored (sudo)', async () => {
    const before = calls('cp-1').length;
    const { lines, sink } = io();
    await driver({ packageManager: 'yum', sudo: true }).downgrade(await targetFor('cp-1', FROM), sink);
    const after = calls('cp-1')
      .slice(before)
      .filter((c) => !c.startsWith('sudo '));
    expect(after).toEqual([
      'yum downgrade -y kubeadm-1.30.6-* kubelet-1.30.6-* kubectl-1.30.6-* --disableexcludes=kubernetes',
      'systemctl daemon-reload',
      'systemctl restart kubelet',
    ]);
    expect(
      calls('cp-1')
        .slice(before)
        .filter((c) => c.startsWith('sudo -n ')).length,
    ).toBe(5);
    for (const c of COMPONENTS)
      expect(readFileSync(join(root, `etc/kubernetes/manifests/${c}.yaml`), 'utf8')).toContain(`${c}:${FROM}`);
    const kept = readdirSync(join(root, 'etc/kubernetes/tmp')).find((d) =>
      d.startsWith('k8s-upgrade-before-downgrade-'),
    )!;
    expect(readFileSync(join(root, 'etc/kubernetes/tmp', kept, 'kube-apiserver.yaml'), 'utf8')).toContain(
      `kube-apiserver:${TO}`,
    );
    expect(
      lines.some((l) => l.includes('restored from') && l.includes('kubeadm-backup-manifests-2025-01-15-10-30-00')),
    ).toBe(true);
    await waitFor(
      async () => (await machine('cp-1')).controlPlaneVersion === FROM,
      `cp-1 control plane back at ${FROM}`,
    );
    await waitFor(async () => (await machine('cp-1')).kubeletVersion === FROM, `cp-1 kubelet back at ${FROM}`);
  });

  it('restores etcd: snapshot uploaded 0600 and sha256-checked on the node, restored with the member flags, old data kept', async () => {
    const snapshot = join(state, 'snapshot.db');
    writeFileSync(snapshot, 'etcd snapshot bytes', { mode: 0o600 });
    const sha = createHash('sha256').update('etcd snapshot bytes').digest('hex');
    const members = [
      { node: 'cp-1', peerUrl: 'https://10.0.0.11:2380' },
      { node: 'cp-2', peerUrl: 'https://10.0.0.12:2380' },
    ];
    const before = calls('cp-1').length;
    const { lines, sink } = io();
    const r = await driver({ sudo: true }).restoreEtcd(await targetFor('cp-1', FROM), snapshot, sink, members);

    expect(lines.filter((l) => l.startsWith('stdout: ==> ')).map((l) => l.replace(/ \(.*$/, ''))).toEqual([
      expect.stringMatching(/^stdout: ==> upload /),
      'stdout: ==> [1/7] check the uploaded snapshot',
      expect.stringMatching(/^stdout: ==> \[2\/7\] stop kube-apiserver and etcd/),
      'stdout: ==> [3/7] wait until the kubelet stopped etcd and the control-plane containers',
      expect.stringMatching(/^stdout: ==> \[4\/7\] restore the snapshot into .*etcd.k8s-upgrade-restored/),
      expect.stringMatching(/^stdout: ==> \[5\/7\] swap the restored data/),
      expect.stringMatching(/^stdout: ==> \[6\/7\] start etcd and kube-apiserver/),
      expect.stringMatching(/^stdout: ==> \[7\/7\] rm -f -- /),
      'stdout: ==> done',
    ]);
    const restore = calls('cp-1')
      .slice(before)
      .find((c) => c.startsWith('etcdutl snapshot restore /'))!;
    const remote = restore.split(' ')[3]!;
    expect(remote).toMatch(new RegExp(`^${root}/var/lib/k8s-upgrade-snapshot-\\d{8}T\\d{9}Z\\.db$`));
    expect(restore).toMatch(
      new RegExp(
        ` --data-dir ${root}/var/lib/etcd\\.k8s-upgrade-restored-\\S+ --name cp-1 --initial-cluster cp-1=https://10\\.0\\.0\\.11:2380,cp-2=https://10\\.0\\.0\\.12:2380 ` +
          `--initial-cluster-token k8s-upgrade-restore-${sha.slice(0, 12)} --initial-advertise-peer-urls https://10\\.0\\.0\\.11:2380 --bump-revision 1000000000 --mark-compacted$`,
      ),
    );
    expect(readFileSync(join(state, 'etcdutl-snapshot-mode'), 'utf8').trim()).toBe('600');
    expect(existsSync(remote)).toBe(false);
    expect(readFileSync(join(root, 'var/lib/etcd/member/snap/db'), 'utf8')).toBe('etcd snapshot bytes');
    const old = readdirSync(join(root, 'var/lib')).find((d) => d.startsWith('etcd.k8s-upgrade-before-restore-'))!;
    expect(readFileSync(join(root, 'var/lib', old, 'member/snap/db'), 'utf8')).toBe('the data before the restore');
    expect(lines.some((l) => l.includes(`the old etcd data dir is kept at ${root}/var/lib/${old}`))).toBe(true);
    expect(readdirSync(join(root, 'etc/kubernetes/manifests')).sort()).toEqual(MANIFESTS);
    expect(calls('cp-1').slice(before)).toContain(
      'crictl ps -q --name ^(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)$',
    );
    expect(r.commands.some((c) => c.includes('<script: restore the snapshot into'))).toBe(true);
  });

  it('a failing restore step names itself and says where the manifests and the data are', async () => {
    const snapshot = join(state, 'snapshot-2.db');
    writeFileSync(snapshot, 'second snapshot', { mode: 0o600 });
    const sha = createHash('sha256').update('second snapshot').digest('hex');
    writeFileSync(join(state, 'fail'), 'cp-1 etcdutl snapshot restore /\n');
    try {
      const e = await failure(driver().restoreEtcd(await targetFor('cp-1', FROM), snapshot, io().sink));
      expect(e.code).toBe('FAILED');
      expect(e.exitCode).toBe(100);
      expect(e.message).toMatch(/^etcd restore of cp-1 over ssh failed at step 4\/7 "restore the snapshot into /);
      const aside = `${root}/etc/kubernetes/tmp/k8s-upgrade-etcd-restore-${sha.slice(0, 12)}-manifests`;
      expect(e.message).toContain(
        `etcd and the apiserver are stopped: their manifests are in ${aside}; ${root}/var/lib/etcd is untouched`,
      );
      expect(e.tail.some((l) => l.includes('injected failure'))).toBe(true);
      expect(readdirSync(aside).sort()).toEqual(MANIFESTS);
      expect(readdirSync(join(root, 'etc/kubernetes/manifests'))).toEqual([]);
      // Without a member list: this node alone at its InternalIP.
      const restore = calls('cp-1')
        .filter((c) => c.startsWith('etcdutl snapshot restore /'))
        .at(-1)!;
      const ip = (await targetFor('cp-1', FROM)).internalIP!;
      expect(restore).toContain(`--name cp-1 --initial-cluster cp-1=https://${ip}:2380 `);
      // The uploaded snapshot is removed on failure too.
      expect(readdirSync(join(root, 'var/lib')).some((f) => f.startsWith('k8s-upgrade-snapshot-'))).toBe(false);
    } finally {
      rmSync(join(state, 'fail'));
    }
    // Re-run: finds the manifests where the failed attempt left them and finishes.
    await driver().restoreEtcd(await targetFor('cp-1', FROM), snapshot, io().sink);
    expect(readdirSync(join(root, 'etc/kubernetes/manifests')).sort()).toEqual(MANIFESTS);
    expect(readFileSync(join(root, 'var/lib/etcd/member/snap/db'), 'utf8')).toBe('second snapshot');
  });

  it('two members: prepare stops etcd and the apiserver on both (manifests aside) before the first restore runs', async () => {
    const snapshot = join(state, 'snapshot-3.db');
    writeFileSync(snapshot, 'third snapshot', { mode: 0o600 });
    const sha = createHash('sha256').update('third snapshot').digest('hex');
    const members = [
      { node: 'cp-1', peerUrl: 'https://10.0.0.11:2380' },
      { node: 'cp-2', peerUrl: 'https://10.0.0.12:2380' },
    ];
    const cp2: NodeTarget = {
      node: CP2.node,
      role: 'control-plane',
      version: FROM,
      first: false,
      labels: { [LABEL]: CP2.address },
    };
    const nodes = [
      { target: await targetFor('cp-1', FROM), d: driver({ sudo: true }), root },
      { target: cp2, d: driver({ sudo: true }, root2), root: root2 },
    ];
    const aside = (r: string) => `${r}/etc/kubernetes/tmp/k8s-upgrade-etcd-restore-${sha.slice(0, 12)}-manifests`;
    const logFrom = readFileSync(join(state, 'calls.log'), 'utf8').split('\n').length - 1;

    for (const n of nodes) {
      const { lines, sink } = io();
      const r = await n.d.prepareEtcdRestore(n.target, snapshot, sink);
      expect(
        lines.filter((l) => l.startsWith('stdout: ==> ')).map((l) => l.replace(/ \(.*$/, '').replace(/ to .*$/, '')),
      ).toEqual([
        expect.stringMatching(/^stdout: ==> upload /),
        'stdout: ==> [1/4] check the uploaded snapshot',
        'stdout: ==> [2/4] stop kube-apiserver and etcd: move their static-pod manifests',
        'stdout: ==> [3/4] wait until the kubelet stopped etcd and the control-plane containers',
        expect.stringMatching(/^stdout: ==> \[4\/4\] rm -f -- /),
        'stdout: ==> done',
      ]);
      expect(r.commands[0]).toMatch(/<upload /);
    }
    // Both members stopped, neither restored, no upload left behind.
    for (const n of nodes) {
      expect(readdirSync(join(n.root, 'etc/kubernetes/manifests'))).toEqual([]);
      expect(readdirSync(aside(n.root)).sort()).toEqual(MANIFESTS);
      expect(readdirSync(join(n.root, 'var/lib')).some((f) => f.startsWith('k8s-upgrade-snapshot-'))).toBe(false);
    }
    expect(readFileSync(join(root2, 'var/lib/etcd/member/snap/db'), 'utf8')).toBe('cp-2 data before the restore');
    // Again, harmlessly (a resumed rollback prepares the members not done again).
    await nodes[1]!.d.prepareEtcdRestore(cp2, snapshot, io().sink);
    expect(readdirSync(aside(root2)).sort()).toEqual(MANIFESTS);

    for (const n of nodes) await n.d.restoreEtcd(n.target, snapshot, io().sink, members);

    const log = readFileSync(join(state, 'calls.log'), 'utf8').split('\n').slice(logFrom).filter(Boolean);
    const firstRestore = log.findIndex((l) => / etcdutl snapshot restore \//.test(l));
    expect(firstRestore).toBeGreaterThan(0);
    expect(log[firstRestore]).toMatch(
      /^cp-1 etcdutl snapshot restore .* --name cp-1 --initial-cluster cp-1=https:\/\/10\.0\.0\.11:2380,cp-2=https:\/\/10\.0\.0\.12:2380 /,
    );
    // The manifest moves (the sudo'd stop script, recorded by the sudo shim) and the wait, on both nodes, before it.
    const before = log.slice(0, firstRestore);
    for (const node of ['cp-1', 'cp-2']) {
      const at = aside(node === 'cp-1' ? root : root2);
      expect(
        before.some(
          (l) =>
            l.startsWith(`${node} sudo -n sh -c `) &&
            l.includes('mv -f "$man/$f" "$aside/$f"') &&
            l.includes(` ${at} kube-apiserver.yaml`),
        ),
      ).toBe(true);
      expect(before).toContain(
        `${node} crictl ps -q --name ^(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)$`,
      );
    }
    expect(
      log
        .slice(firstRestore + 1)
        .some((l) =>
          /^cp-2 etcdutl snapshot restore .* --name cp-2 .* --initial-advertise-peer-urls https:\/\/10\.0\.0\.12:2380 /.test(
            l,
          ),
        ),
    ).toBe(true);
    for (const n of nodes) {
      expect(readFileSync(join(n.root, 'var/lib/etcd/member/snap/db'), 'utf8')).toBe('third snapshot');
      expect(readdirSync(join(n.root, 'etc/kubernetes/manifests')).sort()).toEqual(MANIFESTS);
      expect(existsSync(aside(n.root))).toBe(false);
    }
  });

  it('fails at the upload with nothing run when the node cannot take the file', async () => {
    const e = await failure(
      new KubeadmSshNodeDriver(settings(), {
        knownHostsFile: join(state, 'known_hosts'),
        nodeRoot: join(state, 'no-such-dir'),
      }).restoreEtcd(await targetFor('cp-1', FROM), join(state, 'snapshot.db'), io().sink),
    );
    expect(e.message).toContain('failed while uploading the snapshot');
    expect(e.message).toContain('Nothing else ran on the node');
  });
});
