/**
 * Takes a verified etcd snapshot: picks ONE healthy member, runs `etcdctl snapshot save` where the runner runs
 * (into a fresh temp dir there), brings the file to the operator's directory under a temp name (mode 0600),
 * verifies it (etcd's integrity hash, `snapshot status`, sha256), then gives it its final name. Never overwrites.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, rm, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ETCDCTL_ENV, snapshotSaveArgv } from './argv.js';
import { detectTools } from './detect-tools.js';
import { EtcdError, SnapshotVerificationError, outputTail } from './errors.js';
import { endpointHealth } from './health.js';
import { checkEmbeddedHash, sha256File } from './integrity.js';
import { snapshotStatus, verifySnapshot } from './verify.js';
import type { CommandRunner, EtcdConnection, EtcdTools, SnapshotRecord, SnapshotStatus } from './types.js';

export interface SaveSnapshotOptions {
  /** Limit for each step (health check, save, fetch, status). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The time recorded as `takenAt` (default now). */
  now?: Date;
  /** Recorded as `takenOn` (default `runner.where`). */
  takenOn?: string;
  tools?: EtcdTools;
  /** Per-endpoint limit of the health check that picks the member (default 5 s). */
  endpointTimeoutMs?: number;
  /**
   * A folder on the runner's side (a control-plane node over ssh) where a copy of the verified snapshot stays
   * (mode 0600), so a lost runner does not lose the only copy. Ignored for the local runner. A copy that cannot
   * be kept is not an error: the record then has no `nodeCopy`.
   */
  keepRemoteCopyIn?: string;
}

const saveError = (msg: string, cause?: unknown): EtcdError =>
  new EtcdError(msg, 'SAVE_FAILED', cause === undefined ? undefined : { cause });

export async function saveSnapshot(
  conn: EtcdConnection,
  target: { dir: string; name: string },
  runner: CommandRunner,
  opts: SaveSnapshotOptions,
): Promise<SnapshotRecord> {
  if (!target.name || basename(target.name) !== target.name || target.name.startsWith('.')) {
    throw new TypeError(`snapshot name ${JSON.stringify(target.name)} must be a plain file name`);
  }
  const step = { timeoutMs: opts.timeoutMs, signal: opts.signal };
  const tools = opts.tools ?? (await detectTools(runner, { signal: opts.signal }));

  const health = await endpointHealth(conn, runner, {
    tools,
    timeoutMs: opts.timeoutMs,
    endpointTimeoutMs: opts.endpointTimeoutMs,
    signal: opts.signal,
  });
  const healthy = health.filter((h) => h.healthy).map((h) => h.endpoint);
  if (healthy.length === 0) {
    throw new EtcdError(
      `no etcd member is healthy, so no snapshot was taken (${health.map((h) => `${h.endpoint}: ${h.error ?? 'unhealthy'}`).join('; ')}). ` +
        'Fix etcd (or the endpoints and certificate paths) and re-run; nothing was changed.',
      'UNHEALTHY',
    );
  }

  const finalPath = resolve(target.dir, target.name);
  await mkdir(target.dir, { recursive: true, mode: 0o700 });
  const partial = join(resolve(target.dir), `.${target.name}.partial-${randomBytes(6).toString('hex')}`);

  const tmp = await runner.run(['mktemp', '-d'], { ...step });
  const remoteDir = tmp.stdout.trim();
  if (tmp.exitCode !== 0 || !remoteDir.startsWith('/')) {
    throw saveError(
      `could not make a temp directory (${runner.where}) for the snapshot: mktemp -d exited with code ${tmp.exitCode}.${outputTail(tmp.stderr)}`,
    );
  }
  const remoteFile = `${remoteDir}/snapshot.db`;
  try {
    let endpoint: string | undefined;
    const failures: string[] = [];
    for (const candidate of healthy) {
      const r = await runner.run(snapshotSaveArgv(tools, conn, candidate, remoteFile, { dialTimeoutMs: 3_000 }), {
        ...step,
        env: ETCDCTL_ENV,
      });
      if (r.aborted) throw saveError(`the etcd snapshot (${runner.where}) was aborted; no snapshot was kept.`);
      if (r.exitCode === 0) {
        endpoint = candidate;
        break;
      }
      failures.push(`${candidate}: ${r.timedOut ? 'timed out' : `exit code ${r.exitCode}`}${outputTail(r.stderr, 3)}`);
    }
    if (!endpoint) {
      throw saveError(
        `etcdctl snapshot save failed on every healthy member (${runner.where}):\n  ${failures.join('\n  ')}\nCheck disk space where etcdctl runs and the certificate paths, then re-run.`,
      );
    }

    let status: SnapshotStatus;
    if (runner.where === 'local') {
      await fetchTo(runner, remoteFile, partial, step);
      status = await verifySnapshot(partial, runner, undefined, { tools, ...step });
    } else {
      status = await snapshotStatus(remoteFile, runner, tools, step);
      const remoteSha = await runner.run(['sha256sum', '--', remoteFile], step);
      await fetchTo(runner, remoteFile, partial, step);
      const integrity = await checkEmbeddedHash(partial);
      if (!integrity.ok) {
        throw new SnapshotVerificationError(
          `the snapshot copied from ${runner.where} to ${finalPath} is not intact: ${integrity.detail}. Re-run to take it again.`,
          integrity.reason,
          partial,
        );
      }
      const local = await sha256File(partial);
      const theirs = remoteSha.exitCode === 0 ? /^[0-9a-f]{64}/.exec(remoteSha.stdout)?.[0] : undefined;
      if (theirs !== undefined && theirs !== local.sha256) {
        throw new SnapshotVerificationError(
          `the snapshot copied from ${runner.where} differs from the file there (sha256 ${local.sha256} ≠ ${theirs}). Re-run to take it again.`,
          'SHA256_MISMATCH',
          partial,
        );
      }
    }
    const { sha256, sizeBytes } = await sha256File(partial);
    const nodeCopy =
      runner.where !== 'local' && opts.keepRemoteCopyIn
        ? await keepRemoteCopy(runner, remoteFile, opts.keepRemoteCopyIn, target.name, step)
        : undefined;
    try {
      await link(partial, finalPath);
    } catch (e) {
      const exists = (e as NodeJS.ErrnoException).code === 'EEXIST';
      throw saveError(
        exists
          ? `${finalPath} already exists; a snapshot is never overwritten: choose another name or move the old file.`
          : `could not name the snapshot ${finalPath}: ${(e as Error).message}`,
        e,
      );
    }
    await unlink(partial);
    await chmod(finalPath, 0o600);
    return {
      path: finalPath,
      hash: status.hash,
      revision: status.revision,
      totalKeys: status.totalKeys,
      totalSize: status.totalSize,
      sha256,
      sizeBytes,
      takenAt: (opts.now ?? new Date()).toISOString(),
      endpoint,
      takenOn: opts.takenOn ?? runner.where,
      tool: tools.etcdutl ? `etcdctl+etcdutl ${tools.version}` : `etcdctl ${tools.version}`,
      verified: true,
      ...(nodeCopy ? { nodeCopy } : {}),
    };
  } finally {
    await rm(partial, { force: true });
    await runner.run(['rm', '-rf', '--', remoteDir], { timeoutMs: opts.timeoutMs }).catch(() => undefined);
  }
}

/** Moves the verified file into `dir` on the runner's side; its path there, or undefined when that failed. */
async function keepRemoteCopy(
  runner: CommandRunner,
  remoteFile: string,
  dir: string,
  name: string,
  step: { timeoutMs: number; signal?: AbortSignal },
): Promise<string | undefined> {
  const dest = `${dir.replace(/\/+$/, '')}/${name}`;
  const mkdir = await runner.run(['mkdir', '-p', '-m', '0700', '--', dir], step).catch(() => undefined);
  if (mkdir?.exitCode !== 0) return undefined;
  const mv = await runner.run(['mv', '-n', '--', remoteFile, dest], step).catch(() => undefined);
  if (mv?.exitCode !== 0) return undefined;
  await runner.run(['chmod', '0600', '--', dest], step).catch(() => undefined);
  return dest;
}

async function fetchTo(
  runner: CommandRunner,
  remoteFile: string,
  localPath: string,
  step: { timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  try {
    await runner.fetch(remoteFile, localPath, step);
    await chmod(localPath, 0o600);
  } catch (e) {
    throw saveError(
      `could not copy the snapshot from ${runner.where} to ${localPath}: ${(e as Error).message}. Check the disk space and permissions of the snapshot directory, then re-run.`,
      e,
    );
  }
}
