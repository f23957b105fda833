/**
 * Atomic file writes off the event loop, in one worker thread: the durable write of upgrade/durable-write.ts (temp
 * file, mode 0600, must not exist; write, fsync, rename over the target, fsync of the folder) as one message, so a
 * write costs the executor one hand-off instead of six thread-pool round trips through a loop that is busy with
 * hundreds of drains. Writes are done in the order they are posted. The worker runs plain Node (no project
 * modules: it is given the source of `durableWriteSync`, which uses only its parameters), so it starts the same
 * from the compiled CLI and from the TypeScript sources; it keeps the process alive only while a write is pending.
 */
import { Worker } from 'node:worker_threads';
import { durableWriteSync } from '../durable-write.js';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const durableWriteSync = ${durableWriteSync.toString()};
parentPort.on('message', ({ id, file, tmp, bytes }) => {
  try {
    durableWriteSync(fs, path, file, tmp, bytes, 0o600);
  } catch (e) {
    parentPort.postMessage({ id, error: { message: e.message, code: e.code } });
    return;
  }
  parentPort.postMessage({ id });
});
`;

interface Reply {
  id: number;
  error?: { message: string; code?: string };
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

function start(): Worker {
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
    else p.resolve();
  });
  const fail = (e: Error) => {
    if (worker === w) worker = undefined;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the file-writer thread exited (code ${code})`)));
  w.unref();
  return w;
}

/**
 * Writes `data` to `file` through `tmp` (same folder) atomically and durably; resolves once renamed and
 * synced. Rejects with the fs error (its `code` kept) when the temp file cannot be created, written or renamed.
 */
export function writeFileAtomically(file: string, tmp: string, data: string): Promise<void> {
  const w = (worker ??= start());
  const id = nextId++;
  // Encoded here and its memory handed over, not copied: cloning a string of a few hundred KB into the
  // message cost milliseconds per write on the executor's thread.
  const bytes = new TextEncoder().encode(data);
  return new Promise<void>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, file, tmp, bytes }, [bytes.buffer]);
  });
}
