/**
 * A command runner over OpenSSH for the etcd module: runs an argv on a node (every word quoted for the remote
 * shell, `sudo -n` when the plan says so, batch mode and the plan's host key policy from ssh-args) and brings a
 * file back with `ssh … cat` into a local file created with mode 0600. Structurally the etcd module's
 * `CommandRunner`; this folder does not import src/etcd/ (the executor wires them together).
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import type { SshSettings } from '../plan/index.js';
import { shellJoin } from './shell-quote.js';
import { checkSshSettings, sshArgv, type SshClientOptions } from './ssh-args.js';
import { isSshAddress } from './validate.js';

export interface SshRunResult {
  /** The remote exit code (127: not installed there; 255: ssh itself failed or the connection was lost). */
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
  aborted?: boolean;
}

export interface SshRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Readonly<Record<string, string>>;
}

/** The shape of src/etcd's `CommandRunner`. */
export interface SshCommandRunner {
  readonly where: string;
  run(argv: readonly string[], opts: SshRunOptions): Promise<SshRunResult>;
  fetch(remotePath: string, localPath: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<void>;
}

export interface SshRunnerOptions extends SshClientOptions {
  readonly sshBinary?: string;
  /** Unused: `fetch` streams the file over ssh (`cat`), which also works with sudo. Kept for callers that pass it. */
  readonly scpBinary?: string;
  /** Shown in `where` (`ssh:<label>`), e.g. the node name (default the address). */
  readonly label?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KILL_GRACE_MS = 2_000;

/** The remote command string: `[sudo -n] [env K=V …] argv…`, every word quoted. */
export const sshRemoteCommand = (
  argv: readonly string[],
  sudo: boolean,
  env: Readonly<Record<string, string>> = {},
): string => {
  if (argv.length === 0) throw new TypeError('empty argv');
  const vars = Object.entries(env).map(([k, v]) => {
    if (!ENV_NAME.test(k)) throw new TypeError(`environment variable name ${JSON.stringify(k)} is not valid`);
    return `${k}=${v}`;
  });
  // `env` makes a missing program exit 127 under sudo too (sudo itself would exit 1).
  const words = [...(sudo ? ['sudo', '-n'] : []), ...(sudo || vars.length ? ['env', ...vars] : []), ...argv];
  return shellJoin(words);
};

export function sshRunner(settings: SshSettings, address: string, opts: SshRunnerOptions = {}): SshCommandRunner {
  checkSshSettings(settings);
  if (!isSshAddress(address)) throw new TypeError(`${JSON.stringify(address)} is not a host name or IP address`);
  const ssh = opts.sshBinary ?? 'ssh';
  const where = `ssh:${opts.label ?? address}`;
  const dest = `${settings.user}@${address}:${settings.port}`;

  const start = (remote: string, o: { timeoutMs: number; signal?: AbortSignal }, buffer: boolean) =>
    execa(ssh, sshArgv(settings, address, remote, opts), {
      shell: false,
      reject: false,
      stdin: 'ignore',
      buffer,
      timeout: o.timeoutMs,
      forceKillAfterDelay: KILL_GRACE_MS,
      ...(o.signal ? { cancelSignal: o.signal } : {}),
      stripFinalNewline: false,
      windowsHide: true,
    });

  return {
    where,
    async run(argv, o) {
      if (o.signal?.aborted)
        return { exitCode: 130, stdout: '', stderr: 'not started, the run was aborted', aborted: true };
      const r = await start(sshRemoteCommand(argv, settings.sudo, o.env), o, true);
      const stdout = typeof r.stdout === 'string' ? r.stdout : '';
      const stderr = typeof r.stderr === 'string' ? r.stderr : '';
      if (r.timedOut)
        return {
          exitCode: 124,
          stdout,
          stderr: `${stderr}\nssh to ${dest}: killed after ${Math.round(o.timeoutMs / 1000)} s (timeout)`,
          timedOut: true,
        };
      if (r.isCanceled)
        return {
          exitCode: 130,
          stdout,
          stderr: `${stderr}\nssh to ${dest}: killed, the run was aborted`,
          aborted: true,
        };
      if (r.exitCode === undefined) {
        const code = (r as { code?: string }).code;
        const why =
          code === 'ENOENT'
            ? `${ssh} was not found on this machine (install openssh-client)`
            : (r.shortMessage ?? 'ssh failed');
        return { exitCode: 255, stdout, stderr: `${stderr}\n${why}` };
      }
      return { exitCode: r.exitCode, stdout, stderr };
    },
    async fetch(remotePath, localPath, o) {
      const child = start(sshRemoteCommand(['cat', '--', remotePath], settings.sudo), o, false);
      let stderr = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
      const out = createWriteStream(localPath, { mode: 0o600, flags: 'w' });
      const copied = child.stdout
        ? pipeline(child.stdout, out).then(
            () => undefined,
            (e: unknown) => e,
          )
        : Promise.resolve(new Error('no stdout'));
      const r = await child;
      const copyError = await copied;
      if (r.exitCode !== 0 || r.timedOut || r.isCanceled || copyError) {
        await rm(localPath, { force: true });
        const how = r.timedOut
          ? 'timed out'
          : r.isCanceled
            ? 'was aborted'
            : r.exitCode !== undefined && r.exitCode !== 0
              ? `exited with code ${r.exitCode}`
              : `failed: ${(copyError as Error | undefined)?.message ?? r.shortMessage}`;
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        throw new Error(`copying ${remotePath} from ${dest} over ssh ${how}${tail ? `: ${tail}` : ''}`, {
          cause: copyError ?? undefined,
        });
      }
    },
  };
}
