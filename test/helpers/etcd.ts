/**
 * Real etcd members for integration tests: Debian's `etcd` (3.4) on free loopback ports, each with a temp data
 * dir, one member or a three-member cluster; start a member from a restored data dir; put/get/delete with
 * etcdctl; stop by PID. Nothing listens on the default ports and nothing is left behind.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

const onPath = (name: string): boolean =>
  (process.env.PATH ?? '').split(':').some((d) => {
    if (!d) return false;
    try {
      accessSync(join(d, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** Why the etcd tests cannot run here, or undefined. */
export function etcdMissing(): string | undefined {
  const missing = ['etcd', 'etcdctl'].filter((n) => !onPath(n));
  return missing.length ? `${missing.join(', ')} not installed (apt-get install etcd-server etcd-client)` : undefined;
}

/** Ports nobody listens on right now (held together so they differ). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface MemberSpec {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
}

export interface EtcdMember extends MemberSpec {
  clientUrl: string;
  peerUrl: string;
  process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

export interface EtcdCluster {
  members: EtcdMember[];
  endpoints: string[];
  /** `a=http://…,b=http://…` */
  initialCluster: string;
  dir: string;
  stop(): Promise<void>;
}

const url = (port: number) => `http://127.0.0.1:${port}`;

/** Starts one member. With `initialCluster`, a new cluster; without, from an existing (e.g. restored) data dir. */
export function spawnMember(spec: MemberSpec, initial?: { cluster: string; token: string }): EtcdMember {
  const args = [
    '--name',
    spec.name,
    '--data-dir',
    spec.dataDir,
    '--logger=zap',
    '--log-outputs=stderr',
    '--listen-client-urls',
    url(spec.clientPort),
    '--advertise-client-urls',
    url(spec.clientPort),
    '--listen-peer-urls',
    url(spec.peerPort),
    '--initial-advertise-peer-urls',
    url(spec.peerPort),
    ...(initial
      ? [
          '--initial-cluster',
          initial.cluster,
          '--initial-cluster-state',
          'new',
          '--initial-cluster-token',
          initial.token,
        ]
      : []),
  ];
  const child = spawn('etcd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => (log = (log + d).slice(-20_000)));
  return {
    ...spec,
    clientUrl: url(spec.clientPort),
    peerUrl: url(spec.peerPort),
    process: child,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}

export async function etcdctl(args: string[], endpoints?: string[]): Promise<{ stdout: string; stderr: string }> {
  return execFileP(
    'etcdctl',
    [...(endpoints ? [`--endpoints=${endpoints.join(',')}`] : []), '--dial-timeout=2s', ...args],
    {
      env: { ...process.env, ETCDCTL_API: '3' },
    },
  );
}

/** Waits until every endpoint reports healthy (and a member that exits is an error, with its log). */
export async function waitHealthy(members: EtcdMember[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = members.find((m) => m.process.exitCode !== null);
    if (dead)
      throw new Error(`etcd member ${dead.name} exited (${dead.process.exitCode}):\n${dead.log().slice(-3000)}`);
    try {
      await etcdctl(
        ['endpoint', 'health'],
        members.map((m) => m.clientUrl),
      );
      return;
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(
          `etcd did not become healthy: ${(e as Error).message}\n${members.map((m) => m.log().slice(-1500)).join('\n')}`,
        );
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A new cluster of `size` members (1 or 3) in a temp dir, healthy when this resolves. */
export async function startEtcdCluster(
  size: 1 | 3 = 1,
  opts: { token?: string; prefix?: string } = {},
): Promise<EtcdCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-etcd-'));
  const ports = await freePorts(size * 2);
  const specs: MemberSpec[] = Array.from({ length: size }, (_, i) => ({
    name: `${opts.prefix ?? 'm'}${i + 1}`,
    clientPort: ports[i * 2]!,
    peerPort: ports[i * 2 + 1]!,
    dataDir: join(dir, `data-${i + 1}`),
  }));
  const initialCluster = specs.map((s) => `${s.name}=${url(s.peerPort)}`).join(',');
  const token = opts.token ?? `test-${process.pid}-${Date.now()}`;
  const members = specs.map((s) => spawnMember(s, { cluster: initialCluster, token }));
  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((m) => m.clientUrl),
    initialCluster,
    dir,
    stop: async () => {
      await Promise.all(members.map((m) => m.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitHealthy(members);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

/** Every key and value under a prefix (default all keys), as a plain object. */
export async function dumpKeys(endpoints: string[], prefix = '\0'): Promise<Record<string, string>> {
  const args = prefix === '\0' ? ['get', '', '--from-key', '-w', 'json'] : ['get', prefix, '--prefix', '-w', 'json'];
  const { stdout } = await etcdctl(args, endpoints);
  const kvs = (JSON.parse(stdout) as { kvs?: { key: string; value: string }[] }).kvs ?? [];
  const dec = (b: string) => Buffer.from(b, 'base64').toString('utf8');
  return Object.fromEntries(kvs.map((kv) => [dec(kv.key), dec(kv.value)]));
}
