/** Pure parts of the etcd module: argv building (flags, one endpoint, restore flags) and parsing tool output. */
import { describe, expect, it } from 'vitest';
import {
  endpointHealthArgv,
  parseEndpointHealth,
  parseSnapshotStatus,
  parseToolVersion,
  restoreArgv,
  snapshotSaveArgv,
  snapshotStatusArgv,
  tlsFlags,
} from '../../../src/etcd/index.js';

const v34 = { etcdctl: 'etcdctl', version: '3.4.23' };
const v35 = { etcdctl: '/usr/local/bin/etcdctl', etcdutl: '/usr/local/bin/etcdutl', version: '3.5.17' };
const member = {
  name: 'cp-1',
  dataDir: '/var/lib/etcd-restored',
  initialCluster: 'cp-1=https://10.0.0.1:2380,cp-2=https://10.0.0.2:2380,cp-3=https://10.0.0.3:2380',
  initialAdvertisePeerUrls: 'https://10.0.0.1:2380',
  initialClusterToken: 'restore-1',
};

describe('restoreArgv', () => {
  it('uses etcdctl on 3.4 and etcdutl when present, with every multi-member flag', () => {
    const flags = [
      '--name=cp-1',
      '--data-dir=/var/lib/etcd-restored',
      `--initial-cluster=${member.initialCluster}`,
      '--initial-advertise-peer-urls=https://10.0.0.1:2380',
      '--initial-cluster-token=restore-1',
    ];
    expect(restoreArgv(v34, '/backup/snap.db', member)).toEqual([
      'etcdctl',
      'snapshot',
      'restore',
      '/backup/snap.db',
      ...flags,
    ]);
    expect(restoreArgv(v35, '/backup/snap.db', member)).toEqual([
      '/usr/local/bin/etcdutl',
      'snapshot',
      'restore',
      '/backup/snap.db',
      ...flags,
    ]);
  });

  it.each([
    [{ name: '--force' }, /member name/],
    [{ name: 'cp-9' }, /not in the initial cluster/],
    [{ initialAdvertisePeerUrls: 'https://10.0.0.9:2380' }, /does not give cp-1/],
    [{ dataDir: '-rf' }, /could be read as a flag/],
    [{ initialClusterToken: '' }, /empty/],
  ])('refuses %o', (patch, msg) => {
    expect(() => restoreArgv(v34, '/s.db', { ...member, ...patch })).toThrow(msg);
  });

  it('accepts several peer URLs when the initial cluster lists each', () => {
    const m = {
      ...member,
      initialCluster: 'a=http://x:1,a=http://y:1',
      initialAdvertisePeerUrls: 'http://x:1,http://y:1',
      name: 'a',
    };
    expect(restoreArgv(v34, '/s.db', m)).toContain('--initial-advertise-peer-urls=http://x:1,http://y:1');
  });
});

describe('save / status / health argv', () => {
  const conn = {
    endpoints: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379'],
    cacert: '/etc/kubernetes/pki/etcd/ca.crt',
    cert: '/p/client.crt',
    key: '/p/client.key',
  };

  it('saves from exactly one endpoint, with certificate paths', () => {
    expect(snapshotSaveArgv(v34, conn, conn.endpoints[1]!, '/tmp/x/snapshot.db')).toEqual([
      'etcdctl',
      '--endpoints=https://10.0.0.2:2379',
      '--cacert=/etc/kubernetes/pki/etcd/ca.crt',
      '--cert=/p/client.crt',
      '--key=/p/client.key',
      '--dial-timeout=3s',
      'snapshot',
      'save',
      '/tmp/x/snapshot.db',
    ]);
  });

  it('checks health of all endpoints in one call, JSON out', () => {
    expect(endpointHealthArgv(v34, conn, { dialTimeoutMs: 1_000, commandTimeoutMs: 2_500 })).toEqual([
      'etcdctl',
      '--endpoints=https://10.0.0.1:2379,https://10.0.0.2:2379',
      ...tlsFlags(conn),
      '--dial-timeout=1s',
      '--command-timeout=3s',
      'endpoint',
      'health',
      '-w',
      'json',
    ]);
  });

  it('runs status with etcdutl when present', () => {
    expect(snapshotStatusArgv(v34, '/s.db')).toEqual(['etcdctl', 'snapshot', 'status', '/s.db', '-w', 'json']);
    expect(snapshotStatusArgv(v35, '/s.db')[0]).toBe('/usr/local/bin/etcdutl');
  });

  it('refuses endpoints and paths that could be read as flags', () => {
    expect(() => snapshotSaveArgv(v34, { endpoints: ['-x'] }, '-x', '/s.db')).toThrow(/flag/);
    expect(() => endpointHealthArgv(v34, { endpoints: [] })).toThrow(/no etcd endpoints/);
    expect(() => endpointHealthArgv(v34, { endpoints: ['a,b'] })).toThrow(/comma/);
    expect(() => tlsFlags({ key: '--insecure-skip-tls-verify' })).toThrow(/flag/);
  });
});

describe('parsing', () => {
  it('reads tool versions', () => {
    expect(parseToolVersion('etcdctl version: 3.4.23\nAPI version: 3.4\n')).toBe('3.4.23');
    expect(parseToolVersion('etcdutl version: 3.5.9\nAPI version: 3.5\n')).toBe('3.5.9');
    expect(parseToolVersion('etcdctl version: 3.6.0-rc.1\n')).toBe('3.6.0-rc.1');
    expect(parseToolVersion('bash: etcdctl: command not found')).toBeUndefined();
  });

  it('reads snapshot status JSON (totalKey → totalKeys), with log lines around it', () => {
    expect(parseSnapshotStatus('{"hash":573337023,"revision":4,"totalKey":7,"totalSize":20480}\n')).toEqual({
      hash: 573337023,
      revision: 4,
      totalKeys: 7,
      totalSize: 20480,
    });
    expect(
      parseSnapshotStatus(
        'Deprecated: Use `etcdutl snapshot status` instead.\n\n{"hash":1,"revision":2,"totalKey":3,"totalSize":4,"version":"3.5.0"}',
      ),
    ).toEqual({ hash: 1, revision: 2, totalKeys: 3, totalSize: 4 });
    expect(() => parseSnapshotStatus('Error: stat nope.db: no such file or directory')).toThrow(/no JSON/);
    expect(() => parseSnapshotStatus('{"hash":1}')).toThrow(/revision/);
  });

  it('reads endpoint health JSON, healthy and not', () => {
    const out =
      '[{"endpoint":"127.0.0.1:23791","health":true,"took":"12ms"},{"endpoint":"127.0.0.1:23999","health":false,"took":"2s","error":"context deadline exceeded"}]';
    expect(parseEndpointHealth(out)).toEqual([
      { endpoint: '127.0.0.1:23791', healthy: true },
      { endpoint: '127.0.0.1:23999', healthy: false, error: 'context deadline exceeded' },
    ]);
    expect(parseEndpointHealth('Error: unhealthy cluster')).toBeUndefined();
  });
});
