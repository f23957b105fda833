/**
 * Snapshot, verify and restore against a real etcd (Debian's 3.4: etcdctl does everything) on loopback:
 * what comes back from a restore is exactly the state at the snapshot, damaged files are refused, and a dead
 * member is reported and skipped.
 */
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
  existsSync,
  readdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EtcdError,
  SnapshotVerificationError,
  detectTools,
  endpointHealth,
  localRunner,
  restoreSnapshot,
  saveSnapshot,
  verifySnapshot,
  type EtcdTools,
  type SnapshotRecord,
} from '../../../src/etcd/index.js';
import {
  dumpKeys,
  etcdMissing,
  etcdctl,
  freePorts,
  spawnMember,
  startEtcdCluster,
  waitHealthy,
  type EtcdCluster,
} from '../../helpers/etcd.js';

const missing = etcdMissing();
const mustRun = process.env.CI === 'true';

describe('etcd tools', () => {
  it('are installed when CI=true requires the etcd tests to run', () => {
    if (mustRun) expect(missing, 'CI=true: install etcd-server etcd-client (.ci/run does)').toBeUndefined();
  });
});

describe.skipIf(!!missing)(`etcd snapshot and restore on a real etcd${missing ? ` — SKIPPED: ${missing}` : ''}`, () => {
  const runner = localRunner();
  let cluster: EtcdCluster;
  let work: string;
  let tools: EtcdTools;
  let record: SnapshotRecord;
  let before: Record<string, string>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'k8s-upgrade-etcd-test-'));
    cluster = await startEtcdCluster(1);
    tools = await detectTools(runner);
    for (let i = 0; i < 20; i++) await etcdctl(['put', `/registry/minions/n${i}`, `node-${i}`], cluster.endpoints);
    await etcdctl(['put', '/demo/hello', 'world'], cluster.endpoints);
    before = await dumpKeys(cluster.endpoints);
  });
  afterAll(async () => {
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('detects etcdctl 3.4 without etcdutl', () => {
    expect(tools.etcdctl).toBe('etcdctl');
    expect(tools.version).toMatch(/^3\.\d+\.\d+/);
    if (tools.version.startsWith('3.4.')) expect(tools.etcdutl).toBeUndefined();
  });

  it('takes a verified snapshot with a record, restores it into a new data dir, and a member started from it holds exactly the pre-snapshot keys', async () => {
    const dir = join(work, 'snaps');
    record = await saveSnapshot({ endpoints: cluster.endpoints }, { dir, name: 'before.db' }, runner, {
      timeoutMs: 30_000,
      now: new Date('2026-01-02T03:04:05Z'),
    });
    expect(record).toMatchObject({
      path: join(dir, 'before.db'),
      endpoint: cluster.endpoints[0],
      takenOn: 'local',
      takenAt: '2026-01-02T03:04:05.000Z',
      verified: true,
    });
    expect(record.tool).toContain('etcdctl');
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.sizeBytes).toBe(statSync(record.path).size);
    expect(record.revision).toBeGreaterThanOrEqual(21);
    expect(record.totalKeys).toBeGreaterThanOrEqual(21);
    expect(statSync(record.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['before.db']); // no temp file left behind

    // The cluster moves on after the snapshot.
    await etcdctl(['put', '/demo/hello', 'changed'], cluster.endpoints);
    await etcdctl(['put', '/demo/new', 'after-snapshot'], cluster.endpoints);
    await etcdctl(['del', '/registry/minions/n3'], cluster.endpoints);
    expect(await dumpKeys(cluster.endpoints)).not.toEqual(before);

    const status = await verifySnapshot(record.path, runner, record);
    expect(status).toMatchObject({ revision: record.revision, hash: record.hash, sha256: record.sha256 });

    const [clientPort, peerPort] = await freePorts(2);
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const dataDir = join(work, 'restored-1');
    const result = await restoreSnapshot(
      tools,
      record.path,
      {
        name: 'r1',
        dataDir,
        initialCluster: `r1=${peerUrl}`,
        initialAdvertisePeerUrls: peerUrl,
        initialClusterToken: 'restore-1',
      },
      runner,
      { timeoutMs: 30_000 },
    );
    expect(result.argv).toContain('--name=r1');
    const member = spawnMember({ name: 'r1', clientPort: clientPort!, peerPort: peerPort!, dataDir });
    try {
      await waitHealthy([member]);
      expect(await dumpKeys([member.clientUrl])).toEqual(before);
    } finally {
      await member.stop();
    }
  });

  it('refuses to restore into a data dir that is not empty, and restores into an existing empty one', async () => {
    const dataDir = join(work, 'not-empty');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'keep-me'), 'old data');
    const member = {
      name: 'x1',
      dataDir,
      initialCluster: 'x1=http://127.0.0.1:1',
      initialAdvertisePeerUrls: 'http://127.0.0.1:1',
      initialClusterToken: 't',
    };
    const err = await restoreSnapshot(tools, record.path, member, runner, { timeoutMs: 30_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EtcdError);
    expect(err).toMatchObject({ code: 'RESTORE_FAILED' });
    expect((err as Error).message).toMatch(/not empty.*new path/s);
    expect(readFileSync(join(dataDir, 'keep-me'), 'utf8')).toBe('old data');

    const empty = join(work, 'empty');
    mkdirSync(empty);
    await restoreSnapshot(tools, record.path, { ...member, dataDir: empty }, runner, { timeoutMs: 30_000 });
    expect(existsSync(join(empty, 'member', 'snap', 'db'))).toBe(true);
  });

  it('refuses a truncated snapshot with a clear error', async () => {
    const bytes = readFileSync(record.path);
    const truncated = join(work, 'truncated.db');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2) + 7));
    const err = await verifySnapshot(truncated, runner).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnapshotVerificationError);
    expect(err).toMatchObject({ code: 'VERIFY_FAILED', reason: 'TRUNCATED', path: truncated });
    expect((err as Error).message).toMatch(/Do not restore from this file/);

    // Cut on a page boundary: the integrity hash is gone.
    const cut = join(work, 'cut.db');
    writeFileSync(cut, bytes.subarray(0, 4096));
    await expect(verifySnapshot(cut, runner)).rejects.toMatchObject({ reason: 'NO_INTEGRITY_HASH' });
  });

  it('refuses a corrupted snapshot (one flipped byte) that `snapshot status` alone would accept', async () => {
    const bytes = Buffer.from(readFileSync(record.path));
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    const corrupt = join(work, 'corrupt.db');
    writeFileSync(corrupt, bytes);
    await expect(verifySnapshot(corrupt, runner)).rejects.toMatchObject({
      name: 'SnapshotVerificationError',
      reason: 'CORRUPT',
    });
  });

  it('catches a sha256 mismatch against the record, and a missing file', async () => {
    await expect(verifySnapshot(record.path, runner, { ...record, sha256: 'a'.repeat(64) })).rejects.toMatchObject({
      reason: 'SHA256_MISMATCH',
    });
    await expect(
      verifySnapshot(record.path, runner, { ...record, revision: record.revision + 1 }),
    ).rejects.toMatchObject({ reason: 'REVISION_MISMATCH' });
    await expect(verifySnapshot(join(work, 'nope.db'), runner)).rejects.toMatchObject({ reason: 'NOT_FOUND' });
  });

  it('never overwrites an existing snapshot', async () => {
    const dir = join(work, 'snaps');
    const err = await saveSnapshot({ endpoints: cluster.endpoints }, { dir, name: 'before.db' }, runner, {
      timeoutMs: 30_000,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SAVE_FAILED' });
    expect((err as Error).message).toMatch(/already exists/);
    expect(readdirSync(dir)).toEqual(['before.db']);
  });

  it('reports a dead endpoint, and saveSnapshot skips it for a healthy one', async () => {
    const [deadPort] = await freePorts(1);
    const dead = `http://127.0.0.1:${deadPort}`;
    const conn = { endpoints: [dead, cluster.endpoints[0]!] };
    const health = await endpointHealth(conn, runner, { endpointTimeoutMs: 1_000 });
    expect(health).toEqual([
      { endpoint: dead, healthy: false, error: expect.any(String) },
      { endpoint: cluster.endpoints[0], healthy: true },
    ]);
    const rec = await saveSnapshot(conn, { dir: join(work, 'snaps'), name: 'skip-dead.db' }, runner, {
      timeoutMs: 30_000,
      endpointTimeoutMs: 1_000,
    });
    expect(rec.endpoint).toBe(cluster.endpoints[0]);
    expect(rec.verified).toBe(true);

    const allDead = await saveSnapshot({ endpoints: [dead] }, { dir: join(work, 'snaps'), name: 'never.db' }, runner, {
      timeoutMs: 30_000,
      endpointTimeoutMs: 1_000,
    }).catch((e: unknown) => e);
    expect(allDead).toMatchObject({ code: 'UNHEALTHY' });
    expect((allDead as Error).message).toContain(dead);
    expect(existsSync(join(work, 'snaps', 'never.db'))).toBe(false);
  });

  it('names the package to install when etcdctl is missing', async () => {
    await expect(detectTools(runner, { etcdctl: 'etcdctl-not-installed' })).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: expect.stringContaining('apt-get install etcd-client'),
    });
  });
});
