/**
 * The one durable file write of the product (the run state, the plan file): a temp file in the target's folder
 * (created exclusively, mode 0600), the bytes written and fsynced, renamed over the target, then the folder
 * fsynced — so a crash or `kill -9` leaves the old file or the new one, never half of one, and the rename itself
 * survives a power cut. Synchronous on purpose: the state file's worker thread runs this very function (its
 * source is handed to the worker, see state-file-writer.ts), and the plan file is written once per `plan`.
 *
 * The body uses only its parameters (no imports, no inner functions): it must run unchanged from its source
 * text inside a worker that loads no project module.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file-system calls the write needs (node:fs); a parameter so the worker can pass its own. */
export type DurableFs = Pick<
  typeof fs,
  'openSync' | 'writeFileSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync'
>;

/**
 * Writes `bytes` to `file` through `tmp` (which must be in the same folder and must not exist), durably and
 * atomically, with mode `mode`. Throws the fs error (its `code` kept) when the temp file cannot be created,
 * written or renamed; the temp file is removed then. A folder that cannot be fsynced (some file systems) is not
 * an error: the rename is done.
 */
export function durableWriteSync(
  fsApi: DurableFs,
  pathApi: Pick<typeof path, 'dirname'>,
  file: string,
  tmp: string,
  bytes: string | Uint8Array,
  mode: number,
): void {
  try {
    const fd = fsApi.openSync(tmp, 'wx', mode);
    try {
      fsApi.writeFileSync(fd, bytes);
      fsApi.fsyncSync(fd);
    } finally {
      fsApi.closeSync(fd);
    }
    fsApi.renameSync(tmp, file);
  } catch (e) {
    try {
      fsApi.rmSync(tmp, { force: true });
    } catch {
      // the original error is the one to report
    }
    throw e;
  }
  try {
    const dir = fsApi.openSync(pathApi.dirname(file), 'r');
    try {
      fsApi.fsyncSync(dir);
    } finally {
      fsApi.closeSync(dir);
    }
  } catch {
    // the rename is done; a folder some file systems cannot fsync does not undo it
  }
}

/** A temp-file name next to `file`, unique in this process (hidden, so folder listings skip it). */
export function tempPathFor(file: string): string {
  const unique = `${process.pid}.${Date.now().toString(36)}.${(seq++).toString(36)}`;
  return path.join(path.dirname(file), `.${path.basename(file)}.${unique}.tmp`);
}

let seq = 0;

/** `durableWriteSync` with node:fs, mode 0600 unless told otherwise, through a fresh temp file. */
export function writeFileDurably(file: string, data: string | Uint8Array, mode = 0o600): void {
  durableWriteSync(fs, path, file, tempPathFor(file), data, mode);
}

/**
 * `writeFileDurably` without blocking the event loop: the same steps (temp file created exclusively, written,
 * fsynced, renamed, folder fsynced) through node:fs/promises, so the fsyncs run on libuv's thread pool. For
 * callers that write many files while other work is in flight (`fleet plan`: a plan file per cluster, with
 * other clusters being planned meanwhile).
 */
export async function writeFileDurablyAsync(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    const fh = await fs.promises.open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  try {
    const dir = await fs.promises.open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // the rename is done; a folder some file systems cannot fsync does not undo it
  }
}
