/**
 * The JSON-line renderer (`--log-format json`): exactly each event, one JSON object per line, nothing else on
 * the stream, so a log can be parsed back into the events.
 */
import type { EventSink } from '../../../upgrade/run/index.js';

/** `--log-format json`: exactly the event, one JSON object per line. */
export const createJsonLinesSink =
  (out: NodeJS.WritableStream): EventSink =>
  (e) => {
    out.write(`${JSON.stringify(e)}\n`);
  };
