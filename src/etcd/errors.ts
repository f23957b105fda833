/**
 * The etcd module's typed errors. Every message says what failed and what to do next; none carries a
 * credential (certificates and keys appear as paths only, and etcdctl is never given a password).
 */
export type EtcdErrorCode = 'TOOL_MISSING' | 'UNHEALTHY' | 'SAVE_FAILED' | 'VERIFY_FAILED' | 'RESTORE_FAILED';

export class EtcdError extends Error {
  override readonly name: string = 'EtcdError';
  constructor(
    message: string,
    readonly code: EtcdErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why a snapshot file was refused. */
export type VerificationFailure =
  | 'NOT_FOUND'
  | 'TRUNCATED'
  | 'CORRUPT'
  | 'NO_INTEGRITY_HASH'
  | 'STATUS_FAILED'
  | 'SHA256_MISMATCH'
  | 'REVISION_MISMATCH'
  | 'HASH_MISMATCH';

/** A snapshot file that must not be trusted for a restore. */
export class SnapshotVerificationError extends EtcdError {
  override readonly name = 'SnapshotVerificationError';
  constructor(
    message: string,
    readonly reason: VerificationFailure,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, 'VERIFY_FAILED', options);
  }
}

/** The last lines of a program's output, for an error message. */
export const outputTail = (text: string, lines = 8): string => {
  const kept = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-lines);
  return kept.length ? `\n  ${kept.join('\n  ')}` : '';
};
