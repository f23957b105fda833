/**
 * The report's renderers: the HTML page is self-contained (no external resource, a CSP that forbids loads) and
 * escapes every name from the cluster; it has one row per node and the legend, and shrinks its rows for 500
 * nodes. The JUnit XML is well-formed (parsed back) with a suite per phase and a case per node (failure,
 * skipped with why). The Markdown summary is a table whose cells cannot be broken by a name. The time scale
 * squeezes a long pause between attempts.
 */
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  escapeMarkdownCell,
  escapeXml,
  makeTimeScale,
  renderReportHtml,
  renderReportJunit,
  renderReportMarkdown,
} from '../../../src/cli/report/index.js';
import { buildRunReport, type RunReport } from '../../../src/upgrade/report/index.js';
import type { UpgradeEvent } from '../../../src/upgrade/run/events.js';
import type { RunState } from '../../../src/upgrade/run/run-state-types.js';
import { findAll, parseXml } from '../../helpers/xml.js';
import { pausedRun, pausedState } from '../render/run-events.js';
import {
  BLUE,
  doneEvents,
  doneState,
  ms,
  nodeState,
  plan,
  PLAN_PATH,
  resumedEvents,
  resumedState,
} from './report-fixtures.js';

/** Not valid Kubernetes names, but a report must survive whatever a log or a state file holds. */
const EVIL_NODE = 'blue-2"><script>alert(1)</script>|x';
const EVIL_POD = "shop/<img src=x onerror=alert('pod')>";
const EVIL_PDB = 'web-pdb"><svg onload=alert(2)>&amp;';

const swap = <T>(v: T, from: string, to: string): T =>
  JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === 'string' ? x.split(from).join(to) : x)) as T;

const hostile = (): { state: RunState; events: UpgradeEvent[] } => {
  let events = swap(swap(doneEvents(), 'blue-2', EVIL_NODE), 'shop/web-1', EVIL_POD);
  events = events.map((e) =>
    e.type === 'eviction-blocked' ? { ...e, pdb: EVIL_PDB, message: 'refused \u0007 by <b>budget</b> & co' } : e,
  );
  return { state: swap(doneState(), 'blue-2', EVIL_NODE), events };
};

const report = (state: RunState = doneState(), events: UpgradeEvent[] = doneEvents()): RunReport =>
  buildRunReport({ plan: plan(), planPath: PLAN_PATH, state, events });
const html = (r: RunReport) =>
  renderReportHtml(r, { generatedAt: '2026-08-21T20:00:00.000Z', generator: 'k8s-upgrade test' });

describe('HTML report', () => {
  it('escapes node, pod and PDB names and messages: no markup gets through', () => {
    const { state, events } = hostile();
    const page = html(report(state, events));
    expect(page).not.toMatch(/<script|<img|<svg onload|<b>/i);
    expect(page).toContain(escapeHtml(EVIL_NODE));
    expect(page).toContain(`data-node="${escapeHtml(EVIL_NODE)}"`);
    expect(page).toContain(escapeHtml(EVIL_POD));
    expect(page).toContain(`data-pdb="${escapeHtml(`shop/${EVIL_PDB}`)}"`);
    expect(page).toContain('web-pdb&quot;&gt;&lt;svg onload=alert(2)&gt;&amp;amp;');
    expect(page).toContain('by &lt;b&gt;budget&lt;/b&gt; &amp; co');
  });

  it('is self-contained: nothing to fetch, and a Content-Security-Policy that forbids every load', () => {
    const page = html(report());
    expect(page).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; ` +
        `style-src 'unsafe-inline'; img-src data:`,
    );
    expect(page).not.toMatch(/\s(src|href)=|<link|<script|@import|url\((?!#)/i);
    const urls = [...page.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'https://127.0.0.1:6443']));
  });

  it('draws one row per node, grouped by phase, with steps, PDB waits, the critical path and the legend', () => {
    const page = html(report());
    expect([...page.matchAll(/<g class="node-row[^"]*" data-node="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'cp-1',
      'blue-1',
      'blue-2',
      'blue-3',
      'blue-4',
    ]);
    expect([...page.matchAll(/<g class="phase-row" data-phase="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'etcd-snapshot',
      'postflight',
    ]);
    expect([...page.matchAll(/<section class="phase" data-phase="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'etcd-snapshot',
      'control-plane/v1.32.0',
      BLUE,
      'postflight',
    ]);
    expect([...page.matchAll(/<li class="legend-item" data-category="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'cordon',
      'drain',
      'driver',
      'wait-ready',
      'uncordon',
      'gate',
      'pdb',
      'critical',
      'interrupted',
    ]);
    expect([...page.matchAll(/class="node-row [^"]*critical" data-node="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'cp-1',
      'blue-2',
    ]);
    expect(page.match(/data-step="driver"/g)).toHaveLength(4);
    expect(page).toMatch(/<text class="pdb-label"[^>]*>shop\/web-pdb<\/text>/);
    expect(page).toContain('skipped: already at v1.32.0');
    expect(page).toMatch(
      new RegExp(
        [
          '<tr[^>]*><td>blue-2</td><td class="mono">workers/v1.32.0/pool=blue</td><td>worker</td>',
          '<td>v1.31.4 → v1.32.0</td><td class="status-done">done</td><td class="num">21s</td>',
          '<td class="num">2</td><td class="num">10s</td><td>1 \\(shop/web-pdb\\)</td>',
        ].join(''),
      ),
    );
  });

  it('shows why a paused run stopped and marks its failed step', () => {
    const page = html(buildRunReport({ plan: plan(), planPath: PLAN_PATH, state: pausedState(), events: pausedRun() }));
    expect(page).toContain('<span class="outcome outcome-paused" id="outcome">paused</span>Upgrade paused (resumable)');
    expect(page).toContain(
      '<div class="stop paused"><strong>Stopped (paused) at [workers/v1.32.0/pool=blue] blue-2 health-gate:</strong> ' +
        'health gate failed after 300s',
    );
    expect(page).toMatch(/class="bar step step-gate failed"/);
    expect(page).toContain('not reached');
  });

  it('sizes the chart to the node count: 500 nodes in 10-pixel rows', () => {
    const names = Array.from({ length: 500 }, (_, i) => `w-${String(i + 1).padStart(3, '0')}`);
    const base = doneState();
    const state: RunState = {
      ...base,
      phases: [
        {
          ...base.phases[2]!,
          nodes: names.map((n, i) =>
            nodeState(n, 'worker', 'done', {
              startedAt: new Date(ms(19 + i)).toISOString(),
              finishedAt: new Date(ms(30 + i)).toISOString(),
              durationMs: 11_000,
            }),
          ),
        },
      ],
    };
    const page = html(report(state, []));
    expect(page.match(/<g class="node-row/g)).toHaveLength(500);
    const svg = /<svg class="timeline" data-phase="[^"]+" [^>]* height="(\d+)"/.exec(page)!;
    expect(Number(svg[1])).toBe(20 + 500 * 10 + 4);
    expect(page.length).toBeLessThan(1_000_000);
  });
});

describe('JUnit report', () => {
  it('is well-formed: a suite per phase, a case per node with its time, skipped with why', () => {
    const doc = parseXml(renderReportJunit(report(), { generatedAt: '2026-08-21T20:00:00.000Z' }));
    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ tests: '7', failures: '0', time: '43.200' });
    const suites = findAll(doc, 'testsuite');
    expect(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.skipped])).toEqual([
      ['etcd-snapshot', '1', '0'],
      ['control-plane/v1.32.0', '1', '0'],
      [BLUE, '4', '1'],
      ['postflight', '1', '0'],
    ]);
    const blue = findAll(suites[2]!, 'testcase');
    expect(blue.map((c) => [c.attrs.name, c.attrs.time, c.attrs.classname])).toEqual([
      ['blue-1', '0.000', BLUE],
      ['blue-2', '21.000', BLUE],
      ['blue-3', '8.000', BLUE],
      ['blue-4', '6.900', BLUE],
    ]);
    expect(findAll(blue[0]!, 'skipped')[0]!.attrs.message).toBe('already at v1.32.0');
    expect(findAll(blue[1]!, 'system-out')[0]!.text).toContain('blocked by PDB shop/web-pdb for 10s: shop/web-1');
  });

  it('makes a failed node a <failure> with its message and a node not reached a <skipped>', () => {
    const doc = parseXml(
      renderReportJunit(
        buildRunReport({ plan: plan(), planPath: PLAN_PATH, state: pausedState(), events: pausedRun() }),
        { generatedAt: 'x' },
      ),
    );
    const cases = new Map(findAll(doc, 'testcase').map((c) => [c.attrs.name, c]));
    expect(findAll(cases.get('blue-2')!, 'failure')[0]!.attrs).toEqual({
      message: 'health-gate: health gate failed after 300s: workloads-available',
      type: 'health-gate',
    });
    expect(findAll(cases.get('green-1')!, 'skipped')[0]!.attrs.message).toBe(
      'not reached: the run stopped (paused) before it',
    );
    expect(doc.attrs.failures).toBe('1');
  });

  it('says why a node of a paused run is skipped: paused at its step', () => {
    const state = pausedState();
    const blue2 = state.phases[2]!.nodes[1]!;
    blue2.status = 'in-progress';
    const doc = parseXml(
      renderReportJunit(buildRunReport({ plan: plan(), planPath: PLAN_PATH, state, events: pausedRun() }), {
        generatedAt: 'x',
      }),
    );
    const c = findAll(doc, 'testcase').find((x) => x.attrs.name === 'blue-2')!;
    expect(findAll(c, 'skipped')[0]!.attrs.message).toBe(
      'paused at health-gate: health gate failed after 300s: workloads-available',
    );
  });

  it('escapes names and messages (and drops characters XML cannot hold): they read back unchanged', () => {
    const { state, events } = hostile();
    state.phases[2]!.nodes[1]!.status = 'failed';
    state.phases[2]!.nodes[1]!.error = 'drain: <refused> by "web" & \u0001co';
    const xml = renderReportJunit(report(state, events), { generatedAt: 'x' });
    const doc = parseXml(xml);
    const c = findAll(doc, 'testcase').find((x) => x.attrs.name === EVIL_NODE)!;
    expect(c).toBeDefined();
    expect(findAll(c, 'failure')[0]!.attrs.message).toBe('drain: <refused> by "web" & \ufffdco');
    expect(findAll(c, 'system-out')[0]!.text).toContain(`blocked by PDB shop/${EVIL_PDB}`);
    expect(escapeXml('a\u0000b<')).toBe('a\ufffdb&lt;');
  });
});

describe('Markdown summary', () => {
  const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length - 2;

  it('is a table of outcome, duration, nodes, evictions and PDB waits, then the slowest nodes', () => {
    const md = renderReportMarkdown(report(), { htmlPath: 'plans/x.report.html' });
    const lines = md.split('\n');
    expect(lines[0]).toBe('### k8s-upgrade: Upgrade done — sandbox-v1.31.4-to-v1.32.0');
    expect(lines).toContain('| Outcome | **done** (v1.31.4 → v1.32.0) |');
    expect(lines).toContain('| Duration | 43s |');
    expect(lines).toContain('| Nodes | 5: 4 done, 1 skipped |');
    expect(lines).toContain('| Evictions | 3 |');
    expect(lines).toContain('| PDB waits | 1 wait, 10s (shop/web-pdb 10s) |');
    expect(lines).toContain('| Critical path | etcd-snapshot → cp-1 → blue-2 → postflight |');
    const slow = lines
      .slice(lines.indexOf('**Slowest nodes**') + 4)
      .filter((l) => l.startsWith('| '))
      .map((l) => l.split(' | ')[0]!.slice(2));
    expect(slow).toEqual(['blue-2 ◆', 'cp-1 ◆', 'blue-3', 'blue-4']);
    expect(md).toContain('Full report with the per-node timeline: `plans/x.report.html`');
  });

  it('keeps every table row to its columns whatever the names hold', () => {
    const { state, events } = hostile();
    const md = renderReportMarkdown(report(state, events));
    const table = md.split('\n').filter((l) => l.startsWith('|'));
    const head = table.findIndex((l) => l.startsWith('| Node |'));
    for (const l of table.slice(0, head)) expect(cells(l)).toBe(2);
    for (const l of table.slice(head)) expect(cells(l)).toBe(6);
    expect(md).not.toContain('<script>');
    expect(md).toContain(escapeMarkdownCell(EVIL_NODE));
  });

  it('says when the run was resumed and why a run stopped', () => {
    const md = renderReportMarkdown(report(resumedState(), resumedEvents()));
    expect(md).toContain('| Duration | 1h00m over 2 attempts (31s running) |');
    const paused = renderReportMarkdown(
      buildRunReport({ plan: plan(), planPath: PLAN_PATH, state: pausedState(), events: pausedRun() }),
    );
    expect(paused).toContain(
      '**Stopped** (paused) at workers/v1.32.0/pool=blue blue-2 health-gate: ' +
        'health gate failed after 300s: workloads-available',
    );
  });
});

describe('time scale', () => {
  it('squeezes a long pause between attempts and keeps the attempts to scale', () => {
    const s = makeTimeScale(
      { startMs: 0, endMs: 3622_000 },
      [
        { startMs: 0, endMs: 9000 },
        { startMs: 3600_000, endMs: 3622_000 },
      ],
      100,
      1000,
    );
    expect(s.x(0)).toBe(100);
    expect(s.x(3622_000)).toBeCloseTo(1100);
    expect(s.x(3600_000) - s.x(9000)).toBeCloseTo(28);
    expect((s.x(9000) - s.x(0)) / (s.x(3622_000) - s.x(3600_000))).toBeCloseTo(9 / 22);
    expect(s.breaks).toHaveLength(1);
    expect(s.ticks.every((t) => t <= 9000 || t >= 3600_000)).toBe(true);
  });
});
