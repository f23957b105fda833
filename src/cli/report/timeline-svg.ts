/**
 * The per-node timeline (a Gantt chart) of one phase as inline SVG: one row per node with its steps (cordon,
 * drain, node driver, wait Ready, uncordon, health gate) as coloured bars, the time its drain was blocked by
 * PodDisruptionBudgets hatched over them with the PDB's name, and the rows on the critical path marked. Every
 * phase shares the run's time scale, so phases line up under one another. Hover texts are SVG `<title>`s: no
 * script. Rows shrink as the node count grows (20 px down to 10 px) so that 500 nodes stay one page to scroll.
 */
import type { ReportAttempt, ReportNode, ReportPhase, StepSpan } from '../../upgrade/report/index.js';
import { escapeHtml as esc } from './escape.js';
import { CATEGORY_LABEL, clock, formatDuration } from './report-format.js';
import type { TimeScale } from './time-scale.js';

export interface TimelineGeometry {
  width: number;
  labelW: number;
  chartW: number;
  rowH: number;
  barH: number;
  axisH: number;
  fontPx: number;
}

/** Sized to the number of rows in the whole report. */
export function timelineGeometry(rows: number): TimelineGeometry {
  const rowH = rows <= 60 ? 20 : rows <= 200 ? 14 : 10;
  return { width: 1200, labelW: 230, chartW: 950, rowH, barH: Math.round(rowH * 0.7), axisH: 20, fontPx: rowH >= 14 ? 12 : 9 };
}

export function renderPhaseTimeline(phase: ReportPhase, index: number, scale: TimeScale, g: TimelineGeometry, attempts: readonly ReportAttempt[]): string {
  const rows = phase.nodes.length > 0 ? phase.nodes.length : 1;
  const height = g.axisH + rows * g.rowH + 4;
  const bottom = height - 2;
  const hatch = `pdb-hatch-${index}`;
  const parts: string[] = [
    `<svg class="timeline" data-phase="${esc(phase.id)}" xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${height}" viewBox="0 0 ${g.width} ${height}" font-size="${g.fontPx}" role="img" aria-label="${esc(`timeline of ${phase.title}`)}">`,
    `<defs><pattern id="${hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="pdb-bg"/><rect width="3" height="6" class="pdb-stripe"/></pattern></defs>`,
    axis(scale, g, bottom),
    ...scale.breaks.map((b) => `<g class="break"><rect x="${n(b.x0)}" y="0" width="${n(b.x1 - b.x0)}" height="${bottom}"/><text x="${n((b.x0 + b.x1) / 2)}" y="${g.axisH - 6}" text-anchor="middle">‖</text><title>${esc(`stopped for ${formatDuration(b.endMs - b.startMs)} between attempts`)}</title></g>`),
    ...attempts.filter((a) => a.index > 1).map((a) => `<line class="attempt" x1="${n(scale.x(a.startMs))}" x2="${n(scale.x(a.startMs))}" y1="${g.axisH}" y2="${bottom}"><title>${esc(`attempt ${a.index}: ${a.resumed ? 'resumed ' : ''}${a.kind} at ${clock(a.startMs)}`)}</title></line>`),
  ];
  if (phase.nodes.length === 0) parts.push(phaseRow(phase, scale, g));
  else phase.nodes.forEach((node, i) => parts.push(nodeRow(node, i, scale, g, hatch)));
  parts.push('</svg>');
  return parts.join('\n');
}

function axis(scale: TimeScale, g: TimelineGeometry, bottom: number): string {
  const step = scale.ticks.length > 1 ? scale.ticks[1]! - scale.ticks[0]! : 1000;
  const nearBreak = (x: number) => scale.breaks.some((b) => x > b.x0 - 18 && x < b.x1 + 18);
  const ticks = scale.ticks.map((t) => {
    const x = scale.x(t);
    const text = nearBreak(x) ? '' : `<text class="tick" x="${n(x)}" y="${g.axisH - 7}" text-anchor="middle">${esc(tickLabel(t - scale.startMs, step))}</text>`;
    return `<line class="grid" x1="${n(x)}" x2="${n(x)}" y1="${g.axisH - 4}" y2="${bottom}"/>${text}`;
  });
  return `<g class="axis">${ticks.join('')}</g>`;
}

/** Elapsed time at a tick, as precise as the tick step needs: `45s`, `2m30s`, `1h00m05s`, `3h15m`. */
export function tickLabel(ms: number, stepMs: number): string {
  const total = Math.round(ms / 1000);
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const ss = String(sec).padStart(2, '0');
  if (h === 0 && m === 0) return `${sec}s`;
  if (h === 0) return stepMs < 60_000 ? `${m}m${ss}s` : `${m}m`;
  const mm = String(m).padStart(2, '0');
  return stepMs < 60_000 ? `${h}h${mm}m${ss}s` : `${h}h${mm}m`;
}

function label(text: string, y: number, g: TimelineGeometry, cls: string, title: string): string {
  const shown = text.length > 34 ? `${text.slice(0, 33)}…` : text;
  return `<text class="${cls}" x="${g.labelW - 8}" y="${n(y)}" text-anchor="end">${esc(shown)}<title>${esc(title)}</title></text>`;
}

function phaseRow(phase: ReportPhase, scale: TimeScale, g: TimelineGeometry): string {
  const top = g.axisH;
  const y = top + (g.rowH - g.barH) / 2;
  const bars = phase.spans.map((s) => bar('bar phase-work', scale, s.startMs, s.endMs, y, g.barH, `${phase.title}: ${formatDuration(s.endMs - s.startMs)} (${clock(s.startMs)} → ${clock(s.endMs)})${s.status ? `, ${s.status}` : ''}`));
  return `<g class="phase-row" data-phase="${esc(phase.id)}"><rect class="lane" x="${g.labelW}" y="${top}" width="${g.chartW}" height="${g.rowH}"/>${label(phase.title, top + g.rowH / 2 + g.fontPx / 3, g, 'label', `${phase.title} (${phase.id})`)}${bars.join('')}</g>`;
}

function nodeRow(node: ReportNode, i: number, scale: TimeScale, g: TimelineGeometry, hatch: string): string {
  const top = g.axisH + i * g.rowH;
  const y = top + (g.rowH - g.barH) / 2;
  const textY = top + g.rowH / 2 + g.fontPx / 3;
  const cls = `node-row status-${node.status}${node.onCriticalPath ? ' critical' : ''}`;
  const title = `${node.node} (${node.role}) ${node.status}${node.durationMs > 0 ? `, ${formatDuration(node.durationMs)}` : ''}${node.evictions > 0 ? `, ${node.evictions} evictions` : ''}${node.onCriticalPath ? ', on the critical path' : ''}${node.error ? `: ${node.error}` : ''}`;
  const parts = [
    `<g class="${cls}" data-node="${esc(node.node)}" data-status="${node.status}">`,
    `<rect class="lane${i % 2 ? ' odd' : ''}" x="${g.labelW}" y="${top}" width="${g.chartW}" height="${g.rowH}"/>`,
    node.onCriticalPath ? `<rect class="critical-mark" x="0" y="${top + 1}" width="4" height="${g.rowH - 2}"/>` : '',
    label(node.node, textY, g, 'label', title),
  ];
  if (node.steps.length > 0) parts.push(...node.steps.map((s) => stepBar(node, s, scale, y, g)));
  else parts.push(...node.segments.filter((s) => s.endMs > s.startMs).map((s) => bar('bar seg', scale, s.startMs, s.endMs, y, g.barH, `${node.node}: worked on for ${formatDuration(s.endMs - s.startMs)} (${clock(s.startMs)} → ${clock(s.endMs)}); no step detail in the run log`)));
  for (const w of node.pdbWaits) {
    const x0 = scale.x(w.startMs);
    const width = Math.max(2, scale.x(w.endMs) - x0);
    const why = `${node.node}: ${w.pod} blocked by ${w.pdb ? `PDB ${w.pdb}` : 'a PDB'} for ${formatDuration(w.endMs - w.startMs)} (${w.refusals} refusal${w.refusals === 1 ? '' : 's'}, ${clock(w.startMs)} → ${clock(w.endMs)}): ${w.message}`;
    parts.push(`<rect class="bar pdb" x="${n(x0)}" y="${n(y)}" width="${n(width)}" height="${g.barH}" fill="url(#${hatch})" data-pdb="${esc(w.pdb ?? '')}"><title>${esc(why)}</title></rect>`);
    if (width > 80 && w.pdb) parts.push(`<text class="pdb-label" x="${n(x0 + 3)}" y="${n(textY)}">${esc(w.pdb)}</text>`);
  }
  if (node.status === 'skipped') parts.push(note(node.startMs !== undefined ? scale.x(node.startMs) + 4 : g.labelW + 4, textY, `skipped${node.detail ? `: ${node.detail}` : ''}`));
  if (node.status === 'pending') parts.push(note(g.labelW + 4, textY, 'not reached'));
  parts.push('</g>');
  return parts.join('');
}

function stepBar(node: ReportNode, s: StepSpan, scale: TimeScale, y: number, g: TimelineGeometry): string {
  const cls = `bar step step-${s.category}${s.interrupted ? ' interrupted' : ''}${s.failed ? ' failed' : ''}`;
  const what = `${node.node}: ${s.step === 'upgrade' || s.step === 'downgrade' || s.step === 'restore-etcd' ? `${CATEGORY_LABEL.driver.split(' (')[0]} (${s.step})` : CATEGORY_LABEL[s.category]}`;
  const tail = `${s.detail ? `, ${s.detail}` : ''}${s.failed ? ', failed' : ''}${s.interrupted ? ', interrupted (the attempt ended)' : ''}`;
  return bar(cls, scale, s.startMs, s.endMs, y, g.barH, `${what} ${formatDuration(s.endMs - s.startMs)} (${clock(s.startMs)} → ${clock(s.endMs)})${tail}`, s.category);
}

function bar(cls: string, scale: TimeScale, start: number, end: number, y: number, h: number, title: string, step?: string): string {
  const x0 = scale.x(start);
  const w = Math.max(1, scale.x(end) - x0);
  return `<rect class="${cls}" x="${n(x0)}" y="${n(y)}" width="${n(w)}" height="${h}"${step ? ` data-step="${step}"` : ''}><title>${esc(title)}</title></rect>`;
}

function note(x: number, y: number, text: string): string {
  return `<text class="note" x="${n(x)}" y="${n(y)}">${esc(text)}</text>`;
}

/** Coordinates with at most one decimal: smaller files, stable output. */
const n = (v: number): string => String(Math.round(v * 10) / 10);
