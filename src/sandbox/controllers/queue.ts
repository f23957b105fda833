/**
 * A de-duplicating work queue: store listeners only `add()` keys (cheap and synchronous), and the handler runs
 * later on a `setImmediate` batch, so a controller never writes to the store from inside a store listener and
 * bursts of events for one object collapse into one sync. Errors in a handler are reported, not thrown, so one
 * bad object cannot stop a controller.
 */

export type ErrorReporter = (controller: string, key: string, err: unknown) => void;

export class WorkQueue<K = string> {
  private pending = new Set<K>();
  private handle: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly handler: (key: K) => void,
    private readonly report: ErrorReporter,
  ) {}

  add(key: K): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.handle) this.handle = setImmediate(() => this.run());
  }

  get size(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.handle) clearImmediate(this.handle);
    this.handle = undefined;
    this.pending.clear();
  }

  private run(): void {
    this.handle = undefined;
    const keys = this.pending;
    this.pending = new Set();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.handler(key);
      } catch (err) {
        this.report(this.name, String(key), err);
      }
    }
  }
}

/** Coalesces many requests for "do it again" into one run on the next batch. */
export class Trigger {
  private handle: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly fn: () => void,
    private readonly report: ErrorReporter,
  ) {}

  fire(): void {
    if (this.stopped || this.handle) return;
    this.handle = setImmediate(() => {
      this.handle = undefined;
      try {
        this.fn();
      } catch (err) {
        this.report(this.name, '*', err);
      }
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.handle) clearImmediate(this.handle);
    this.handle = undefined;
  }
}
