/**
 * Reusable buffers for the chunks of streamed protobuf lists. A 5,000-node pod list sends ~120 MB in chunks of a
 * few hundred KB; allocating each chunk afresh made V8 count that much new external memory and run full
 * collections of the sandbox's 1.5 GB heap mid-list (pauses of ~250 ms that every client waited through). A chunk
 * goes back to the pool once the socket has taken it (the write's callback). (JSON lists are written as strings,
 * which live on the heap and do not count as external memory.)
 */

/** Chunks kept for reuse at most (a few lists stream at once; more are simply left to the collector). */
const MAX_POOLED = 32;

export class ChunkPool {
  private readonly free: Buffer[] = [];

  /** A buffer of at least `size` bytes (its first `size` bytes are the caller's to fill). */
  take(size: number): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      if (this.free[i]!.length >= size) return this.free.splice(i, 1)[0]!;
    }
    return Buffer.allocUnsafeSlow(Math.max(size, 256 * 1024));
  }

  give(buf: Buffer): void {
    if (this.free.length < MAX_POOLED) this.free.push(buf);
  }
}

/** The one pool of the sandbox's HTTP server. */
export const chunkPool = new ChunkPool();
