/**
 * The closing summary of `apply` (after the progress output): the outcome and duration, a table of the nodes
 * (phase, node, status, duration, evictions, time blocked by PDBs), the totals, and for a run that stopped,
 * what stopped it and the commands to run next. Deterministic, plain text unless `color`: golden-tested.
 */
import type { NodeSummary, RunOutcome, RunSummary } from '../../upgrade/run/index.js';
import { formatDuration } from './progress/format.js';
import { columns, makeStyle, plural, type Style } from './style.js';

const HEADLINE: Record<RunOutcome, string> = {
  done: 'Upgrade done',
  failed: 'Upgrade failed',
  blocked: 'Upgrade blocked',
  paused: 'Upgrade paused (resumable)',
  locked: 'Upgrade not started: another run holds the cluster lock',
  invalid: 'Upgrade not started: invalid input',
};

const NODE_STATUSES: NodeSummary['status'][] = ['done', 'skipped', 'failed', 'paused', 'in-progress', 'pending'];

export const renderRunSummary = (summary: RunSummary, opts: { color: boolean }): string => {
  const s = makeStyle(opts.color);
  const took =
    summary.outcome === 'done'
      ? ` in ${formatDuration(summary.durationMs)}`
      : summary.outcome === 'locked' || summary.outcome === 'invalid'
        ? ''
        : ` after ${formatDuration(summary.durationMs)}`;
  const sections: string[][] = [
    [
      `${paintOutcome(s, summary.outcome, HEADLINE[summary.outcome])}${took}  ${s.dim(`run ${summary.runId}, ${summary.plan}`)}`,
    ],
  ];
  if (summary.nodes.length > 0) sections.push(nodeTable(summary.nodes, s), [totals(summary)]);
  if (summary.stoppedBy) sections.push(stopped(summary.stoppedBy, s));
  return `${sections.map((x) => x.join('\n')).join('\n\n')}\n`;
};

const nodeTable = (nodes: readonly NodeSummary[], s: Style): string[] => {
  const rows = nodes.map((n, i) => [
    i > 0 && nodes[i - 1]!.phase === n.phase ? '' : n.phase,
    n.node,
    n.status,
    n.status === 'pending' || n.status === 'skipped' ? '-' : formatDuration(n.durationMs),
    n.evictions > 0 ? String(n.evictions) : '-',
    n.blockedMs > 0 ? formatDuration(n.blockedMs) : '-',
  ]);
  return columns([['PHASE', 'NODE', 'STATUS', 'DURATION', 'EVICTIONS', 'BLOCKED'], ...rows], {
    paint: (r, c, t) => (r === 0 ? s.bold(t) : c === 2 ? paintNode(s, nodes[r - 1]!.status, t) : t),
  });
};

const totals = (summary: RunSummary): string => {
  const counts = NODE_STATUSES.map((st) => [st, summary.nodes.filter((n) => n.status === st).length] as const)
    .filter(([, n]) => n > 0)
    .map(([st, n]) => `${n} ${st}`);
  const blocked = summary.blockedMs > 0 ? `, ${formatDuration(summary.blockedMs)} waiting on PodDisruptionBudgets` : '';
  return `Totals: ${plural(summary.nodes.length, 'node')} (${counts.join(', ')}); ${plural(summary.evictions, 'eviction')}${blocked}`;
};

const stopped = (stop: NonNullable<RunSummary['stoppedBy']>, s: Style): string[] => {
  const where = [stop.phase ? `[${stop.phase}]` : undefined, stop.node, stop.step].filter(Boolean).join(' ');
  return [
    `${s.bold('Stopped by:')} ${where ? `${where}: ` : ''}${stop.message}`,
    ...(stop.next.length > 0 ? [s.bold('Next:'), ...stop.next.map((n) => `  ${n}`)] : []),
  ];
};

const paintOutcome = (s: Style, o: RunOutcome, t: string): string =>
  o === 'done' ? s.green(t) : o === 'paused' ? s.yellow(t) : s.red(t);

export const paintNode = (s: Style, status: string, t: string): string =>
  status === 'done'
    ? s.green(t)
    : status === 'failed'
      ? s.red(t)
      : status === 'in-progress' || status === 'running' || status === 'paused'
        ? s.yellow(t)
        : status === 'skipped' || status === 'pending'
          ? s.dim(t)
          : t;
