/** `fleet status` as one screen: stages with done/failed/total and soaks, each cluster's state and progress. */
import type { FleetStatusView } from '../../fleet/apply/index.js';
import { columns, makeStyle } from './style.js';

export function renderFleetStatus(v: FleetStatusView, opts: { color: boolean }): string {
  const s = makeStyle(opts.color);
  const paint = (state: string): string =>
    state === 'Done'
      ? s.green(state)
      : state === 'Failed'
        ? s.red(state)
        : state === 'Running'
          ? s.cyan(state)
          : state === 'Waiting' || state === 'Paused'
            ? s.yellow(state)
            : state;
  const out: string[] = [`${s.bold(`Fleet ${v.fleet}`)}: ${v.status}${v.updatedAt ? ` (updated ${v.updatedAt})` : ''}`];
  if (v.message) out.push(`  ${v.message}`);
  if (v.inventory && (v.inventory.fleetFileChanged || v.inventory.removed.length || v.inventory.added.length))
    out.push(
      s.yellow(
        `  inventory changed: ${[
          v.inventory.fleetFileChanged ? 'fleet file changed' : '',
          v.inventory.removed.length ? `removed ${v.inventory.removed.join(', ')}` : '',
          v.inventory.added.length ? `added ${v.inventory.added.join(', ')} (not in this plan)` : '',
        ]
          .filter(Boolean)
          .join('; ')}`,
      ),
    );
  for (const st of v.stages) {
    out.push('');
    out.push(
      `${s.bold(`stage ${st.name}`)}  ${paint(st.state)}  ${st.done}/${st.total} done, ${st.failed} failed${st.soakUntil ? `, soak until ${st.soakUntil}` : ''}`,
    );
    if (st.message) out.push(`  ${st.message}`);
    const rows = st.clusters.map((c) => [
      `  ${c.name}`,
      c.state,
      c.progress ? `${c.progress.nodesDone}/${c.progress.nodesTotal} nodes` : '',
      c.progress?.node ? `${c.progress.node}${c.progress.step ? ` ${c.progress.step}` : ''}` : '',
      c.windowOpensAt ? `window opens ${c.windowOpensAt}` : (c.message ?? ''),
    ]);
    out.push(...columns(rows, { paint: (_r, c, padded) => (c === 1 ? padded.replace(/\S+/, paint) : padded) }));
  }
  if (v.approvals.length) {
    out.push('');
    for (const a of v.approvals) out.push(`approved ${a.stage} by ${a.by} at ${a.at}`);
  }
  return `${out.join('\n')}\n`;
}
