/**
 * The progress output of `apply`: one event sink per mode (the listr2 tree on a terminal, plain timestamped
 * lines in CI, JSON lines for `--log-format json`) behind one factory. The renderers consume the executor's
 * event stream and write only to the stream they are given; they must not decide anything about the run.
 */
import type { EventSink, NodeStep } from '../../../upgrade/run/index.js';
import { createJsonLinesSink } from './json-lines.js';
import { createPlainSink } from './plain-lines.js';
import type { ProgressMode } from './progress-mode.js';
import { createTreeRenderer } from './tty-tree.js';

export { progressMode, type ProgressFlag, type ProgressMode } from './progress-mode.js';
export { createPlainFormatter, HEARTBEAT_AFTER_MS, type PlainFormatter } from './plain-lines.js';
export { createEventContext, type EventWithContext } from './json-lines.js';
export { blockedText, clockOf, formatDuration, stampOf } from './format.js';

export interface ProgressRendererOptions {
  readonly mode: ProgressMode;
  readonly out: NodeJS.WritableStream;
  readonly color: boolean;
  /** Step limits shown in the plain lines' heartbeats (`still waiting for Ready: 2m10s/10m`). */
  readonly limits?: Partial<Record<NodeStep, number>>;
}

export interface ProgressRenderer {
  /** Feed every event of the run here (synchronous, never throws for a well-formed event). */
  readonly sink: EventSink;
  /** Ends the output — the live tree finishes even when the run stopped midway — and resolves once written. */
  close(): Promise<void>;
}

export const createProgressRenderer = (opts: ProgressRendererOptions): ProgressRenderer => {
  if (opts.mode === 'tty') return createTreeRenderer({ out: opts.out, color: opts.color });
  if (opts.mode === 'json') return { sink: createJsonLinesSink(opts.out), close: async () => undefined };
  const plain = createPlainSink(opts.out, { color: opts.color, ...(opts.limits ? { limits: opts.limits } : {}) });
  return { sink: plain.sink, close: async () => plain.dispose() };
};
