/**
 * Checks a snapshot file on this machine without etcd: its sha256, and the integrity hash `snapshot save`
 * appends (the last 32 bytes are the sha256 of the bolt database before them; the database is a whole number
 * of 512-byte blocks). This catches truncated and corrupted copies that `snapshot status` alone accepts.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';

const HASH_LEN = 32;

export async function sha256File(path: string): Promise<{ sha256: string; sizeBytes: number }> {
  const h = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), sizeBytes };
}

export type IntegrityResult =
  { ok: true } | { ok: false; reason: 'TRUNCATED' | 'NO_INTEGRITY_HASH' | 'CORRUPT'; detail: string };

/** Whether the file ends with the sha256 of the rest, as files from `etcdctl snapshot save` do. */
export async function checkEmbeddedHash(path: string): Promise<IntegrityResult> {
  const { size } = await stat(path);
  if (size < 512 + HASH_LEN)
    return { ok: false, reason: 'TRUNCATED', detail: `${size} bytes is too small for an etcd snapshot` };
  if (size % 512 !== HASH_LEN) {
    return {
      ok: false,
      reason: size % 512 === 0 ? 'NO_INTEGRITY_HASH' : 'TRUNCATED',
      detail:
        size % 512 === 0
          ? 'it has no integrity hash (a raw copy of member/snap/db, not a file from `etcdctl snapshot save`)'
          : `its size ${size} is not a whole database plus the 32-byte integrity hash (the file is cut short or has extra bytes)`,
    };
  }
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { start: 0, end: size - HASH_LEN - 1 })) h.update(chunk as Buffer);
  const fh = await open(path, 'r');
  const tail = Buffer.alloc(HASH_LEN);
  try {
    await fh.read(tail, 0, HASH_LEN, size - HASH_LEN);
  } finally {
    await fh.close();
  }
  return h.digest().equals(tail)
    ? { ok: true }
    : { ok: false, reason: 'CORRUPT', detail: 'its content does not match the integrity hash etcd wrote at its end' };
}
