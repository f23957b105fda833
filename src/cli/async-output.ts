/**
 * Progress output that never stalls the run. Node writes to a pipe synchronously on Linux: when whoever reads
 * `apply`'s output (a CI log collector, `| tee`, a busy parent process) falls behind, every event line would
 * block the executor until the reader catches up — drains, watches and timers included. This writer queues
 * the lines and writes them to the file descriptor off the event loop (libuv's thread pool), in order, many
 * lines per write; `flush()` resolves once everything queued is written.
 */
import { write } from 'node:fs';
import { Writable } from 'node:stream';

/** Retry delay when the descriptor is non-blocking and the pipe is full (EAGAIN). */
const FULL_PIPE_RETRY_MS = 5;

export class AsyncFdOutput extends Writable {
  private queue: Buffer[] = [];
  private writing = false;
  private waiters: (() => void)[] = [];
  private broken = false;

  constructor(private readonly fd: number) {
    super({ decodeStrings: true });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    // Accepted at once: the caller (an event sink) must never wait on the reader.
    if (!this.broken) this.queue.push(chunk);
    done();
    this.pump();
  }

  /** Resolves when every line written so far has reached the descriptor (or the reader went away). */
  flush(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  private pump(): void {
    if (this.writing) return;
    if (this.queue.length === 0 || this.broken) {
      this.queue = [];
      for (const w of this.waiters.splice(0)) w();
      return;
    }
    const buf = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
    this.queue = [];
    this.writing = true;
    this.writeAll(buf, 0);
  }

  private writeAll(buf: Buffer, from: number): void {
    write(this.fd, buf, from, buf.length - from, null, (err, n) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') return void setTimeout(() => this.writeAll(buf, from), FULL_PIPE_RETRY_MS);
        // EPIPE and the like: the reader is gone; the run goes on without its output, as with process.stdout.
        this.broken = true;
      } else if (from + n < buf.length) return this.writeAll(buf, from + n);
      this.writing = false;
      this.pump();
    });
  }
}
