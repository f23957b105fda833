/**
 * The per-node timeline (a Gantt chart) of one phase as inline SVG: one row per node with its steps (cordon,
 * drain, node driver, wait Ready, uncordon, health gate) as coloured bars, the time its drain was blocked by
 * PodDisruptionBudgets hatched over them with the PDB's name, and the rows on the critical path marked. Every
 * phase shares the run's time scale, so phases line up under one another. Hover texts are SVG `<title>`s: no
 * script. Rows shrink as the node count grows (20 px down to 10 px) so that 500 nodes stay one page to scroll.
 */
import type { ReportAttempt, ReportNode, ReportPhase, StepSpan, TimeSpan } from '../../upgrade/report/index.js';
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
  return {
    width: 1200,
    labelW: 230,
    chartW: 950,
    rowH,
    barH: Math.round(rowH * 0.7),
    axisH: 20,
    fontPx: rowH >= 14 ? 12 : 9,
  };
}

type Attrs = Record<string, string | number | undefined>;

/** `<name a="v"…>inner</name>` (self-closed without inner); attribute values are escaped, `inner` is markup. */
const tag = (name: string, attrs: Attrs, inner?: string): string => {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? n(v) : v!)}"`)
    .join('');
  return inner === undefined ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`;
};

const title = (text: string): string => `<title>${esc(text)}</title>`;

/** `12s (19:40:05 → 19:40:17)` */
const during = (s: TimeSpan): string =>
  `${formatDuration(s.endMs - s.startMs)} (${clock(s.startMs)} → ${clock(s.endMs)})`;

export function renderPhaseTimeline(
  phase: ReportPhase,
  index: number,
  scale: TimeScale,
  g: TimelineGeometry,
  attempts: readonly ReportAttempt[],
): string {
  const rows = phase.nodes.length > 0 ? phase.nodes.length : 1;
  const height = g.axisH + rows * g.rowH + 4;
  const bottom = height - 2;
  const hatch = `pdb-hatch-${index}`;
  const pattern = tag(
    'pattern',
    { id: hatch, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    tag('rect', { width: 6, height: 6, class: 'pdb-bg' }) + tag('rect', { width: 3, height: 6, class: 'pdb-stripe' }),
  );
  const breaks = scale.breaks.map((b) => {
    const band = tag('rect', { x: b.x0, y: 0, width: b.x1 - b.x0, height: bottom });
    const mark = tag('text', { x: (b.x0 + b.x1) / 2, y: g.axisH - 6, 'text-anchor': 'middle' }, '‖');
    return tag(
      'g',
      { class: 'break' },
      band + mark + title(`stopped for ${formatDuration(b.endMs - b.startMs)} between attempts`),
    );
  });
  const resumes = attempts
    .filter((a) => a.index > 1)
    .map((a) => {
      const x = scale.x(a.startMs);
      const what = `attempt ${a.index}: ${a.resumed ? 'resumed ' : ''}${a.kind} at ${clock(a.startMs)}`;
      return tag('line', { class: 'attempt', x1: x, x2: x, y1: g.axisH, y2: bottom }, title(what));
    });
  const body =
    phase.nodes.length === 0
      ? [phaseRow(phase, scale, g)]
      : phase.nodes.map((node, i) => nodeRow(node, i, scale, g, hatch));
  const svg = {
    class: 'timeline',
    'data-phase': phase.id,
    xmlns: 'http://www.w3.org/2000/svg',
    width: g.width,
    height,
    viewBox: `0 0 ${g.width} ${height}`,
    'font-size': g.fontPx,
    role: 'img',
    'aria-label': `timeline of ${phase.title}`,
  };
  return tag(
    'svg',
    svg,
    ['', `<defs>${pattern}</defs>`, axis(scale, g, bottom), ...breaks, ...resumes, ...body, ''].join('\n'),
  );
}

function axis(scale: TimeScale, g: TimelineGeometry, bottom: number): string {
  const step = scale.ticks.length > 1 ? scale.ticks[1]! - scale.ticks[0]! : 1000;
  const nearBreak = (x: number) => scale.breaks.some((b) => x > b.x0 - 18 && x < b.x1 + 18);
  const ticks = scale.ticks.map((t) => {
    const x = scale.x(t);
    const line = tag('line', { class: 'grid', x1: x, x2: x, y1: g.axisH - 4, y2: bottom });
    if (nearBreak(x)) return line;
    return (
      line +
      tag(
        'text',
        { class: 'tick', x, y: g.axisH - 7, 'text-anchor': 'middle' },
        esc(tickLabel(t - scale.startMs, step)),
      )
    );
  });
  return tag('g', { class: 'axis' }, ticks.join(''));
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

function label(text: string, y: number, g: TimelineGeometry, cls: string, hover: string): string {
  const shown = text.length > 34 ? `${text.slice(0, 33)}…` : text;
  return tag('text', { class: cls, x: g.labelW - 8, y, 'text-anchor': 'end' }, esc(shown) + title(hover));
}

const lane = (g: TimelineGeometry, top: number, odd = false): string =>
  tag('rect', { class: odd ? 'lane odd' : 'lane', x: g.labelW, y: top, width: g.chartW, height: g.rowH });

function phaseRow(phase: ReportPhase, scale: TimeScale, g: TimelineGeometry): string {
  const top = g.axisH;
  const y = top + (g.rowH - g.barH) / 2;
  const bars = phase.spans.map((s) =>
    bar('bar phase-work', scale, s, y, g.barH, `${phase.title}: ${during(s)}${s.status ? `, ${s.status}` : ''}`),
  );
  const name = label(phase.title, top + g.rowH / 2 + g.fontPx / 3, g, 'label', `${phase.title} (${phase.id})`);
  return tag('g', { class: 'phase-row', 'data-phase': phase.id }, lane(g, top) + name + bars.join(''));
}

function nodeRow(node: ReportNode, i: number, scale: TimeScale, g: TimelineGeometry, hatch: string): string {
  const top = g.axisH + i * g.rowH;
  const y = top + (g.rowH - g.barH) / 2;
  const textY = top + g.rowH / 2 + g.fontPx / 3;
  const hover = [
    `${node.node} (${node.role}) ${node.status}`,
    node.durationMs > 0 ? `, ${formatDuration(node.durationMs)}` : '',
    node.evictions > 0 ? `, ${node.evictions} evictions` : '',
    node.onCriticalPath ? ', on the critical path' : '',
    node.error ? `: ${node.error}` : '',
  ].join('');
  const parts = [
    lane(g, top, i % 2 === 1),
    node.onCriticalPath ? tag('rect', { class: 'critical-mark', x: 0, y: top + 1, width: 4, height: g.rowH - 2 }) : '',
    label(node.node, textY, g, 'label', hover),
  ];
  if (node.steps.length > 0) parts.push(...node.steps.map((s) => stepBar(node, s, scale, y, g)));
  else {
    const worked = node.segments.filter((s) => s.endMs > s.startMs);
    parts.push(
      ...worked.map((s) =>
        bar('bar seg', scale, s, y, g.barH, `${node.node}: worked on for ${during(s)}; no step detail in the run log`),
      ),
    );
  }
  for (const w of node.pdbWaits) {
    const x0 = scale.x(w.startMs);
    const width = Math.max(2, scale.x(w.endMs) - x0);
    const refusals = `${w.refusals} refusal${w.refusals === 1 ? '' : 's'}`;
    const by = w.pdb ? `PDB ${w.pdb}` : 'a PDB';
    const why = `${node.node}: ${w.pod} blocked by ${by} for ${during(w)}, ${refusals}: ${w.message}`;
    const rect = { class: 'bar pdb', x: x0, y, width, height: g.barH, fill: `url(#${hatch})`, 'data-pdb': w.pdb ?? '' };
    parts.push(tag('rect', rect, title(why)));
    if (width > 80 && w.pdb) parts.push(tag('text', { class: 'pdb-label', x: x0 + 3, y: textY }, esc(w.pdb)));
  }
  if (node.status === 'skipped') {
    const x = node.startMs !== undefined ? scale.x(node.startMs) + 4 : g.labelW + 4;
    parts.push(note(x, textY, `skipped${node.detail ? `: ${node.detail}` : ''}`));
  }
  if (node.status === 'pending') parts.push(note(g.labelW + 4, textY, 'not reached'));
  const cls = `node-row status-${node.status}${node.onCriticalPath ? ' critical' : ''}`;
  return tag('g', { class: cls, 'data-node': node.node, 'data-status': node.status }, parts.join(''));
}

function stepBar(node: ReportNode, s: StepSpan, scale: TimeScale, y: number, g: TimelineGeometry): string {
  const cls = `bar step step-${s.category}${s.interrupted ? ' interrupted' : ''}${s.failed ? ' failed' : ''}`;
  const what = s.category === 'driver' ? `node driver (${s.step})` : CATEGORY_LABEL[s.category];
  const tail = [
    s.detail ? `, ${s.detail}` : '',
    s.failed ? ', failed' : '',
    s.interrupted ? ', interrupted (the attempt ended)' : '',
  ];
  return bar(cls, scale, s, y, g.barH, `${node.node}: ${what} ${during(s)}${tail.join('')}`, s.category);
}

function bar(cls: string, scale: TimeScale, s: TimeSpan, y: number, h: number, hover: string, step?: string): string {
  const x0 = scale.x(s.startMs);
  const width = Math.max(1, scale.x(s.endMs) - x0);
  return tag('rect', { class: cls, x: x0, y, width, height: h, 'data-step': step }, title(hover));
}

const note = (x: number, y: number, text: string): string => tag('text', { class: 'note', x, y }, esc(text));

/** Coordinates with at most one decimal: smaller files, stable output. */
const n = (v: number): string => String(Math.round(v * 10) / 10);
