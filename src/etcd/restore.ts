/**
 * Restores one etcd member's data directory from a snapshot file (offline: etcd on that member must be stopped,
 * and every member is restored from the SAME file with its own name, peer URL and data dir). The data dir must
 * be new or empty: a restore never writes over existing etcd data.
 */
import { ETCDCTL_ENV, restoreArgv } from './argv.js';
import { EtcdError, outputTail } from './errors.js';
import type { CommandRunner, EtcdTools, RestoreMember } from './types.js';

export interface RestoreOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface RestoreResult {
  member: string;
  dataDir: string;
  /** What ran (paths and URLs only). */
  argv: string[];
}

const restoreError = (member: RestoreMember, what: string, cause?: unknown): EtcdError =>
  new EtcdError(
    `restore of etcd member ${member.name} into ${member.dataDir} ${what}`,
    'RESTORE_FAILED',
    cause === undefined ? undefined : { cause },
  );

export async function restoreSnapshot(
  tools: EtcdTools,
  snapshotPath: string,
  member: RestoreMember,
  runner: CommandRunner,
  opts: RestoreOptions,
): Promise<RestoreResult> {
  let argv: string[];
  try {
    argv = restoreArgv(tools, snapshotPath, member);
  } catch (e) {
    throw restoreError(
      member,
      `was refused: ${(e as Error).message}; fix the member settings. Nothing was changed.`,
      e,
    );
  }
  const step = { timeoutMs: opts.timeoutMs, signal: opts.signal };

  // The data dir must not exist, or be empty (etcd 3.4 refuses even an empty one: it is removed first).
  const ls = await runner.run(['ls', '-A', '--', member.dataDir], step);
  if (ls.exitCode === 0 && ls.stdout.trim() !== '') {
    throw restoreError(
      member,
      `was refused: ${member.dataDir} already exists and is not empty (${runner.where}). A restore only writes a NEW data dir: ` +
        'choose a new path (and point etcd at it), or move the old directory away yourself once you are sure it is not needed. Nothing was changed.',
    );
  }
  if (ls.exitCode === 0) {
    const rmdir = await runner.run(['rmdir', '--', member.dataDir], step);
    if (rmdir.exitCode !== 0)
      throw restoreError(
        member,
        `failed: the empty directory could not be replaced (${runner.where}).${outputTail(rmdir.stderr)}`,
      );
  } else if (!/no such file|cannot access/i.test(ls.stderr)) {
    throw restoreError(
      member,
      `was refused: ${member.dataDir} could not be read (${runner.where}); check the path and permissions.${outputTail(ls.stderr)}`,
    );
  }

  const r = await runner.run(argv, { ...step, env: ETCDCTL_ENV });
  if (r.exitCode !== 0) {
    const how = r.aborted ? 'was aborted' : r.timedOut ? 'timed out' : `failed with exit code ${r.exitCode}`;
    throw restoreError(
      member,
      `${how} (${runner.where}). Verify the snapshot (verifySnapshot) and the member settings; remove the partial ${member.dataDir} before retrying.${outputTail(r.stderr)}`,
    );
  }
  return { member: member.name, dataDir: member.dataDir, argv };
}
