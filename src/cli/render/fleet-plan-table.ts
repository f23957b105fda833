/**
 * What `fleet plan` prints: one table (stage, cluster, from → to, nodes, blockers by id, safe), the clusters that
 * could not be planned with why, totals per stage and overall, and the next command. Deterministic, plain text
 * unless `color` is set. `-o json|yaml` print the fleet plan document instead.
 */
import type { FleetClusterOutcome, FleetPlan } from '../../fleet/plan/index.js';
import { columns, listSome, makeStyle, plural } from './style.js';

export interface FleetPlanTableOptions {
  /** The fleet plan file as the user should type it. */
  readonly planPath: string;
  readonly color?: boolean;
  readonly skipBlocked?: boolean;
}

const SAFE: Record<FleetClusterOutcome['status'], string> = {
  planned: 'yes',
  'at-target': 'yes (at target)',
  blocked: 'no',
  unreachable: 'no (unreachable)',
  invalid: 'no (invalid)',
};

interface Totals {
  clusters: number;
  nodes: number;
  safe: number;
  blocked: number;
  failed: number;
  atTarget: number;
}

const total = (outcomes: readonly FleetClusterOutcome[]): Totals => ({
  clusters: outcomes.length,
  nodes: outcomes.reduce((n, o) => n + (o.status === 'planned' || o.status === 'blocked' ? o.nodes : 0), 0),
  safe: outcomes.filter((o) => o.status === 'planned').length,
  blocked: outcomes.filter((o) => o.status === 'blocked').length,
  failed: outcomes.filter((o) => o.status === 'unreachable' || o.status === 'invalid').length,
  atTarget: outcomes.filter((o) => o.status === 'at-target').length,
});

const describeTotals = (t: Totals): string =>
  [
    plural(t.clusters, 'cluster'),
    plural(t.nodes, 'node') + ' to upgrade',
    `${t.safe} safe`,
    `${t.blocked} blocked`,
    ...(t.failed ? [`${t.failed} not planned`] : []),
    ...(t.atTarget ? [`${t.atTarget} at target`] : []),
  ].join(', ');

export function renderFleetPlanTable(
  plan: FleetPlan,
  outcomes: readonly FleetClusterOutcome[],
  options: FleetPlanTableOptions,
): string {
  const s = makeStyle(options.color ?? false);
  const rows = [['STAGE', 'CLUSTER', 'FROM → TO', 'NODES', 'BLOCKERS', 'SAFE']];
  for (const o of outcomes)
    rows.push([
      o.stage,
      o.name,
      `${o.from ?? '?'} → ${o.to}`,
      o.from === undefined ? '-' : String(o.nodes),
      o.blockers.length ? listSome(o.blockers, 3) : '-',
      SAFE[o.status],
    ]);
  const lines = [
    `Fleet ${plan.metadata.name}: ${plural(outcomes.length, 'cluster')} in ${plural(plan.stages.length, 'stage')}, to ${plan.to}`,
    '',
    ...columns(rows, {
      paint: (r, c, text) => (r === 0 ? s.bold(text) : c === 5 && !text.startsWith('yes') ? s.red(text) : text),
    }),
  ];
  const failed = outcomes.filter((o) => o.error !== undefined);
  if (failed.length) {
    lines.push('', 'Not planned:');
    for (const o of failed) lines.push(`  ${o.name}: ${o.error}`);
  }
  lines.push('', 'Totals:');
  const stageRows = plan.stages.map((st) => [
    `  ${st.name}`,
    describeTotals(total(outcomes.filter((o) => o.stage === st.name))),
  ]);
  stageRows.push(['  all', describeTotals(total(outcomes))]);
  lines.push(...columns(stageRows));
  if (plan.skipped.length) {
    lines.push('', `Left out of the fleet plan (${plan.skipped.length}):`);
    for (const k of plan.skipped) lines.push(`  ${k.name}: ${k.reason}`);
  }
  const bad = outcomes.filter((o) => o.status === 'blocked' || o.status === 'unreachable' || o.status === 'invalid');
  lines.push('');
  if (bad.length && !options.skipBlocked)
    lines.push(
      s.red(
        `Not safe: ${plural(bad.length, 'cluster')} blocked or not planned. Fix them and re-plan, or re-run with --skip-blocked to leave them out.`,
      ),
    );
  lines.push(`Fleet plan: ${options.planPath}`);
  if (!bad.length || options.skipBlocked) lines.push(`Next: k8s-upgrade fleet apply ${options.planPath}`);
  return `${lines.join('\n')}\n`;
}
