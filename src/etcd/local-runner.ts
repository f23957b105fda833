/**
 * The `CommandRunner` for this machine: runs an argv through execa (never a shell), kills the process on
 * timeout or abort, and reports a missing program as exit code 127 like a shell would. `fetch` is a copy.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { resolve } from 'node:path';
import { execa } from 'execa';
import type { CommandRunner, RunOptions, RunResult } from './types.js';

const KILL_GRACE_MS = 2_000;

export function localRunner(): CommandRunner {
  return {
    where: 'local',
    async run(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
      const [file, ...args] = argv;
      if (!file) throw new TypeError('localRunner.run: empty argv');
      if (opts.signal?.aborted)
        return { exitCode: 130, stdout: '', stderr: `${file}: not started, the run was aborted`, aborted: true };
      const r = await execa(file, args, {
        shell: false,
        reject: false,
        stdin: 'ignore',
        timeout: opts.timeoutMs,
        forceKillAfterDelay: KILL_GRACE_MS,
        ...(opts.signal ? { cancelSignal: opts.signal } : {}),
        env: { ...opts.env },
        extendEnv: true,
        stripFinalNewline: false,
        windowsHide: true,
      });
      const stdout = typeof r.stdout === 'string' ? r.stdout : '';
      const stderr = typeof r.stderr === 'string' ? r.stderr : '';
      if (r.timedOut)
        return {
          exitCode: 124,
          stdout,
          stderr: `${stderr}\n${file}: killed after ${Math.round(opts.timeoutMs / 1000)} s (timeout)`,
          timedOut: true,
        };
      if (r.isCanceled)
        return { exitCode: 130, stdout, stderr: `${stderr}\n${file}: killed, the run was aborted`, aborted: true };
      if (r.exitCode === undefined) {
        const code = (r as { code?: string }).code;
        if (code === 'ENOENT') return { exitCode: 127, stdout, stderr: `${file}: command not found` };
        if (code === 'EACCES') return { exitCode: 126, stdout, stderr: `${file}: permission denied` };
        return {
          exitCode: 128 + 9,
          stdout,
          stderr: `${stderr}\n${file}: ${r.signal ? `killed by ${r.signal}` : (r.shortMessage ?? 'failed to start')}`,
        };
      }
      return { exitCode: r.exitCode, stdout, stderr };
    },
    async fetch(remotePath: string, localPath: string): Promise<void> {
      if (resolve(remotePath) === resolve(localPath)) return;
      // Written 0600 from the first byte (a copy would take the source's mode for a moment).
      await pipeline(createReadStream(remotePath), createWriteStream(localPath, { mode: 0o600 }));
      await chmod(localPath, 0o600);
    },
  };
}
