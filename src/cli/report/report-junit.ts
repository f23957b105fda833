/**
 * The run report as JUnit XML, for CI systems that show test results: one `<testsuite>` per phase, one
 * `<testcase>` per node with its duration. A failed node is a `<failure>` with its message; a node the run did
 * not finish (paused at a step, interrupted, not reached) or did not need (already at the target) is
 * `<skipped>` with why. A phase without nodes (etcd snapshot, postflight) is one test case of its own.
 * Every string is escaped for XML.
 */
import type { ReportNode, ReportPhase, RunReport } from '../../upgrade/report/index.js';
import { escapeXml as x } from './escape.js';
import { formatDuration } from './report-format.js';

export function renderReportJunit(r: RunReport, o: { generatedAt: string }): string {
  const suites = r.phases.map((p) => suite(r, p, o.generatedAt));
  const cases = r.phases.map((p) => (p.nodes.length > 0 ? p.nodes.length : 1)).reduce((a, b) => a + b, 0);
  const failures = r.phases.reduce(
    (s, p) =>
      s + (p.nodes.length > 0 ? p.nodes.filter((n) => n.status === 'failed').length : p.status === 'failed' ? 1 : 0),
    0,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${x(`k8s-upgrade ${r.plan.name}`)}" tests="${cases}" failures="${failures}" errors="0" ` +
      `time="${sec(r.totals.makespanMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(r: RunReport, p: ReportPhase, timestamp: string): string {
  const cases = p.nodes.length > 0 ? p.nodes.map((n) => nodeCase(r, p, n)) : [phaseCase(p)];
  const failures =
    p.nodes.length > 0 ? p.nodes.filter((n) => n.status === 'failed').length : p.status === 'failed' ? 1 : 0;
  const skipped =
    p.nodes.length > 0
      ? p.nodes.filter((n) => n.status !== 'failed' && n.status !== 'done').length
      : p.status === 'done' || p.status === 'failed'
        ? 0
        : 1;
  const time = p.startMs !== undefined && p.endMs !== undefined ? p.endMs - p.startMs : 0;
  const started = p.startMs !== undefined ? new Date(p.startMs).toISOString() : timestamp;
  const properties = [property('title', p.title), property('status', p.status), property('run', r.runId)];
  return [
    `  <testsuite name="${x(p.id)}" tests="${cases.length}" failures="${failures}" errors="0" ` +
      `skipped="${skipped}" time="${sec(time)}" timestamp="${x(started)}">`,
    `    <properties>${properties.join('')}</properties>`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

function nodeCase(r: RunReport, p: ReportPhase, n: ReportNode): string {
  const open = `    <testcase classname="${x(p.id)}" name="${x(n.node)}" time="${sec(n.durationMs)}"`;
  const out = systemOut(n);
  switch (n.status) {
    case 'done':
      return out ? `${open}>\n${out}\n    </testcase>` : `${open}/>`;
    case 'failed': {
      const message = `${n.failedStep ? `${n.failedStep}: ` : ''}${n.error ?? 'failed'}`;
      const type = x(n.failedStep ?? 'failed');
      const failure = `      <failure message="${x(message)}" type="${type}">${x(message)}</failure>`;
      return [`${open}>`, failure, ...(out ? [out] : []), '    </testcase>'].join('\n');
    }
    default: {
      const why = skipReason(r, n);
      return `${open}>\n      <skipped message="${x(why)}"/>${out ? `\n${out}` : ''}\n    </testcase>`;
    }
  }
}

function phaseCase(p: ReportPhase): string {
  const time = p.startMs !== undefined && p.endMs !== undefined ? p.endMs - p.startMs : 0;
  const open = `    <testcase classname="${x(p.id)}" name="${x(p.title)}" time="${sec(time)}"`;
  if (p.status === 'done') return `${open}/>`;
  if (p.status === 'failed')
    return `${open}>\n      <failure message="${x(`${p.title} failed`)}" type="phase"/>\n    </testcase>`;
  return `${open}>\n      <skipped message="${x(`phase ${p.status}`)}"/>\n    </testcase>`;
}

function skipReason(r: RunReport, n: ReportNode): string {
  if (n.status === 'skipped') return n.detail ?? `already at ${n.to}: nothing to do`;
  if (n.status === 'pending')
    return `not reached: the run ${r.outcome === 'running' ? 'has not got there' : `stopped (${r.outcome}) before it`}`;
  const at = n.failedStep ? ` at ${n.failedStep}` : n.steps.at(-1) ? ` at ${n.steps.at(-1)!.step}` : '';
  return `${r.outcome === 'running' ? 'interrupted' : 'paused'}${at}${n.error ? `: ${n.error}` : ''}`;
}

function systemOut(n: ReportNode): string {
  const lines = [
    ...n.steps.map(
      (s) =>
        `${s.step} ${formatDuration(s.endMs - s.startMs)}` +
        `${s.interrupted ? ' (interrupted)' : ''}${s.failed ? ' (failed)' : ''}`,
    ),
    ...(n.evictions > 0 ? [`evictions: ${n.evictions}`] : []),
    ...n.pdbWaits.map(
      (w) => `blocked by ${w.pdb ? `PDB ${w.pdb}` : 'a PDB'} for ${formatDuration(w.endMs - w.startMs)}: ${w.pod}`,
    ),
  ];
  return lines.length > 0 ? `      <system-out>${x(lines.join('\n'))}</system-out>` : '';
}

const property = (name: string, value: string): string => `<property name="${x(name)}" value="${x(value)}"/>`;

const sec = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);
