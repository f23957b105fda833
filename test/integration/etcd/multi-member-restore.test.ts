/**
 * A three-member etcd cluster on loopback: a snapshot from one member, every member restored from that same
 * file with the multi-member flags into new data dirs, all three started: a healthy new cluster holding the
 * pre-snapshot state (and none of the later writes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectTools,
  endpointHealth,
  localRunner,
  restoreSnapshot,
  saveSnapshot,
  verifySnapshot,
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
  type EtcdMember,
} from '../../helpers/etcd.js';

const missing = etcdMissing();
const mustRun = process.env.CI === 'true';

describe('etcd tools (3-member test)', () => {
  it('are installed when CI=true requires the etcd tests to run', () => {
    if (mustRun) expect(missing, 'CI=true: install etcd-server etcd-client (.ci/run does)').toBeUndefined();
  });
});

describe.skipIf(!!missing)(`3-member etcd restore${missing ? ` — SKIPPED: ${missing}` : ''}`, () => {
  const runner = localRunner();
  let cluster: EtcdCluster | undefined;
  let restored: EtcdMember[] = [];
  const work = mkdtempSync(join(tmpdir(), 'k8s-upgrade-etcd3-'));

  afterAll(async () => {
    await Promise.all(restored.map((m) => m.stop()));
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('restores every member from one snapshot; the new cluster is healthy with exactly the pre-snapshot state', async () => {
    cluster = await startEtcdCluster(3, { prefix: 'cp-' });
    const eps = cluster.endpoints;
    for (let i = 0; i < 10; i++) await etcdctl(['put', `/registry/pods/default/p${i}`, `pod-${i}`], [eps[i % 3]!]);
    const before = await dumpKeys(eps);
    expect(Object.keys(before)).toHaveLength(10);

    const tools = await detectTools(runner);
    const record = await saveSnapshot(
      { endpoints: eps },
      { dir: join(work, 'snaps'), name: 'pre-upgrade.db' },
      runner,
      { timeoutMs: 30_000 },
    );
    expect(eps).toContain(record.endpoint);
    await verifySnapshot(record.path, runner, record, { tools });

    await etcdctl(['put', '/registry/pods/default/late', 'after'], eps);
    await etcdctl(['del', '/registry/pods/default/p0'], eps);
    await cluster.stop();

    const ports = await freePorts(6);
    const specs = [0, 1, 2].map((i) => ({
      name: `cp-${i + 1}`,
      clientPort: ports[i * 2]!,
      peerPort: ports[i * 2 + 1]!,
      dataDir: join(work, `restored-${i + 1}`),
    }));
    const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peerPort}`).join(',');
    for (const s of specs) {
      const r = await restoreSnapshot(
        tools,
        record.path,
        {
          name: s.name,
          dataDir: s.dataDir,
          initialCluster,
          initialAdvertisePeerUrls: `http://127.0.0.1:${s.peerPort}`,
          initialClusterToken: 'restore-after-failed-upgrade',
        },
        runner,
        { timeoutMs: 30_000 },
      );
      expect(r.argv).toEqual(
        expect.arrayContaining([
          `--initial-cluster=${initialCluster}`,
          '--initial-cluster-token=restore-after-failed-upgrade',
        ]),
      );
    }
    restored = specs.map((s) => spawnMember(s));
    await waitHealthy(restored, 30_000);

    const health = await endpointHealth({ endpoints: restored.map((m) => m.clientUrl) }, runner, { tools });
    expect(health.every((h) => h.healthy)).toBe(true);
    const { stdout } = await etcdctl(['member', 'list', '-w', 'json'], [restored[0]!.clientUrl]);
    const names = (JSON.parse(stdout) as { members: { name: string }[] }).members.map((m) => m.name).sort();
    expect(names).toEqual(['cp-1', 'cp-2', 'cp-3']);
    for (const m of restored) expect(await dumpKeys([m.clientUrl])).toEqual(before);

    // A write to the restored cluster is replicated: it is one working cluster, not three.
    await etcdctl(['put', '/after-restore', 'ok'], [restored[1]!.clientUrl]);
    await expect.poll(async () => (await dumpKeys([restored[2]!.clientUrl]))['/after-restore']).toBe('ok');
  });
});
