/**
 * The run report from a real run: a small sandbox (one control-plane node, pools blue and green of three, a
 * Deployment of six replicas under a PodDisruptionBudget that lets one pod go at a time), planned and applied
 * in-process, then `writeRunReports`; the HTML is opened in headless Chromium. It renders with no console error,
 * exception or blocked load; its node rows and legend are in the DOM; the screenshot has the bars where the
 * chart is (coloured pixels in every done node's row, each legend swatch's colour). With REPORT_SCREENSHOT=PATH
 * the timeline's screenshot is also written there (README's docs/report-timeline.png is made so). Skipped when
 * Chromium is absent, except on CI (CI=true), where that fails.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { AppsV1Api, CoreV1Api, PolicyV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunReports } from '../../../src/cli/report/index.js';
import { STEP_COLOURS } from '../../../src/cli/report/report-css.js';
import { chromiumMissing, launchChromium, type Browser } from '../../helpers/chromium.js';
import { decodePng, type DecodedPng } from '../../helpers/png.js';
import { waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { findAll, parseXml } from '../../helpers/xml.js';
import { runApply, startApplySandbox, writePlan } from '../upgrade/apply-helpers.js';

const missing = chromiumMissing();

describe('chromium (report test)', () => {
  it('is installed when CI=true requires the report rendering test to run', () => {
    if (process.env.CI === 'true') expect(missing, 'CI=true: install chromium (.ci/run does)').toBeUndefined();
  });
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pixels in `box` (screenshot coordinates) whose colour is saturated: bars, not the white page or grey lanes. */
const colouredIn = (png: DecodedPng, box: Box): number => {
  let n = 0;
  for (let y = Math.max(0, Math.floor(box.y)); y < Math.min(png.height, box.y + box.height); y++) {
    for (let x = Math.max(0, Math.floor(box.x)); x < Math.min(png.width, box.x + box.width); x++) {
      const [r, g, b] = png.pixel(x, y);
      if (Math.max(r, g, b) - Math.min(r, g, b) > 40) n++;
    }
  }
  return n;
};

const hex = (c: string): [number, number, number] =>
  [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];

describe.skipIf(!!missing)(`run report in headless Chromium${missing ? ` — SKIPPED: ${missing}` : ''}`, () => {
  let t: TestSandbox;
  let browser: Browser | undefined;
  let planPath: string;

  beforeAll(async () => {
    t = await startApplySandbox({
      version: 'v1.31.4',
      controlPlanes: 1,
      pools: [
        { name: 'blue', count: 3 },
        { name: 'green', count: 3 },
      ],
    });
    const core = t.kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
    const container = {
      name: 'web',
      image: 'registry.example.com/web:1.0',
      resources: { requests: { cpu: '50m', memory: '32Mi' } },
    };
    await t.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: 'shop',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 6,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } },
        },
      },
    });
    await t.kc.makeApiClient(PolicyV1Api).createNamespacedPodDisruptionBudget({
      namespace: 'shop',
      body: { metadata: { name: 'web-pdb' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } },
    });
    await waitFor(
      async () => {
        const pods = (await core.listNamespacedPod({ namespace: 'shop' })).items;
        return (
          pods.length === 6 &&
          pods.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        );
      },
      'shop/web Ready',
      30_000,
    );
    ({ path: planPath } = await writePlan(t, { workers: ['pool=blue', 'pool=green'], maxUnavailable: '2' }));
    const { summary } = await runApply(t, planPath);
    expect(summary.outcome, JSON.stringify(summary.stoppedBy)).toBe('done');
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('writes the three reports of the run, mode 0600; the JUnit file has a case per node', () => {
    const { files, report } = writeRunReports(planPath, { generator: 'k8s-upgrade test' });
    expect(files.map((f) => f.format)).toEqual(['html', 'markdown', 'junit']);
    for (const f of files) expect(statSync(f.path).mode & 0o777).toBe(0o600);
    const rows = report.phases.flatMap((p) => p.nodes.map((n) => n.node));
    expect(rows.sort()).toEqual(['blue-1', 'blue-2', 'blue-3', 'cp-1', 'green-1', 'green-2', 'green-3']);
    expect(report.phases.flatMap((p) => p.nodes).every((n) => n.status === 'done' && n.steps.length >= 5)).toBe(true);
    expect(report.totals.evictions).toBeGreaterThanOrEqual(6);
    // Six replicas on six workers under maxUnavailable 1, two nodes draining at once: some eviction waited
    // (coredns's budget in kube-system may have made one wait too).
    expect(report.totals.pdbs.map((p) => p.pdb)).toContain('shop/web-pdb');
    expect(report.totals.pdbWaits).toBeGreaterThan(0);
    expect(report.criticalPath.filter((l) => l.kind === 'node').length).toBeGreaterThanOrEqual(3);
    const junit = parseXml(readFileSync(files[2]!.path, 'utf8'));
    const nodeless = report.phases.filter((p) => p.nodes.length === 0).map((p) => p.title);
    expect(
      findAll(junit, 'testcase')
        .map((c) => c.attrs.name)
        .sort(),
    ).toEqual([...rows, ...nodeless].sort());
  });

  it('renders in Chromium: no console error, the node rows and the legend in the DOM, bars on screen', async () => {
    const { files, report } = writeRunReports(planPath, { generator: 'k8s-upgrade test', formats: ['html'] });
    const b = browser!;
    await b.open(pathToFileURL(files[0]!.path).href, { width: 1280, height: 900 });
    const dom = await b.evaluate<{ rows: string[]; legend: string[]; svgs: number; pdbs: string[]; title: string }>(`({
      rows: [...document.querySelectorAll('g.node-row')].map((g) => g.dataset.node),
      legend: [...document.querySelectorAll('#legend .legend-item')].map((li) => li.dataset.category),
      svgs: document.querySelectorAll('svg.timeline').length,
      pdbs: [...new Set([...document.querySelectorAll('rect.pdb')].map((r) => r.dataset.pdb))],
      title: document.title,
    })`);
    expect(b.problems).toEqual({ console: [], exceptions: [], log: [] });
    expect(dom.rows).toEqual(report.phases.flatMap((p) => p.nodes.map((n) => n.node)));
    expect(dom.legend).toEqual([
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
    expect(dom.svgs).toBe(report.phases.length);
    expect(dom.pdbs).toEqual(
      report.totals.pdbs.map((p) => p.pdb).sort((a, c) => dom.pdbs.indexOf(a) - dom.pdbs.indexOf(c)),
    );
    expect(dom.pdbs).toContain('shop/web-pdb');
    expect(dom.title).toBe(`Upgrade done — ${report.plan.name}`);

    // Where the chart is, there are bars: every done node's row has coloured pixels in the chart column.
    const boxes = await b.evaluate<{ chart: Box; rows: (Box & { node: string })[]; legend: Box }>(`(() => {
      const box = (el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
      };
      const first = document.querySelector('#timeline');
      const sections = [...document.querySelectorAll('section.phase')];
      const last = box(sections.at(-1));
      const top = box(first).y - 8;
      return {
        chart: { x: 0, y: top, width: 1260, height: last.y + last.height - top + 8 },
        rows: [...document.querySelectorAll('g.node-row rect.lane')]
          .map((r) => ({ ...box(r), node: r.parentElement.dataset.node })),
        legend: box(document.querySelector('#legend')),
      };
    })()`);
    const shot = await b.screenshot(boxes.chart);
    const png = decodePng(shot);
    expect([png.width, png.height]).toEqual([Math.round(boxes.chart.width), Math.round(boxes.chart.height)]);
    for (const row of boxes.rows) {
      const inShot = { ...row, x: row.x - boxes.chart.x, y: row.y - boxes.chart.y };
      expect(colouredIn(png, inShot), `bars in the row of ${row.node}`).toBeGreaterThan(50);
    }
    // Between the rows' lanes and the legend there is white page: the count is not everything coloured.
    expect(colouredIn(png, { x: 0, y: 0, width: png.width, height: png.height })).toBeLessThan(
      png.width * png.height * 0.5,
    );
    // The legend's swatches show the step colours.
    const legend = decodePng(await b.screenshot(boxes.legend));
    const seen = new Set<string>();
    for (let y = 0; y < legend.height; y++) {
      for (let x = 0; x < legend.width; x++) {
        const [r, g, bl] = legend.pixel(x, y);
        for (const [name, c] of Object.entries(STEP_COLOURS)) {
          const [cr, cg, cb] = hex(c);
          if (Math.abs(r - cr) + Math.abs(g - cg) + Math.abs(bl - cb) < 12) seen.add(name);
        }
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(STEP_COLOURS).sort());
    if (process.env.REPORT_SCREENSHOT) writeFileSync(process.env.REPORT_SCREENSHOT, shot);
  });
});
