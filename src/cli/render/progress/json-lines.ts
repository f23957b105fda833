/**
 * The JSON-line renderer (`--log-format json`): each event, one JSON object per line, nothing else on the stream,
 * so a log can be parsed back into the events. Every line also carries the run's context — `runId`, `cluster` and
 * the `phase` of the event (pod and driver events name only their node; the renderer knows the node's phase) — so
 * a line read on its own, or from many runs interleaved, says where it belongs. Schema: `schemas/events.schema.json`.
 */
import type { EventSink, UpgradeEvent } from '../../../upgrade/run/index.js';

/** An event with the run's context, as a JSON line carries it: `type`, `at`, `runId`, `cluster`, `phase` first. */
export type EventWithContext = UpgradeEvent & { runId?: string; cluster?: string; phase?: string };

/** Adds the run's context to each event (remembering the run id, the cluster and each node's phase). */
export function createEventContext(): (e: UpgradeEvent) => EventWithContext {
  let runId: string | undefined;
  let cluster: string | undefined;
  const phaseOf = new Map<string, string>();
  return (e) => {
    if (e.type === 'run-started') {
      runId = e.runId;
      cluster = e.cluster;
    }
    const node = 'node' in e ? e.node : undefined;
    const own = 'phase' in e && typeof e.phase === 'string' ? e.phase : undefined;
    if (node && own) phaseOf.set(node, own);
    const phase = own ?? (node ? phaseOf.get(node) : undefined);
    const { type, at, ...rest } = e as UpgradeEvent & Record<string, unknown>;
    return {
      type,
      at,
      ...(runId ? { runId } : {}),
      ...(cluster ? { cluster } : {}),
      ...(phase ? { phase } : {}),
      ...rest,
    } as EventWithContext;
  };
}

/** `--log-format json`: the event with its context, one JSON object per line. */
export const createJsonLinesSink = (out: NodeJS.WritableStream): EventSink => {
  const withContext = createEventContext();
  return (e) => {
    out.write(`${JSON.stringify(withContext(e))}\n`);
  };
};
