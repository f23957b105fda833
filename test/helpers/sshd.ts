/**
 * A real OpenSSH server for integration tests: Debian's `/usr/sbin/sshd -D -e` on a free unprivileged port on
 * loopback (one or more 127.0.0.N addresses), with its own host key and a client key pair made for the test,
 * public-key login only, and `SetEnv` so sessions find the test's shims first on PATH. Nothing is installed or
 * changed outside a temp dir, except `/run/sshd` (sshd's privilege-separation dir) when it is missing.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD_BINARY = '/usr/sbin/sshd';

const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const onPath = (name: string): boolean =>
  (process.env.PATH ?? '').split(':').some((d) => d && executable(join(d, name)));

/** Why the ssh tests cannot run here, or undefined when sshd, ssh and ssh-keygen are all present. */
export function sshdMissing(): string | undefined {
  const missing = [
    !executable(SSHD_BINARY) && SSHD_BINARY,
    !onPath('ssh') && 'ssh',
    !onPath('ssh-keygen') && 'ssh-keygen',
  ].filter(Boolean);
  return missing.length
    ? `${missing.join(', ')} not installed (apt-get install openssh-server openssh-client)`
    : undefined;
}

export interface TestSshd {
  port: number;
  dir: string;
  user: string;
  /** The private key authorized for `user`. */
  clientKey: string;
  /** The server's public host key line (`ssh-ed25519 AAAA…`). */
  hostPublicKey: string;
  /** A known_hosts line for `address` (with the port, as ssh writes it). */
  knownHostsLine(address: string): string;
  /** sshd's own log (stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface TestSshdOptions {
  /** Loopback addresses to listen on (default 127.0.0.1). */
  addresses?: string[];
  /** Environment for every session (`SetEnv`), e.g. PATH with a shim dir first. Values must not contain spaces or quotes. */
  env?: Record<string, string>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startTestSshd(opts: TestSshdOptions = {}): Promise<TestSshd> {
  const why = sshdMissing();
  if (why) throw new Error(`cannot start sshd: ${why}`);
  const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-sshd-'));
  const user = userInfo().username;
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const clientKey = join(dir, 'client_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'k8s-upgrade-test-host', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'k8s-upgrade-test-client', '-f', clientKey]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`, 'utf8'), { mode: 0o600 });
  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch (e) {
    throw new Error(
      `sshd needs its privilege-separation dir /run/sshd; create it (as root: mkdir -p /run/sshd): ${(e as Error).message}`,
      { cause: e },
    );
  }

  const addresses = opts.addresses ?? ['127.0.0.1'];
  const env = Object.entries(opts.env ?? {});
  for (const [k, v] of env) if (/[\s"']/.test(k + v)) throw new Error(`SetEnv ${k}: no spaces or quotes allowed`);

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = [
      `Port ${port}`,
      ...addresses.map((a) => `ListenAddress ${a}:${port}`),
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `AllowUsers ${user}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PrintMotd no',
      'PrintLastLog no',
      'UseDNS no',
      'LogLevel VERBOSE',
      ...(env.length ? [`SetEnv ${env.map(([k, v]) => `${k}=${v}`).join(' ')}`] : []),
      '',
    ].join('\n');
    const configPath = join(dir, 'sshd_config');
    writeFileSync(configPath, config);
    const child = spawn(SSHD_BINARY, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => (log += d));
    try {
      await waitListening(child, () => log, addresses.length);
    } catch (e) {
      lastError = e as Error;
      child.kill('SIGKILL');
      continue;
    }
    return {
      port,
      dir,
      user,
      clientKey,
      hostPublicKey,
      knownHostsLine: (address) => `[${address}]:${port} ${hostPublicKey}`,
      log: () => log,
      stop: () => stopSshd(child, dir),
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError ?? new Error('sshd did not start');
}

function waitListening(child: ChildProcess, log: () => string, listeners: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => done(new Error(`sshd did not start within 10 s:\n${log()}`)), 10_000);
    const poll = setInterval(() => {
      if ((log().match(/Server listening on/g) ?? []).length >= listeners) done();
    }, 20);
    const onExit = (code: number | null) => done(new Error(`sshd exited (${code}) before listening:\n${log()}`));
    child.once('exit', onExit);
    function done(err?: Error) {
      clearTimeout(deadline);
      clearInterval(poll);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
  });
}

async function stopSshd(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
    });
  }
  rmSync(dir, { recursive: true, force: true });
}
