/**
 * Live progress of `fleet apply` off a terminal (the listr2 view on one is `fleet-tree.ts`): plain lines, each
 * cluster's events through the single-cluster plain formatter prefixed with `[cluster]`, the fleet's
 * own events as their own lines; or, for `--log-format json`, every event as one JSON line (cluster events carry
 * `cluster`). Returns a sink; the command decides where the text goes.
 */
import type { FleetEvent, FleetOwnEvent } from '../../fleet/apply/index.js';
import { createEventContext, createPlainFormatter } from './progress/index.js';
import { stampOf } from './progress/format.js';
import { makeStyle } from './style.js';

export function createFleetProgressSink(opts: {
  json: boolean;
  color: boolean;
  write: (line: string) => void;
}): (e: FleetEvent) => void {
  if (opts.json) {
    // Each cluster's events carry that cluster's run context (runId, phase), as a single apply's JSON lines do.
    const contexts = new Map<string, ReturnType<typeof createEventContext>>();
    return (e) => {
      if (e.type.startsWith('fleet-')) return opts.write(JSON.stringify(e));
      const c = (e as { cluster: string }).cluster;
      let withContext = contexts.get(c);
      if (!withContext) contexts.set(c, (withContext = createEventContext()));
      opts.write(JSON.stringify({ ...withContext(e as never), cluster: c }));
    };
  }
  const s = makeStyle(opts.color);
  const perCluster = new Map<string, ReturnType<typeof createPlainFormatter>>();
  return (e) => {
    if (!e.type.startsWith('fleet-')) {
      const c = (e as { cluster: string }).cluster;
      let f = perCluster.get(c);
      if (!f) perCluster.set(c, (f = createPlainFormatter({ color: opts.color })));
      const line = f(e as never);
      if (line !== undefined) for (const l of line.split('\n')) opts.write(`${s.bold(`[${c}]`)} ${l}`);
      return;
    }
    const line = fleetLine(e as FleetOwnEvent);
    if (line) opts.write(`${s.dim(stampOf(e.at))} ${s.cyan('fleet')} ${line}`);
  };
}

export function fleetLine(e: FleetOwnEvent): string | undefined {
  switch (e.type) {
    case 'fleet-started':
      return `${e.fleet} ${e.resumed ? 'resumed' : 'started'}: ${e.stages.map((s) => `${s.name} (${s.clusters.length})`).join(' → ')}`;
    case 'fleet-inventory-changed':
      return `inventory changed since the fleet plan: ${[
        e.fleetFileChanged ? 'the fleet file changed' : '',
        e.removed.length ? `removed (skipped): ${e.removed.join(', ')}` : '',
        e.added.length ? `added (not in this plan; re-run fleet plan): ${e.added.join(', ')}` : '',
        e.unreadable ? `fleet file unreadable: ${e.unreadable}` : '',
      ]
        .filter(Boolean)
        .join('; ')}`;
    case 'fleet-cluster-rebuilt':
      return `[${e.cluster}] from the cluster: ${e.state} (${e.reason})`;
    case 'fleet-stage-started':
      return `stage ${e.stage} started`;
    case 'fleet-cluster-started':
      return `[${e.cluster}] started (stage ${e.stage}, attempt ${e.attempt})`;
    case 'fleet-cluster-waiting':
      return `[${e.cluster}] waits for its maintenance window${e.opensAt ? ` (opens ${e.opensAt})` : ''}`;
    case 'fleet-cluster-finished':
      return `[${e.cluster}] ${e.state} (${e.outcome})${e.message ? `: ${e.message}` : ''}`;
    case 'fleet-budget-spent':
      return `stage ${e.stage}: ${e.failed} failed, over its budget of ${e.budget}: no new cluster starts (onFailure ${e.onFailure})`;
    case 'fleet-soak-started':
      return `stage ${e.stage}: soak ${e.resumed ? 'continues' : 'started'} until ${e.until}`;
    case 'fleet-soak-regression':
      return `stage ${e.stage}: [${e.cluster}] regressed during the soak: ${e.reason}`;
    case 'fleet-gate':
      return `stage ${e.stage}: ${e.when}-gate ${e.gate} ${e.passed ? 'passed' : `not passed: ${e.reason ?? ''}`}`;
    case 'fleet-stage-finished':
      return `stage ${e.stage} ${e.state}${e.message ? `: ${e.message}` : ''}`;
    case 'fleet-warning':
      return `warning: ${e.message}`;
    case 'fleet-finished':
      return `${e.outcome}: ${e.message}${e.next.length ? `\n  next: ${e.next.join('\n  next: ')}` : ''}`;
  }
}
