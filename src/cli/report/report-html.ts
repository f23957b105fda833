/**
 * The run report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched (its
 * Content-Security-Policy forbids every load), so it opens offline and can be attached to a change ticket.
 * Sections: the outcome and totals, why it stopped, the per-node timeline by phase with its legend, the
 * critical path, the phases, the nodes with their evictions and PDB time, the PDBs that made drains wait,
 * the plan's findings and waivers, the etcd snapshots, and notes on the run log. Every string from the cluster
 * or the run is escaped. Deterministic: the caller passes the generation time.
 */
import type { ReportNode, ReportPhase, RunReport } from '../../upgrade/report/index.js';
import { escapeHtml as esc } from './escape.js';
import { cell, cols, table, type Cell } from './html-parts.js';
import { REPORT_CSS } from './report-css.js';
import {
  CATEGORY_LABEL,
  formatDuration,
  headline,
  linkLabel,
  nodeCounts,
  nodeRows,
  plural,
  utc,
} from './report-format.js';
import { makeTimeScale } from './time-scale.js';
import { renderPhaseTimeline, timelineGeometry } from './timeline-svg.js';

export interface HtmlOptions {
  /** ISO time shown in the footer. */
  generatedAt: string;
  /** `k8s-upgrade 0.1.0` */
  generator: string;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const LEGEND = [
  ...(['cordon', 'drain', 'driver', 'wait-ready', 'uncordon', 'gate', 'pdb'] as const).map((k) => [
    k,
    CATEGORY_LABEL[k],
  ]),
  ['critical', 'on the critical path'],
  ['interrupted', 'interrupted (the attempt ended)'],
] as const;

export function renderReportHtml(r: RunReport, o: HtmlOptions): string {
  const title = `${headline(r)} — ${r.plan.name}`;
  const footer =
    `Made by ${o.generator} at ${o.generatedAt} from ${r.plan.path}, its run state and run log. ` + `Run ${r.runId}.`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    header(r),
    stops(r),
    timeline(r),
    criticalPath(r),
    phases(r),
    nodes(r),
    pdbs(r),
    findings(r),
    snapshots(r),
    logNotes(r),
    `<footer>${esc(footer)}</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const took = (start?: number, end?: number): string =>
  start !== undefined && end !== undefined ? formatDuration(end - start) : '-';

function header(r: RunReport): string {
  const t = r.totals;
  const attempts = r.attempts.length;
  const running =
    t.activeMs > 0 && t.makespanMs - t.activeMs >= 1000 ? `${formatDuration(t.activeMs)} running` : undefined;
  const pathLinks = r.criticalPath.filter((l) => l.kind === 'node' || l.kind === 'phase').length;
  const cards: [string, string, string?][] = [
    ['Duration', formatDuration(t.makespanMs), running],
    ['Nodes', String(nodeRows(r)), nodeCounts(r)],
    ['Evictions', String(t.evictions)],
    ['Blocked by PDBs', formatDuration(t.blockedMs), plural(t.pdbWaits, 'wait')],
    ['Attempts', String(attempts), attempts > 1 ? 'resumed' : undefined],
    ['Critical path', plural(pathLinks, 'link')],
  ];
  const sub = [
    `${r.plan.name}: ${r.plan.from} → ${r.plan.to}`,
    `cluster ${r.cluster.context ?? r.cluster.server} (${r.cluster.server})`,
    `${utc(r.startMs)} → ${utc(r.endMs)}`,
    `${r.plan.strategy}, ${r.plan.driver} driver`,
  ].join(' · ');
  const card = ([k, v, small]: [string, string, string?]) =>
    `<div class="card"><dt>${esc(k)}</dt><dd>${esc(v)}${small ? ` <small>${esc(small)}</small>` : ''}</dd></div>`;
  const badge = `<span class="outcome outcome-${esc(r.outcome)}" id="outcome">${esc(r.outcome)}</span>`;
  return [
    `<header><h1>${badge}${esc(headline(r))}</h1>`,
    `<div class="sub">${esc(sub)}</div></header>`,
    `<dl class="cards" id="totals">${cards.map(card).join('')}</dl>`,
  ].join('\n');
}

function stops(r: RunReport): string {
  const list: [string, NonNullable<RunReport['stop']>][] = [];
  if (r.stop) list.push(['Stopped', r.stop]);
  if (r.rollbackStop) list.push(['Rollback stopped', r.rollbackStop]);
  return list
    .map(([what, s]) => {
      const where = [s.phase ? `[${s.phase}]` : undefined, s.node, s.step].filter(Boolean).join(' ');
      const next = s.next.length > 0 ? `<pre class="mono">${esc(s.next.join('\n'))}</pre>` : '';
      const head = `${what} (${s.outcome})${where ? ` at ${where}` : ''}:`;
      return `<div class="stop ${esc(s.outcome)}"><strong>${esc(head)}</strong> ${esc(s.message)}${next}</div>`;
    })
    .join('\n');
}

function timeline(r: RunReport): string {
  const g = timelineGeometry(nodeRows(r) + r.phases.filter((p) => p.nodes.length === 0).length);
  const scale = makeTimeScale({ startMs: r.startMs, endMs: r.endMs }, r.attempts, g.labelW, g.chartW);
  const legend = LEGEND.map(
    ([k, text]) =>
      `<li class="legend-item" data-category="${k}"><span class="swatch swatch-${k}"></span>${esc(text)}</li>`,
  );
  const sections = r.phases.map((p, i) => {
    const head =
      i > 0 && p.rollback && !r.phases[i - 1]!.rollback
        ? '<h2 class="rollback-head">Timeline of the rollback</h2>'
        : '';
    const done = p.nodes.filter((n) => n.status === 'done' || n.status === 'skipped').length;
    const meta = [
      esc(p.id),
      `<span class="status-${esc(p.status)}">${esc(p.status)}</span>`,
      p.startMs !== undefined ? esc(took(p.startMs, p.endMs)) : undefined,
      p.nodes.length > 0 ? `${done}/${plural(p.nodes.length, 'node')}` : undefined,
    ].filter(Boolean);
    const svg = renderPhaseTimeline(p, i, scale, g, r.attempts);
    const h3 = `<h3>${esc(p.title)} <span class="meta">${meta.join(' · ')}</span></h3>`;
    return `${head}<section class="phase" data-phase="${esc(p.id)}">${h3}<div class="chart">${svg}</div></section>`;
  });
  const note =
    `Time from the start of the run (${utc(r.startMs)}); hover a bar for its times. ` +
    'Pauses between attempts longer than a tenth of the run are squeezed (‖).';
  return [
    '<h2 id="timeline">Timeline</h2>',
    `<ul class="legend" id="legend">${legend.join('')}</ul>`,
    `<div class="sub">${esc(note)}</div>`,
    ...sections,
  ].join('\n');
}

function criticalPath(r: RunReport): string {
  const share = (ms: number) => (r.totals.makespanMs > 0 ? Math.round((ms / r.totals.makespanMs) * 100) : 0);
  const rows = r.criticalPath.map((l) => [
    cell(linkLabel(l)),
    cell(utc(l.startMs)),
    cell(formatDuration(l.endMs - l.startMs)),
    cell(`${share(l.endMs - l.startMs)}%`),
  ]);
  const why =
    'The chain of work that decided when the run ended: from the end, the work that finished last, then what ' +
    'finished last before that started, and so on. Shortening a link ends the run sooner; ' +
    'shortening anything else does not.';
  return [
    '<h2 id="critical-path">Critical path</h2>',
    `<p class="sub">${esc(why)}</p>`,
    rows.length > 0
      ? table(cols('link', 'started', '#took', '#of the run'), rows, (i) => `link-${r.criticalPath[i]!.kind}`)
      : '<p>No work was recorded.</p>',
  ].join('\n');
}

function phases(r: RunReport): string {
  const rows = r.phases.map((p) => {
    const done = p.nodes.filter((n) => n.status === 'done' || n.status === 'skipped').length;
    return [
      cell(p.id, 'mono'),
      cell(p.title),
      cell(p.status, `status-${p.status}`),
      cell(utc(p.startMs)),
      cell(utc(p.endMs)),
      cell(took(p.startMs, p.endMs)),
      cell(p.nodes.length > 0 ? `${done}/${p.nodes.length}` : '-'),
    ];
  });
  const columns = cols('phase', 'title', 'status', 'started', 'ended', '#took', '#nodes');
  return `<h2 id="phases">Phases</h2>${table(columns, rows)}`;
}

function nodes(r: RunReport): string {
  const all: [ReportPhase, ReportNode][] = r.phases.flatMap((p) =>
    p.nodes.map((n) => [p, n] as [ReportPhase, ReportNode]),
  );
  if (all.length === 0) return '';
  const rows = all.map(([p, n]): Cell[] => {
    const pdbNames = [...new Set(n.pdbWaits.map((w) => w.pdb ?? '?'))].join(', ');
    const why = n.error ? `${n.failedStep ? `${n.failedStep}: ` : ''}${n.error}` : (n.detail ?? '');
    return [
      cell(n.node),
      cell(p.id, 'mono'),
      cell(n.role),
      cell(`${n.from ?? '?'} → ${n.to || '?'}`),
      cell(n.status, `status-${n.status}`),
      cell(n.durationMs > 0 ? formatDuration(n.durationMs) : '-'),
      cell(n.evictions),
      cell(n.blockedMs > 0 ? formatDuration(n.blockedMs) : '-'),
      cell(n.pdbWaits.length > 0 ? `${n.pdbWaits.length} (${pdbNames})` : '-'),
      cell(why),
    ];
  });
  const columns = cols(
    'node',
    'phase',
    'role',
    'version',
    'status',
    '#took',
    '#evictions',
    '#blocked',
    'PDB waits',
    'note',
  );
  return `<h2 id="nodes">Nodes</h2>${table(columns, rows, (i) => (all[i]![1].onCriticalPath ? 'critical' : ''))}`;
}

function pdbs(r: RunReport): string {
  const head = '<h2 id="pdbs">PodDisruptionBudget waits</h2>';
  if (r.totals.pdbs.length === 0) return `${head}<p>No eviction was refused by a PodDisruptionBudget.</p>`;
  const rows = r.totals.pdbs.map((p) => [
    cell(p.pdb),
    cell(p.waits),
    cell(formatDuration(p.ms)),
    cell(p.nodes.join(', ')),
  ]);
  return `${head}${table(cols('PDB', '#waits', '#time', 'nodes'), rows)}`;
}

function findings(r: RunReport): string {
  const rows = r.findings.map((f) => {
    const named = f.objects.slice(0, 5).map((x) => `${x.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.name}`);
    const more = f.objects.length > 5 ? `, and ${f.objects.length - 5} more` : '';
    return [
      cell(f.severity, `sev-${f.severity}`),
      cell(f.id, 'mono'),
      cell(f.waived ? 'waived' : ''),
      cell(f.message),
      cell(named.join(', ') + more),
    ];
  });
  const waivers =
    r.waivers.length > 0
      ? `<p>Waived with <code>--ignore-check</code>: ${r.waivers.map((w) => `<code>${esc(w)}</code>`).join(', ')}</p>`
      : '<p>No check was waived.</p>';
  const list =
    rows.length > 0
      ? table(cols('severity', 'check', '', 'finding', 'objects'), rows)
      : '<p>The plan has no findings.</p>';
  return `<h2 id="findings">Findings and waivers (from the plan)</h2>${list}${waivers}`;
}

function snapshots(r: RunReport): string {
  const parts = ['<h2 id="etcd">etcd snapshots</h2>'];
  if (r.snapshotSkipped) {
    const s = r.snapshotSkipped;
    parts.push(
      `<p class="status-failed">${esc(`No snapshot: ${s.reason} at ${s.at}; `)}` +
        'rollback cannot restore the control plane.</p>',
    );
  }
  if (r.snapshots.length > 0) {
    const rows = r.snapshots.map(({ phase, record: s }) => [
      cell(s.path, 'mono'),
      cell(s.revision),
      cell(s.totalKeys),
      cell(`${Math.round(s.sizeBytes / 1024)} KiB`),
      cell(s.takenAt),
      cell(s.takenOn),
      s.verified ? cell('verified') : cell('NOT verified', 'status-failed'),
      cell(`${s.sha256.slice(0, 16)}…`, 'mono'),
      cell(phase, 'mono'),
    ]);
    parts.push(table(cols('file', '#revision', '#keys', '#size', 'taken', 'on', 'check', 'sha256', 'phase'), rows));
  } else if (!r.snapshotSkipped) {
    parts.push(
      '<p>This run took no etcd snapshot (it changed no control-plane node, or has not reached the control plane).</p>',
    );
  }
  if (r.restores.length > 0) {
    const restored = r.restores.map((x) => `${x.snapshot} on ${x.node} at ${utc(x.atMs)}`).join('; ');
    parts.push(`<p>${esc(`Restored by the rollback: ${restored}`)}</p>`);
  }
  return parts.join('\n');
}

function logNotes(r: RunReport): string {
  const where = r.log.path ? `<code>${esc(r.log.path)}</code>: ` : '';
  const notes = r.log.problems.map((p) => `<li>${esc(p)}</li>`);
  const list = notes.length > 0 ? `<ul class="log-problems">${notes.join('')}</ul>` : '';
  return `<h2 id="log">Run log</h2><p>${where}${esc(plural(r.log.events, 'event'))} of this run.</p>${list}`;
}
