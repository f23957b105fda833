/**
 * The kubeadm-ssh driver against a real OpenSSH server on loopback. The "nodes" are sandbox nodes: each has a
 * label with a 127.0.0.N address, all of which reach one sshd; shims for kubeadm, apt-get, apt-mark, yum,
 * systemctl and sudo (test/fixtures/ssh-shims) record every call and turn `kubeadm upgrade apply|node` into
 * `k8s-upgrade sandbox node upgrade` for the node the session's server address maps to.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDriver,
  driverPidFile,
  NodeDriverError,
  sshOptions,
  type DriverIo,
  type NodeTarget,
} from '../../../src/nodes/index.js';
import type { SshSettings } from '../../../src/plan/index.js';
import { SandboxAdminClient } from '../../../src/sandbox/index.js';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { sshdMissing, startTestSshd, type TestSshd } from '../../helpers/sshd.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const SHIMS = join(REPO, 'test/fixtures/ssh-shims');
const LABEL = 'k8s-upgrade.test/ssh-address';
const ADDRESSES: Record<string, string> = { 'cp-1': '127.0.0.2', 'blue-1': '127.0.0.3', 'blue-2': '127.0.0.4' };
const FROM = 'v1.30.6';
const TO = 'v1.31.2';

const missing = sshdMissing();
const mustRun = process.env.CI === 'true';

describe.runIf(missing && mustRun)('kubeadm-ssh driver prerequisites', () => {
  it('has sshd (CI=true requires the ssh tests to run)', () => {
    throw new Error(`the ssh integration tests cannot run: ${missing}; .ci/run installs openssh-server`);
  });
});

describe.skipIf(!!missing)(`kubeadm-ssh driver against a real sshd${missing ? ` — SKIPPED: ${missing}` : ''}`, () => {
  let t: TestSandbox;
  let sshd: TestSshd;
  let state: string;
  let core: CoreV1Api;
  let admin: SandboxAdminClient;

  beforeAll(async () => {
    t = await startTestSandbox({
      version: FROM,
      workload: { kind: 'none' },
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 2 }],
    });
    core = t.kc.makeApiClient(CoreV1Api);
    admin = SandboxAdminClient.fromKubeconfig(t.kubeconfigPath);
    for (const [node, address] of Object.entries(ADDRESSES)) {
      await core.patchNode(
        { name: node, body: { metadata: { labels: { [LABEL]: address } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
    state = mkdtempSync(join(tmpdir(), 'k8s-upgrade-shims-'));
    writeFileSync(
      join(state, 'address-map'),
      Object.entries(ADDRESSES)
        .map(([n, a]) => `${a} ${n}\n`)
        .join(''),
    );
    writeFileSync(join(state, 'calls.log'), '');
    writeFileSync(join(state, 'node-bin'), process.execPath);
    writeFileSync(join(state, 'repo'), REPO);
    writeFileSync(join(state, 'kubeconfig'), t.kubeconfigPath);
    sshd = await startTestSshd({
      addresses: Object.values(ADDRESSES),
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
    addressFrom: { label: LABEL },
    strictHostKeyChecking: 'yes',
    packageManager: 'apt',
    sudo: false,
    timeoutSeconds: 60,
    ...over,
  });

  const knownHosts = (...nodes: string[]): string => {
    const file = join(state, `known_hosts-${nodes.join('-') || 'empty'}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, nodes.map((n) => `${sshd.knownHostsLine(ADDRESSES[n]!)}\n`).join(''));
    return file;
  };

  const targetFor = async (node: string, first: boolean): Promise<NodeTarget> => {
    const n = await core.readNode({ name: node });
    const role =
      n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined ? 'control-plane' : 'worker';
    const internalIP = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    return { node, role, version: TO, first, internalIP, labels: n.metadata?.labels ?? {} };
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

  it('asks the node whether a driver runs there: the pid file the node-side script writes, checked over ssh', async () => {
    const target = await targetFor('blue-2', false);
    const d = createDriver(
      { type: 'kubeadm-ssh', ssh: settings({ identityFile: sshd.clientKey }) },
      { knownHostsFile: knownHosts('blue-2') },
    );
    // The "node" is this machine behind sshd: its /tmp holds the file.
    const pidFile = driverPidFile('blue-2');
    rmSync(pidFile, { force: true });
    expect(await d.driverRunning!(target)).toBe(false);
    writeFileSync(pidFile, `${process.pid}\n`);
    try {
      expect(await d.driverRunning!(target)).toBe(true);
    } finally {
      rmSync(pidFile, { force: true });
    }
    // A node it cannot reach: it cannot tell.
    const unknown = createDriver(
      { type: 'kubeadm-ssh', ssh: settings({ identityFile: sshd.clientKey }) },
      { knownHostsFile: knownHosts() },
    );
    expect(await unknown.driverRunning!(target)).toBeUndefined();
  });

  it('upgrades the first control-plane node with kubeadm upgrade apply (apt, sudo)', async () => {
    const target = await targetFor('cp-1', true);
    expect(target.role).toBe('control-plane');
    const d = createDriver(
      { type: 'kubeadm-ssh', ssh: settings({ sudo: true, identityFile: sshd.clientKey }) },
      { knownHostsFile: knownHosts('cp-1') },
    );
    const { lines, sink } = io();
    const r = await d.upgrade(target, sink);
    expect(lines).toContain(`stdout: ==> [5/10] kubeadm upgrade apply ${TO} -y`);
    expect(lines).toContain('stdout: ==> done');
    expect(lines.some((l) => l.includes(`upgraded cp-1 from ${FROM} to ${TO}`))).toBe(true);
    expect(r.commands).toContain(`sudo -n kubeadm upgrade apply ${TO} -y`);

    const cp = calls('cp-1');
    expect(cp).toContain(`sudo -n kubeadm upgrade apply ${TO} -y`);
    expect(cp).toContain(`kubeadm upgrade apply ${TO} -y`);
    expect(cp).toContain('apt-get install -y kubeadm=1.31.2-*');
    expect(cp).toContain('apt-get install -y kubelet=1.31.2-* kubectl=1.31.2-*');
    expect(cp.filter((c) => !c.startsWith('sudo ')).at(-1)).toBe('systemctl restart kubelet');
    expect(cp.some((c) => c.startsWith('kubeadm upgrade node'))).toBe(false);

    expect((await machine('cp-1')).controlPlaneVersion).toBe(TO);
    await waitFor(
      async () => (await core.readNode({ name: 'cp-1' })).status?.nodeInfo?.kubeletVersion === TO,
      `cp-1 kubelet at ${TO}`,
    );
  });

  it('upgrades a worker with kubeadm upgrade node, at the version of the kubeadm package installed (yum)', async () => {
    const target = await targetFor('blue-1', false);
    expect(target.role).toBe('worker');
    const d = createDriver(
      { type: 'kubeadm-ssh', ssh: settings({ packageManager: 'yum' }) },
      { knownHostsFile: knownHosts('blue-1'), identityFile: sshd.clientKey },
    );
    const { lines, sink } = io();
    await d.upgrade(target, sink);
    expect(lines).toContain('stdout: ==> [2/5] kubeadm upgrade node');
    expect(calls('blue-1')).toEqual([
      'yum install -y kubeadm-1.31.2-* --disableexcludes=kubernetes',
      'kubeadm upgrade node',
      'yum install -y kubelet-1.31.2-* kubectl-1.31.2-* --disableexcludes=kubernetes',
      'systemctl daemon-reload',
      'systemctl restart kubelet',
    ]);
    await waitFor(async () => (await machine('blue-1')).kubeletVersion === TO, `blue-1 kubelet at ${TO}`);
    await waitFor(
      async () => (await core.readNode({ name: 'blue-1' })).status?.nodeInfo?.kubeletVersion === TO,
      `blue-1 node at ${TO}`,
    );
  });

  it('refuses an unknown host key with strict checking (HOST_KEY), and accept-new trusts it', async () => {
    const target = await targetFor('blue-2', false);
    const file = knownHosts();
    const strict = createDriver(
      { type: 'kubeadm-ssh', ssh: settings() },
      { knownHostsFile: file, identityFile: sshd.clientKey },
    );
    const e = await failure(strict.upgrade(target, io().sink));
    expect(e.code).toBe('HOST_KEY');
    expect(e.message).toContain('known_hosts');
    expect(e.message).toContain('--ssh-accept-new-host-keys');
    expect(calls('blue-2')).toEqual([]);

    const acceptNew = createDriver(
      { type: 'kubeadm-ssh', ssh: settings({ strictHostKeyChecking: 'accept-new' }) },
      { knownHostsFile: file, identityFile: sshd.clientKey },
    );
    await acceptNew.upgrade(target, io().sink);
    expect(calls('blue-2')).toContain('kubeadm upgrade node');
    expect(readFileSync(file, 'utf8')).toContain(sshd.hostPublicKey);
    await waitFor(async () => (await machine('blue-2')).kubeletVersion === TO, `blue-2 kubelet at ${TO}`);

    // The key is now known: strict checking accepts it.
    execFileSync(
      'ssh',
      [
        ...sshOptions(settings(), { knownHostsFile: file, identityFile: sshd.clientKey }),
        '--',
        ADDRESSES['blue-2']!,
        'true',
      ],
      { stdio: 'ignore' },
    );
  });

  it('fails with the failing step named when a node-side step fails, and runs nothing after it', async () => {
    writeFileSync(join(state, 'fail'), 'blue-1 apt-get install -y kubeadm\n');
    try {
      const before = calls('blue-1').length;
      const d = createDriver(
        { type: 'kubeadm-ssh', ssh: settings() },
        { knownHostsFile: knownHosts('blue-1'), identityFile: sshd.clientKey },
      );
      const e = await failure(d.upgrade(await targetFor('blue-1', false), io().sink));
      expect(e.code).toBe('FAILED');
      expect(e.exitCode).toBe(100);
      expect(e.message).toContain('step 3/10 "apt-get install -y kubeadm=1.31.2-*"');
      expect(e.tail.some((l) => l.includes('injected failure'))).toBe(true);
      const after = calls('blue-1').slice(before);
      expect(after).toEqual(['apt-mark unhold kubeadm', 'apt-get update', 'apt-get install -y kubeadm=1.31.2-*']);
    } finally {
      rmSync(join(state, 'fail'));
    }
  });

  it('says when ssh itself failed (exit 255): nothing ran on the node', async () => {
    const d = createDriver(
      { type: 'kubeadm-ssh', ssh: settings({ port: 1, addressFrom: 'InternalIP' }) },
      { knownHostsFile: knownHosts(), identityFile: sshd.clientKey },
    );
    const target: NodeTarget = {
      node: 'blue-1',
      role: 'worker',
      version: TO,
      first: false,
      internalIP: '127.0.0.1',
      labels: {},
    };
    const e = await failure(d.upgrade(target, io().sink));
    expect(e.code).toBe('FAILED');
    expect(e.exitCode).toBe(255);
    expect(e.message).toContain('ssh itself failed');
    expect(existsSync(sshd.clientKey)).toBe(true);
  });
});
