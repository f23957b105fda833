/**
 * The etcd module through the nodes module's ssh runner, against a real sshd and a real etcd on loopback: the
 * snapshot is taken "on the node" (over ssh), brought back with `ssh … cat`, verified, and recorded as
 * `ssh:<node>`; a missing etcdctl on the node names the package; strict host keys are kept.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectTools, localRunner, saveSnapshot, verifySnapshot, type CommandRunner } from '../../../src/etcd/index.js';
import { sshRemoteCommand, sshRunner } from '../../../src/nodes/index.js';
import type { SshSettings } from '../../../src/plan/index.js';
import { etcdMissing, startEtcdCluster, etcdctl, type EtcdCluster } from '../../helpers/etcd.js';
import { sshdMissing, startTestSshd, type TestSshd } from '../../helpers/sshd.js';

const missing = etcdMissing() ?? sshdMissing();
const mustRun = process.env.CI === 'true';

describe('sshRemoteCommand', () => {
  it('quotes every word, wraps env and sudo so a missing program still exits 127', () => {
    expect(sshRemoteCommand(['etcdctl', 'snapshot', 'save', '/tmp/a b'], false)).toBe(
      "etcdctl snapshot save '/tmp/a b'",
    );
    expect(sshRemoteCommand(['etcdctl', 'version'], false, { ETCDCTL_API: '3' })).toBe(
      'env ETCDCTL_API=3 etcdctl version',
    );
    expect(sshRemoteCommand(['cat', '--', "/x'y"], true)).toBe(`sudo -n env cat -- '/x'\\''y'`);
    expect(() => sshRemoteCommand(['x'], false, { 'A B': '1' })).toThrow(/not valid/);
  });

  it('has sshd and etcd when CI=true requires the test to run', () => {
    if (mustRun) expect(missing).toBeUndefined();
  });
});

describe.skipIf(!!missing)(`etcd snapshot over ssh${missing ? ` — SKIPPED: ${missing}` : ''}`, () => {
  let sshd: TestSshd;
  let cluster: EtcdCluster;
  let work: string;
  let runner: CommandRunner;
  let knownHosts: string;

  const settings = (): SshSettings => ({
    user: sshd.user,
    port: sshd.port,
    addressFrom: 'InternalIP',
    strictHostKeyChecking: 'yes',
    packageManager: 'apt',
    sudo: false,
    timeoutSeconds: 30,
  });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'k8s-upgrade-etcd-ssh-'));
    [sshd, cluster] = await Promise.all([
      startTestSshd({ env: { PATH: '/usr/local/bin:/usr/bin:/bin' } }),
      startEtcdCluster(1),
    ]);
    knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.knownHostsLine('127.0.0.1')}\n`);
    runner = sshRunner(settings(), '127.0.0.1', {
      knownHostsFile: knownHosts,
      identityFile: sshd.clientKey,
      label: 'cp-1',
    });
    await etcdctl(['put', '/demo/over-ssh', 'yes'], cluster.endpoints);
  });
  afterAll(async () => {
    await cluster?.stop();
    await sshd?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('takes the snapshot on the node, fetches it (0600), verifies it and records where it ran', async () => {
    const record = await saveSnapshot(
      { endpoints: cluster.endpoints },
      { dir: join(work, 'snaps'), name: 'cp-1.db' },
      runner,
      { timeoutMs: 30_000 },
    );
    expect(record).toMatchObject({
      takenOn: 'ssh:cp-1',
      endpoint: cluster.endpoints[0],
      verified: true,
      path: join(work, 'snaps', 'cp-1.db'),
    });
    expect(statSync(record.path).mode & 0o777).toBe(0o600);
    // The operator's copy verifies on this machine against the record.
    await expect(verifySnapshot(record.path, localRunner(), record)).resolves.toMatchObject({
      sha256: record.sha256,
      revision: record.revision,
    });
  });

  it('keeps a copy on the node when asked (mode 0600, the same bytes), and records where', async () => {
    const onNode = join(work, 'node-side', 'snapshots');
    const record = await saveSnapshot(
      { endpoints: cluster.endpoints },
      { dir: join(work, 'snaps'), name: 'kept.db' },
      runner,
      { timeoutMs: 30_000, keepRemoteCopyIn: onNode },
    );
    expect(record.nodeCopy).toBe(join(onNode, 'kept.db'));
    expect(statSync(record.nodeCopy!).mode & 0o777).toBe(0o600);
    expect(statSync(record.nodeCopy!).size).toBe(record.sizeBytes);
    // The local runner keeps no "node" copy: the file is already here.
    const local = await saveSnapshot(
      { endpoints: cluster.endpoints },
      { dir: join(work, 'snaps'), name: 'local.db' },
      localRunner(),
      { timeoutMs: 30_000, keepRemoteCopyIn: onNode },
    );
    expect(local.nodeCopy).toBeUndefined();
  });

  it('reports a missing etcdctl on the node by name', async () => {
    await expect(detectTools(runner, { etcdctl: 'etcdctl-missing' })).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: expect.stringContaining('(ssh:cp-1)'),
    });
  });

  it('fails fetch with a clear error for a missing remote file, leaving no local file', async () => {
    const local = join(work, 'nothing.db');
    await expect(runner.fetch('/nonexistent/snap.db', local, { timeoutMs: 10_000 })).rejects.toThrow(
      /exited with code 1.*No such file/,
    );
    expect(() => statSync(local)).toThrow();
  });

  it('keeps strict host keys: an unknown host key fails (exit 255) before anything runs', async () => {
    const empty = join(work, 'empty_known_hosts');
    writeFileSync(empty, '');
    const strict = sshRunner(settings(), '127.0.0.1', { knownHostsFile: empty, identityFile: sshd.clientKey });
    const r = await strict.run(['true'], { timeoutMs: 10_000 });
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toMatch(/Host key verification failed/);
  });
});
