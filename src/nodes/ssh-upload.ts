/**
 * Copies one local file to a node over OpenSSH: the file is ssh's stdin and the remote side writes it with
 * `cat` under umask 077 (mode 0600 from the first byte, `sudo -n` when the plan says so), so no scp/sftp is
 * needed and sudo works. Also the file's sha256, computed here, for the node side to check the copy.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { execa } from 'execa';
import type { SshSettings } from '../plan/index.js';
import { shellJoin } from './shell-quote.js';
import { sshArgv, type SshClientOptions } from './ssh-args.js';

export interface SshUploadOptions extends SshClientOptions {
  readonly sshBinary?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Writes the remote file with mode 0600 (umask before the file exists). `$1` is the path. */
const WRITE = 'umask 077 && cat > "$1" && chmod 600 "$1"';
const KILL_GRACE_MS = 2_000;

/** The sha256 (hex) of a local file. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The remote command string of an upload. */
export const uploadCommand = (remotePath: string, sudo: boolean): string =>
  shellJoin([...(sudo ? ['sudo', '-n'] : []), 'sh', '-c', WRITE, 'sh', remotePath]);

/** Uploads `localPath` to `remotePath` on `address`. Throws an Error saying how it failed (the remote file may be partial). */
export async function sshUpload(
  settings: SshSettings,
  address: string,
  localPath: string,
  remotePath: string,
  opts: SshUploadOptions,
): Promise<void> {
  const ssh = opts.sshBinary ?? 'ssh';
  const dest = `${settings.user}@${address}:${settings.port}`;
  const r = await execa(ssh, sshArgv(settings, address, uploadCommand(remotePath, settings.sudo), opts), {
    shell: false,
    reject: false,
    inputFile: localPath,
    stdout: 'ignore',
    timeout: opts.timeoutMs,
    forceKillAfterDelay: KILL_GRACE_MS,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
    windowsHide: true,
  });
  if (r.exitCode === 0 && !r.timedOut && !r.isCanceled) return;
  const stderr = typeof r.stderr === 'string' ? r.stderr.trim().split('\n').slice(-3).join(' | ') : '';
  const how = r.timedOut
    ? `timed out after ${Math.round(opts.timeoutMs / 1000)} s`
    : r.isCanceled
      ? 'was aborted'
      : r.exitCode !== undefined
        ? `exited with code ${r.exitCode}${r.exitCode === 255 ? ' (ssh failed or lost the connection)' : ''}`
        : `failed: ${r.shortMessage}`;
  throw new Error(`copying ${localPath} to ${dest}:${remotePath} over ssh ${how}${stderr ? `: ${stderr}` : ''}`, {
    cause: r.cause,
  });
}
