/**
 * The run report as a short Markdown summary, for `$GITHUB_STEP_SUMMARY` (the CI job's page) or a ticket:
 * a table of the outcome, duration, nodes, evictions and PDB waits, the slowest nodes, the PDBs that made drains
 * wait, the critical path, and why the run stopped. Cells are escaped (names cannot break the table or
 * inject HTML). Deterministic.
 */
import type { ReportNode, RunReport } from '../../upgrade/report/index.js';
import { escapeMarkdownCell as cell } from './escape.js';
import { formatDuration, headline, linkLabel, nodeCounts, nodeRows, plural } from './report-format.js';

export interface MarkdownOptions {
  /** How many of the slowest nodes to list (default 5). */
  slowest?: number;
  /** Where the HTML report was written, named in the summary. */
  htmlPath?: string;
}

export function renderReportMarkdown(r: RunReport, o: MarkdownOptions = {}): string {
  const t = r.totals;
  const pdbText =
    t.pdbWaits > 0
      ? `${plural(t.pdbWaits, 'wait')}, ${formatDuration(t.blockedMs)}${
          t.pdbs.length > 0
            ? ` (${t.pdbs
                .slice(0, 3)
                .map((p) => `${p.pdb} ${formatDuration(p.ms)}`)
                .join(', ')})`
            : ''
        }`
      : t.blockedMs > 0
        ? formatDuration(t.blockedMs)
        : 'none';
  const resumed = ` over ${plural(r.attempts.length, 'attempt')} (${formatDuration(t.activeMs)} running)`;
  const duration = `${formatDuration(t.makespanMs)}${r.attempts.length > 1 ? resumed : ''}`;
  const lines = [
    `### k8s-upgrade: ${cell(headline(r))} — ${cell(r.plan.name)}`,
    '',
    '| | |',
    '|---|---|',
    `| Outcome | **${cell(r.outcome)}** (${cell(r.plan.from)} → ${cell(r.plan.to)}) |`,
    `| Duration | ${cell(duration)} |`,
    `| Nodes | ${nodeRows(r)}: ${cell(nodeCounts(r))} |`,
    `| Evictions | ${t.evictions} |`,
    `| PDB waits | ${cell(pdbText)} |`,
    `| Critical path | ${cell(criticalNodes(r))} |`,
    `| Run | \`${cell(r.runId)}\` on ${cell(r.cluster.context ?? r.cluster.server)} |`,
  ];
  const slow = slowest(r, o.slowest ?? 5);
  if (slow.length > 0) {
    lines.push(
      '',
      '**Slowest nodes**',
      '',
      '| Node | Phase | Status | Took | Evictions | Blocked by PDBs |',
      '|---|---|---|---:|---:|---:|',
    );
    for (const n of slow)
      lines.push(
        `| ${cell(n.node)}${n.onCriticalPath ? ' ◆' : ''} | ${cell(n.phase)} | ${cell(n.status)} | ` +
          `${formatDuration(n.durationMs)} | ${n.evictions} | ${n.blockedMs > 0 ? formatDuration(n.blockedMs) : '-'} |`,
      );
    if (slow.some((n) => n.onCriticalPath)) lines.push('', '◆ on the critical path');
  }
  for (const [what, s] of [
    ['Stopped', r.stop],
    ['Rollback stopped', r.rollbackStop],
  ] as const) {
    if (!s) continue;
    const where = [s.phase, s.node, s.step].filter(Boolean).join(' ');
    lines.push('', `**${what}** (${cell(s.outcome)})${where ? ` at ${cell(where)}` : ''}: ${cell(s.message)}`);
    if (s.next.length > 0) lines.push('', '```', ...s.next.map((x) => x.replace(/```/g, "'''")), '```');
  }
  if (r.log.problems.length > 0) lines.push('', ...r.log.problems.map((p) => `> ${cell(p)}`));
  if (o.htmlPath) lines.push('', `Full report with the per-node timeline: \`${cell(o.htmlPath)}\``);
  return `${lines.join('\n')}\n`;
}

/** The nodes (and node-less phases) on the critical path, in order; long chains are cut in the middle. */
function criticalNodes(r: RunReport): string {
  const links = r.criticalPath
    .filter((l) => l.kind === 'node' || l.kind === 'phase')
    .map((l) => (l.kind === 'node' ? l.node! : linkLabel(l)));
  if (links.length === 0) return '-';
  const cut = [...links.slice(0, 4), `… ${links.length - 7} more …`, ...links.slice(-3)];
  const shown = links.length <= 8 ? links : cut;
  return shown.join(' → ');
}

function slowest(r: RunReport, count: number): ReportNode[] {
  return r.phases
    .flatMap((p) => p.nodes)
    .filter((n) => n.durationMs > 0)
    .sort((a, b) => b.durationMs - a.durationMs || a.node.localeCompare(b.node))
    .slice(0, count);
}
