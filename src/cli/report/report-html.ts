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
import { REPORT_CSS } from './report-css.js';
import { CATEGORY_LABEL, formatDuration, headline, linkLabel, nodeCounts, nodeRows, plural, utc } from './report-format.js';
import { makeTimeScale } from './time-scale.js';
import { renderPhaseTimeline, timelineGeometry } from './timeline-svg.js';

export interface HtmlOptions {
  /** ISO time shown in the footer. */
  generatedAt: string;
  /** `k8s-upgrade 0.1.0` */
  generator: string;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderReportHtml(r: RunReport, o: HtmlOptions): string {
  const title = `${headline(r)} — ${r.plan.name}`;
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
    `<footer>Made by ${esc(o.generator)} at ${esc(o.generatedAt)} from ${esc(r.plan.path)}, its run state and run log. Run id ${esc(r.runId)}.</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(r: RunReport): string {
  const t = r.totals;
  const attempts = r.attempts.length;
  const cards: [string, string, string?][] = [
    ['Duration', formatDuration(t.makespanMs), t.activeMs > 0 && t.makespanMs - t.activeMs >= 1000 ? `${formatDuration(t.activeMs)} running` : undefined],
    ['Nodes', String(nodeRows(r)), nodeCounts(r)],
    ['Evictions', String(t.evictions)],
    ['Blocked by PDBs', formatDuration(t.blockedMs), plural(t.pdbWaits, 'wait')],
    ['Attempts', String(attempts), attempts > 1 ? 'resumed' : undefined],
    ['Critical path', plural(r.criticalPath.filter((l) => l.kind === 'node' || l.kind === 'phase').length, 'link')],
  ];
  return [
    `<header><h1><span class="outcome outcome-${esc(r.outcome)}" id="outcome">${esc(r.outcome)}</span>${esc(headline(r))}</h1>`,
    `<div class="sub">${esc(r.plan.name)}: ${esc(r.plan.from)} → ${esc(r.plan.to)} · cluster ${esc(r.cluster.context ?? r.cluster.server)} (${esc(r.cluster.server)}) · ${esc(utc(r.startMs))} → ${esc(utc(r.endMs))} · ${esc(r.plan.strategy)}, ${esc(r.plan.driver)} driver</div></header>`,
    `<dl class="cards" id="totals">${cards.map(([k, v, small]) => `<div class="card"><dt>${esc(k)}</dt><dd>${esc(v)}${small ? ` <small>${esc(small)}</small>` : ''}</dd></div>`).join('')}</dl>`,
  ].join('\n');
}

function stops(r: RunReport): string {
  return [r.stop ? ['Stopped', r.stop] : undefined, r.rollbackStop ? ['Rollback stopped', r.rollbackStop] : undefined]
    .filter((x): x is [string, NonNullable<RunReport['stop']>] => x !== undefined)
    .map(([what, s]) => {
      const where = [s.phase ? `[${s.phase}]` : undefined, s.node, s.step].filter(Boolean).join(' ');
      const next = s.next.length > 0 ? `<pre class="mono">${esc(s.next.join('\n'))}</pre>` : '';
      return `<div class="stop ${esc(s.outcome)}"><strong>${esc(what)} (${esc(s.outcome)})${where ? ` at ${esc(where)}` : ''}:</strong> ${esc(s.message)}${next}</div>`;
    })
    .join('\n');
}

function timeline(r: RunReport): string {
  const g = timelineGeometry(nodeRows(r) + r.phases.filter((p) => p.nodes.length === 0).length);
  const scale = makeTimeScale({ startMs: r.startMs, endMs: r.endMs }, r.attempts, g.labelW, g.chartW);
  const legend = [
    ...(['cordon', 'drain', 'driver', 'wait-ready', 'uncordon', 'gate', 'pdb'] as const).map((k) => [k, CATEGORY_LABEL[k]] as const),
    ['critical', 'on the critical path'] as const,
    ['interrupted', 'interrupted (the attempt ended)'] as const,
  ];
  const sections = r.phases.map((p, i) => {
    const head = i > 0 && p.rollback && !r.phases[i - 1]!.rollback ? '<h2 class="rollback-head">Timeline of the rollback</h2>' : '';
    const done = p.nodes.filter((n) => n.status === 'done' || n.status === 'skipped').length;
    const meta = [
      esc(p.id),
      `<span class="status-${esc(p.status)}">${esc(p.status)}</span>`,
      p.startMs !== undefined && p.endMs !== undefined ? esc(formatDuration(p.endMs - p.startMs)) : undefined,
      p.nodes.length > 0 ? `${done}/${plural(p.nodes.length, 'node')}` : undefined,
    ].filter(Boolean);
    const svg = renderPhaseTimeline(p, i, scale, g, r.attempts);
    return `${head}<section class="phase" data-phase="${esc(p.id)}"><h3>${esc(p.title)} <span class="meta">${meta.join(' · ')}</span></h3><div class="chart">${svg}</div></section>`;
  });
  return [
    '<h2 id="timeline">Timeline</h2>',
    `<ul class="legend" id="legend">${legend.map(([k, text]) => `<li class="legend-item" data-category="${k}"><span class="swatch swatch-${k}"></span>${esc(text)}</li>`).join('')}</ul>`,
    `<div class="sub">Time from the start of the run (${esc(utc(r.startMs))}); hover a bar for its times. Pauses between attempts longer than a tenth of the run are squeezed (‖).</div>`,
    ...sections,
  ].join('\n');
}

function criticalPath(r: RunReport): string {
  const rows = r.criticalPath.map((l) => `<tr class="link-${l.kind}"><td>${esc(linkLabel(l))}</td><td>${esc(utc(l.startMs))}</td><td class="num">${esc(formatDuration(l.endMs - l.startMs))}</td><td class="num">${r.totals.makespanMs > 0 ? Math.round(((l.endMs - l.startMs) / r.totals.makespanMs) * 100) : 0}%</td></tr>`);
  return [
    '<h2 id="critical-path">Critical path</h2>',
    '<p class="sub">The chain of work that decided when the run ended: from the end, the work that finished last, then what finished last before that started, and so on. Shortening a link ends the run sooner; shortening anything else does not.</p>',
    rows.length > 0 ? `<table><thead><tr><th>link</th><th>started</th><th class="num">took</th><th class="num">of the run</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>No work was recorded.</p>',
  ].join('\n');
}

function phases(r: RunReport): string {
  const rows = r.phases.map((p) => {
    const done = p.nodes.filter((n) => n.status === 'done' || n.status === 'skipped').length;
    return `<tr><td class="mono">${esc(p.id)}</td><td>${esc(p.title)}</td><td class="status-${esc(p.status)}">${esc(p.status)}</td><td>${esc(utc(p.startMs))}</td><td>${esc(utc(p.endMs))}</td><td class="num">${p.startMs !== undefined && p.endMs !== undefined ? esc(formatDuration(p.endMs - p.startMs)) : '-'}</td><td class="num">${p.nodes.length > 0 ? `${done}/${p.nodes.length}` : '-'}</td></tr>`;
  });
  return `<h2 id="phases">Phases</h2><table><thead><tr><th>phase</th><th>title</th><th>status</th><th>started</th><th>ended</th><th class="num">took</th><th class="num">nodes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function nodes(r: RunReport): string {
  const all: [ReportPhase, ReportNode][] = r.phases.flatMap((p) => p.nodes.map((n) => [p, n] as [ReportPhase, ReportNode]));
  if (all.length === 0) return '';
  const rows = all.map(([p, n]) => {
    const waits = n.pdbWaits.length > 0 ? `${n.pdbWaits.length} (${[...new Set(n.pdbWaits.map((w) => w.pdb ?? '?'))].join(', ')})` : '-';
    const version = `${n.from ?? '?'} → ${n.to || '?'}`;
    const why = n.error ? `${n.failedStep ? `${n.failedStep}: ` : ''}${n.error}` : (n.detail ?? '');
    return `<tr class="${n.onCriticalPath ? 'critical' : ''}"><td>${esc(n.node)}</td><td class="mono">${esc(p.id)}</td><td>${esc(n.role)}</td><td>${esc(version)}</td><td class="status-${esc(n.status)}">${esc(n.status)}</td><td class="num">${n.durationMs > 0 ? esc(formatDuration(n.durationMs)) : '-'}</td><td class="num">${n.evictions}</td><td class="num">${n.blockedMs > 0 ? esc(formatDuration(n.blockedMs)) : '-'}</td><td>${esc(waits)}</td><td>${esc(why)}</td></tr>`;
  });
  return `<h2 id="nodes">Nodes</h2><table><thead><tr><th>node</th><th>phase</th><th>role</th><th>version</th><th>status</th><th class="num">took</th><th class="num">evictions</th><th class="num">blocked</th><th>PDB waits</th><th>note</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function pdbs(r: RunReport): string {
  if (r.totals.pdbs.length === 0) return '<h2 id="pdbs">PodDisruptionBudget waits</h2><p>No eviction was refused by a PodDisruptionBudget.</p>';
  const rows = r.totals.pdbs.map((p) => `<tr><td>${esc(p.pdb)}</td><td class="num">${p.waits}</td><td class="num">${esc(formatDuration(p.ms))}</td><td>${esc(p.nodes.join(', '))}</td></tr>`);
  return `<h2 id="pdbs">PodDisruptionBudget waits</h2><table><thead><tr><th>PDB</th><th class="num">waits</th><th class="num">time</th><th>nodes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function findings(r: RunReport): string {
  const rows = r.findings.map((f) => {
    const objects = f.objects.slice(0, 5).map((x) => `${x.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.name}`).join(', ') + (f.objects.length > 5 ? `, and ${f.objects.length - 5} more` : '');
    return `<tr><td class="sev-${esc(f.severity)}">${esc(f.severity)}</td><td class="mono">${esc(f.id)}</td><td>${f.waived ? 'waived' : ''}</td><td>${esc(f.message)}</td><td>${esc(objects)}</td></tr>`;
  });
  const waivers = r.waivers.length > 0 ? `<p>Waived with <code>--ignore-check</code>: ${r.waivers.map((w) => `<code>${esc(w)}</code>`).join(', ')}</p>` : '<p>No check was waived.</p>';
  const table = rows.length > 0 ? `<table><thead><tr><th>severity</th><th>check</th><th></th><th>finding</th><th>objects</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>The plan has no findings.</p>';
  return `<h2 id="findings">Findings and waivers (from the plan)</h2>${table}${waivers}`;
}

function snapshots(r: RunReport): string {
  const parts = ['<h2 id="etcd">etcd snapshots</h2>'];
  if (r.snapshotSkipped) parts.push(`<p class="status-failed">No snapshot: ${esc(r.snapshotSkipped.reason)} at ${esc(r.snapshotSkipped.at)}; rollback cannot restore the control plane.</p>`);
  if (r.snapshots.length > 0) {
    const rows = r.snapshots.map(({ phase, record: s }) => `<tr><td class="mono">${esc(s.path)}</td><td class="num">${s.revision}</td><td class="num">${s.totalKeys}</td><td class="num">${Math.round(s.sizeBytes / 1024)} KiB</td><td>${esc(s.takenAt)}</td><td>${esc(s.takenOn)}</td><td>${s.verified ? 'verified' : '<span class="status-failed">NOT verified</span>'}</td><td class="mono">${esc(s.sha256.slice(0, 16))}…</td><td class="mono">${esc(phase)}</td></tr>`);
    parts.push(`<table><thead><tr><th>file</th><th class="num">revision</th><th class="num">keys</th><th class="num">size</th><th>taken</th><th>on</th><th>check</th><th>sha256</th><th>phase</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  } else if (!r.snapshotSkipped) parts.push('<p>This run took no etcd snapshot (it changed no control-plane node, or has not reached the control plane).</p>');
  if (r.restores.length > 0) parts.push(`<p>Restored by the rollback: ${r.restores.map((x) => `${esc(x.snapshot)} on ${esc(x.node)} at ${esc(utc(x.atMs))}`).join('; ')}</p>`);
  return parts.join('\n');
}

function logNotes(r: RunReport): string {
  const notes = r.log.problems.map((p) => `<li>${esc(p)}</li>`);
  return `<h2 id="log">Run log</h2><p>${r.log.path ? `<code>${esc(r.log.path)}</code>: ` : ''}${plural(r.log.events, 'event')} of this run.</p>${notes.length > 0 ? `<ul class="log-problems">${notes.join('')}</ul>` : ''}`;
}
