/** The report page's one inline stylesheet (the page loads nothing: its Content-Security-Policy forbids it). */

/** Step colours: the chart's bars and the legend's swatches. */
export const STEP_COLOURS = {
  cordon: '#8e9aaf',
  drain: '#4c78a8',
  driver: '#f58518',
  'wait-ready': '#54a24b',
  uncordon: '#b279a2',
  gate: '#2a9d8f',
  pdb: '#d62728',
} as const;

const c = STEP_COLOURS;

export const REPORT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; color: #1d2330; background: #fff; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; border-bottom: 1px solid #dde1e8; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 18px 0 4px; }
h3 .meta, .sub { color: #5b6475; font-weight: normal; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.outcome { display: inline-block; padding: 1px 10px; border-radius: 10px; color: #fff; font-size: 13px; }
.outcome { vertical-align: 3px; margin-right: 8px; }
.outcome-done { background: #2e7d32; } .outcome-paused, .outcome-running { background: #b26a00; }
.outcome-failed, .outcome-blocked, .outcome-locked, .outcome-invalid { background: #c62828; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; padding: 0; }
.card { border: 1px solid #dde1e8; border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.card dt { color: #5b6475; font-size: 12px; } .card dd { margin: 0; font-size: 18px; font-weight: 600; }
.card dd small { font-size: 12px; font-weight: normal; color: #5b6475; }
.stop { border-left: 4px solid #c62828; background: #fdf1f1; padding: 8px 14px; margin: 12px 0; }
.stop.paused { border-color: #b26a00; background: #fff7e8; }
.stop pre { margin: 4px 0 0; white-space: pre-wrap; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eef0f4; vertical-align: top; }
th { font-size: 12px; color: #5b6475; font-weight: 600; }
td.num, th.num { text-align: right; padding-right: 14px; }
tr.critical td:first-child { border-left: 3px solid #6a3cc2; padding-left: 6px; }
.status-failed { color: #c62828; } .status-done { color: #2e7d32; } .status-skipped, .status-pending { color: #7a8294; }
.status-in-progress, .status-paused, .status-running { color: #b26a00; }
.sev-blocker { color: #c62828; font-weight: 600; } .sev-warning { color: #b26a00; } .sev-info { color: #5b6475; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; list-style: none; padding: 0; margin: 8px 0 4px; }
.legend { font-size: 12.5px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 22px; height: 11px; border-radius: 2px; }
.swatch-cordon { background: ${c.cordon}; } .swatch-drain { background: ${c.drain}; }
.swatch-driver { background: ${c.driver}; }
.swatch-wait-ready { background: ${c['wait-ready']}; } .swatch-uncordon { background: ${c.uncordon}; }
.swatch-gate { background: ${c.gate}; }
.swatch-pdb { background: repeating-linear-gradient(45deg, ${c.pdb} 0 3px, #fbd0d0 3px 6px); }
.swatch-critical { background: #6a3cc2; width: 5px; }
.swatch-interrupted { background: #bbb; opacity: .5; border: 1px dashed #333; }
.chart { overflow-x: auto; }
svg.timeline { display: block; font-family: system-ui, sans-serif; }
svg .lane { fill: #f7f8fa; } svg .lane.odd { fill: #eff1f5; }
svg .grid { stroke: #d5d9e1; stroke-width: 1; } svg .tick { fill: #5b6475; font-size: 10px; }
svg .label { fill: #1d2330; } svg .critical .label { font-weight: 700; fill: #4b2596; }
svg .critical-mark { fill: #6a3cc2; }
svg .status-skipped .label, svg .status-pending .label { fill: #7a8294; }
svg .note { fill: #7a8294; font-style: italic; }
svg .step-cordon { fill: ${c.cordon}; } svg .step-drain { fill: ${c.drain}; } svg .step-driver { fill: ${c.driver}; }
svg .step-wait-ready { fill: ${c['wait-ready']}; } svg .step-uncordon { fill: ${c.uncordon}; }
svg .step-gate { fill: ${c.gate}; }
svg .seg { fill: #9aa3b5; } svg .phase-work { fill: #5b6475; }
svg .interrupted { opacity: .45; stroke: #333; stroke-dasharray: 2 2; }
svg .failed { stroke: #c62828; stroke-width: 2; }
svg .pdb { stroke: ${c.pdb}; stroke-width: .8; } svg .pdb-bg { fill: #fbd0d0; } svg .pdb-stripe { fill: ${c.pdb}; }
svg .pdb-label { fill: #5a0d0d; font-size: 10px; font-weight: 600; pointer-events: none; }
svg .pdb-label { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .break rect { fill: #e6e8ee; } svg .break text { fill: #5b6475; }
svg .attempt { stroke: #6a3cc2; stroke-dasharray: 4 3; stroke-width: 1.5; }
footer { margin-top: 36px; color: #7a8294; font-size: 12px; }
`;
