/**
 * The sandbox's etcd member as a child process: `etcd` from the PATH on free loopback ports, one member named
 * after the first control-plane node, its data dir under the sandbox's work dir; started and stopped by PID.
 * Also the offline `etcdctl snapshot status/restore` steps an operator runs on a control-plane node. Never
 * runs through a shell; never touches the default ports 2379/2380.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { EtcdGateway } from './gateway.js';

export class EtcdProcessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EtcdProcessError';
  }
}

export interface EtcdMemberConfig {
  member: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  /** Sent as --initial-cluster-token when the data dir is new. */
  clusterToken: string;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills etcd children still running when this process exits, so an aborted sandbox leaves no etcd behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

/** Two free loopback ports (client, peer). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export function peerUrl(c: EtcdMemberConfig): string {
  return `http://127.0.0.1:${c.peerPort}`;
}

export function clientUrl(c: EtcdMemberConfig): string {
  return `http://127.0.0.1:${c.clientPort}`;
}

/** A running etcd member. */
export class EtcdProcess {
  private stderrTail = '';
  private exited: Promise<void>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly config: EtcdMemberConfig,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        this.exitCode = code;
        running.delete(child);
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts etcd on `config` and waits until /health answers true (at most `timeoutMs`). */
  static async start(config: EtcdMemberConfig, timeoutMs = 20_000): Promise<EtcdProcess> {
    installExitHook();
    const args = [
      '--name',
      config.member,
      '--data-dir',
      config.dataDir,
      '--logger=zap',
      '--log-outputs=stderr',
      '--listen-client-urls',
      clientUrl(config),
      '--advertise-client-urls',
      clientUrl(config),
      '--listen-peer-urls',
      peerUrl(config),
      '--initial-advertise-peer-urls',
      peerUrl(config),
      '--initial-cluster',
      `${config.member}=${peerUrl(config)}`,
      '--initial-cluster-state',
      'new',
      '--initial-cluster-token',
      config.clusterToken,
    ];
    let child: ChildProcess;
    try {
      child = spawn('etcd', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ETCDCTL_API: '3' } });
    } catch (e) {
      throw new EtcdProcessError(
        `cannot start etcd: ${(e as Error).message}. Install it (Debian: apt-get install etcd-server etcd-client)`,
        { cause: e },
      );
    }
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const p = new EtcdProcess(config, child);
    const gw = new EtcdGateway(clientUrl(config));
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(r, 50))]);
        if (failed) {
          const missing = (failed as NodeJS.ErrnoException).code === 'ENOENT';
          throw new EtcdProcessError(
            missing
              ? 'etcd is not on the PATH: install it (Debian: apt-get install etcd-server etcd-client) to run the sandbox with --etcd'
              : `cannot start etcd: ${failed.message}`,
            { cause: failed },
          );
        }
        if (p.exitCode !== undefined)
          throw new EtcdProcessError(`etcd exited with code ${p.exitCode} before it was healthy: ${p.tail()}`);
        if (await gw.healthy()) return p;
        if (Date.now() > deadline) {
          await p.stop();
          throw new EtcdProcessError(`etcd on ${clientUrl(config)} was not healthy after ${timeoutMs} ms: ${p.tail()}`);
        }
      }
    } finally {
      gw.close();
    }
  }

  tail(): string {
    return this.stderrTail.trim().split('\n').slice(-5).join('\n');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function etcdctl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'etcdctl',
      args,
      { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
          reject(
            new EtcdProcessError(
              missing
                ? 'etcdctl is not on the PATH: install it (Debian: apt-get install etcd-client)'
                : `etcdctl ${args[0]} ${args[1] ?? ''} failed: ${(stderr || err.message).trim()}`,
              { cause: err },
            ),
          );
        } else resolve({ stdout, stderr });
      },
    );
  });
}

/** `etcdctl snapshot status FILE -w json`: the snapshot's revision and key count; fails for a missing or corrupt file. */
export async function snapshotStatus(
  file: string,
): Promise<{ hash: number; revision: number; totalKey: number; totalSize: number }> {
  if (!existsSync(file)) throw new EtcdProcessError(`snapshot file ${file} does not exist`);
  const { stdout } = await etcdctl(['snapshot', 'status', file, '-w', 'json']);
  try {
    return JSON.parse(stdout);
  } catch (e) {
    throw new EtcdProcessError(`etcdctl snapshot status ${file} printed no JSON: ${stdout.slice(0, 200)}`, {
      cause: e,
    });
  }
}

/** `etcdctl snapshot restore` into `config.dataDir` (which must not exist), as the member `config` describes. */
export async function snapshotRestore(file: string, config: EtcdMemberConfig): Promise<void> {
  await etcdctl([
    'snapshot',
    'restore',
    file,
    '--name',
    config.member,
    '--data-dir',
    config.dataDir,
    '--initial-cluster',
    `${config.member}=${peerUrl(config)}`,
    '--initial-advertise-peer-urls',
    peerUrl(config),
    '--initial-cluster-token',
    config.clusterToken,
  ]);
}
