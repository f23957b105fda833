/**
 * Verifies a snapshot file before anyone trusts it: the integrity hash etcd appended, `snapshot status -w json`
 * (hash, revision, keys, size), and, given the record made when it was taken, the same sha256 and revision.
 * A file that fails is refused with a SnapshotVerificationError that says what to do.
 */
import { stat } from 'node:fs/promises';
import { ETCDCTL_ENV, snapshotStatusArgv } from './argv.js';
import { detectTools } from './detect-tools.js';
import { SnapshotVerificationError, outputTail, type VerificationFailure } from './errors.js';
import { checkEmbeddedHash, sha256File } from './integrity.js';
import { parseSnapshotStatus } from './parse.js';
import type { CommandRunner, EtcdTools, SnapshotRecord, SnapshotStatus } from './types.js';

export interface VerifiedSnapshot extends SnapshotStatus {
  sha256: string;
  sizeBytes: number;
}

export interface VerifyOptions {
  /** From `detectTools` (detected on the runner when absent). */
  tools?: EtcdTools;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DO_NEXT =
  'Do not restore from this file: use another verified copy, or take a new snapshot while etcd is healthy.';

const fail = (path: string, reason: VerificationFailure, what: string, cause?: unknown): SnapshotVerificationError =>
  new SnapshotVerificationError(
    `etcd snapshot ${path} failed verification: ${what}. ${DO_NEXT}`,
    reason,
    path,
    cause === undefined ? undefined : { cause },
  );

/** `snapshot status -w json` on a file on the runner's side. */
export async function snapshotStatus(
  path: string,
  runner: CommandRunner,
  tools: EtcdTools,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<SnapshotStatus> {
  const r = await runner.run(snapshotStatusArgv(tools, path), { ...opts, env: ETCDCTL_ENV });
  if (r.exitCode !== 0) {
    throw fail(
      path,
      'STATUS_FAILED',
      `\`snapshot status\` (${runner.where}) ${r.timedOut ? 'timed out' : `exited with code ${r.exitCode}`}${outputTail(r.stderr)}`,
    );
  }
  try {
    return parseSnapshotStatus(r.stdout);
  } catch (e) {
    throw fail(path, 'STATUS_FAILED', `\`snapshot status\` (${runner.where}) printed output this tool cannot read`, e);
  }
}

/**
 * Verifies the snapshot file at `path` on this machine (its bytes are read here; `snapshot status` runs through
 * `runner`, which must see the same path: use `localRunner()` for the operator's copy).
 */
export async function verifySnapshot(
  path: string,
  runner: CommandRunner,
  expected?: SnapshotRecord,
  opts: VerifyOptions = {},
): Promise<VerifiedSnapshot> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a regular file');
  } catch (e) {
    throw fail(path, 'NOT_FOUND', 'the file is missing or unreadable', e);
  }
  const { sha256, sizeBytes } = await sha256File(path);
  if (expected && expected.sha256 !== sha256) {
    throw fail(
      path,
      'SHA256_MISMATCH',
      `its sha256 ${sha256} (${sizeBytes} bytes) is not the ${expected.sha256} (${expected.sizeBytes} bytes) recorded when it was taken at ${expected.takenAt}`,
    );
  }
  const integrity = await checkEmbeddedHash(path);
  if (!integrity.ok) throw fail(path, integrity.reason, integrity.detail);

  const tools = opts.tools ?? (await detectTools(runner, { signal: opts.signal }));
  const status = await snapshotStatus(path, runner, tools, {
    timeoutMs: opts.timeoutMs ?? 60_000,
    signal: opts.signal,
  });
  if (expected && expected.revision !== status.revision) {
    throw fail(
      path,
      'REVISION_MISMATCH',
      `its revision ${status.revision} is not the ${expected.revision} recorded when it was taken`,
    );
  }
  if (expected && expected.hash !== status.hash) {
    throw fail(
      path,
      'HASH_MISMATCH',
      `its database hash ${status.hash} is not the ${expected.hash} recorded when it was taken`,
    );
  }
  return { ...status, sha256, sizeBytes };
}
