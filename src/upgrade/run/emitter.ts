/**
 * The run's event function and its run log (`<plan>.log`): events are stamped, logged as JSON lines and handed
 * to the sink. It never prints and never decides anything.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { EventSink } from './events.js';
import type { EventBody } from './context.js';

/** `<plan>.log` next to the state file: every event as a JSON line (mode 0600). */
export function runLogPath(statePath: string): string {
  return statePath.replace(/\.state\.json$/, '.log');
}

/**
 * The run's event function: each event gets its time, goes as a JSON line to the run log and then to the
 * sink. The lines of one event-loop turn are appended with one write on the next turn (one descriptor kept
 * open — a 500-node run writes tens of thousands of lines); a process killed outright loses at most that
 * turn's lines of this convenience log, never the journal. `close()` writes what is pending and releases the
 * descriptor; a later event opens it again.
 */
export function makeEmitter(logPath: string, sink: EventSink): ((e: EventBody) => void) & { close(): void } {
  let fd: number | undefined;
  let pending: string[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    scheduled = undefined;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    try {
      fd ??= openSync(logPath, 'a', 0o600);
      writeSync(fd, text);
    } catch {
      // The run log is a convenience; the journal is the record.
    }
  };
  const emit = (e: EventBody) => {
    const ev = { ...e, at: new Date().toISOString() } as Parameters<EventSink>[0];
    pending.push(`${JSON.stringify(ev)}\n`);
    scheduled ??= setImmediate(flush);
    sink(ev);
  };
  const close = () => {
    if (scheduled) clearImmediate(scheduled);
    flush();
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return Object.assign(emit, { close });
}
