/**
 * What `k8s-upgrade status` prints: where a run stands, from its persisted state — the plan and cluster, the
 * run id, status and attempts, each phase with its done/total nodes and the node in progress with its step,
 * the nodes this run cordoned (they must be uncordoned), and why the run stopped with what to run next.
 * Deterministic (no clock), plain text unless `color`: golden-tested.
 */
import type { NodeRunState, PhaseRunState, RunRecord, RunState } from '../../upgrade/run/index.js';
import { formatDuration } from './progress/format.js';
import { paintNode } from './run-summary.js';
import { shellQuote } from '../../nodes/shell-quote.js';
import { columns, listSome, makeStyle, plural, type Style } from './style.js';

export const renderRunStatus = (state: RunState, opts: { color: boolean }): string => {
  const s = makeStyle(opts.color);
  const sections = [
    header(state, s),
    snapshots(state, s),
    phases(state.phases, s),
    cordoned(state, s),
    stop(state, s),
    ...rollback(state, s),
    previousRuns(state, s),
  ];
  return `${sections
    .filter((x) => x.length > 0)
    .map((x) => x.join('\n'))
    .join('\n\n')}\n`;
};

const header = (st: RunState, s: Style): string[] => {
  const last = st.attempts.at(-1);
  const attempts = last
    ? `${st.attempts.length} (last started ${last.startedAt} by ${last.holder}${last.endedAt ? `, ended ${last.endedAt}${last.outcome ? ` ${last.outcome}` : ''}` : ', not ended'})`
    : '0';
  const progressed = st.phases.flatMap((p) => p.nodes);
  const finished = progressed.filter((n) => n.status === 'done' || n.status === 'skipped').length;
  return columns(
    [
      ['Plan:', `${st.plan.path}  (${st.plan.from} → ${st.plan.to})`],
      ['Cluster:', `${st.cluster.server}  (kube-system ${st.cluster.kubeSystemUid})`],
      [
        'Run:',
        `${st.runId}, started ${st.startedAt}, updated ${st.updatedAt}${st.finishedAt ? `, finished ${st.finishedAt}` : ''}`,
      ],
      [
        'Status:',
        `${paintNode(s, st.status, st.status)}, ${finished}/${plural(progressed.length, 'node')} done${rolledBack(st)}`,
      ],
      ['Attempts:', attempts],
    ],
    { paint: (_, c, t) => (c === 0 ? s.bold(t) : t) },
  );
};

/** `, ROLLED BACK …` when a rollback of the run finished (the cluster is back where it was), `, rollback …` while one runs. */
const rolledBack = (st: RunState): string =>
  !st.rollback
    ? ''
    : st.rollback.status === 'done'
      ? `, ROLLED BACK at ${st.rollback.finishedAt ?? st.rollback.updatedAt}: the cluster is back at ${st.plan.from}`
      : `, rollback ${st.rollback.status}`;

const previousRuns = (st: RunState, s: Style): string[] => {
  const list = st.previousRuns ?? [];
  if (list.length === 0) return [];
  return [
    s.bold('Earlier runs of this plan:'),
    ...list.map(
      (r) =>
        `  ${r.runId}  ${r.status}, started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ''}${r.rollback ? `, rollback ${r.rollback}${r.rolledBackAt ? ` at ${r.rolledBackAt}` : ''}` : ''}`,
    ),
  ];
};

/** What `status --context X` prints: every run recorded in the cluster, newest first. */
export const renderRunList = (records: readonly RunRecord[], opts: { color: boolean }): string => {
  const s = makeStyle(opts.color);
  if (records.length === 0) return 'no run recorded in this cluster\n';
  const rows = records.map((r) =>
    r.state
      ? [
          r.state.plan.name,
          r.state.runId,
          `${r.state.status}${r.state.rollback ? ` (rollback ${r.state.rollback.status})` : ''}`,
          r.state.updatedAt,
          r.configMap,
        ]
      : ['?', '?', `unreadable: ${r.problem ?? ''}`, '', r.configMap],
  );
  return `${columns([['PLAN', 'RUN', 'STATUS', 'UPDATED', 'RECORD'], ...rows], {
    paint: (r, c, t) => (r === 0 ? s.bold(t) : t),
  }).join('\n')}\n`;
};

const phases = (list: readonly PhaseRunState[], s: Style): string[] => {
  if (list.length === 0) return [];
  const rows = list.map((p) => {
    const done = p.nodes.filter((n) => n.status === 'done' || n.status === 'skipped').length;
    const active = p.nodes.filter((n) => n.status === 'in-progress' || n.status === 'paused' || n.status === 'failed');
    return [p.status, p.id, p.nodes.length > 0 ? `${done}/${p.nodes.length}` : '-', active.map(activeNode).join('; ')];
  });
  return [
    s.bold('Phases:'),
    ...columns([['STATUS', 'PHASE', 'NODES', 'NOW'], ...rows], {
      indent: '  ',
      paint: (r, c, t) => (r === 0 ? s.bold(t) : c === 0 ? paintNode(s, list[r - 1]!.status, t) : t),
    }),
  ];
};

const snapshots = (st: RunState, s: Style): string[] => {
  if (st.snapshotSkipped)
    return [
      `${s.bold('etcd snapshot:')} ${s.yellow(`none (${st.snapshotSkipped.reason} at ${st.snapshotSkipped.at}): rollback cannot restore the control plane`)}`,
    ];
  if (!st.snapshots?.length) return [];
  return [
    s.bold('etcd snapshots:'),
    ...st.snapshots.map(
      ({ phase, record: r }) =>
        `  ${r.path}  revision ${r.revision}, ${r.totalKeys} keys, ${Math.round(r.sizeBytes / 1024)} KiB, taken ${r.takenAt} on ${r.takenOn}, ${r.verified ? 'verified' : 'NOT verified'} (sha256 ${r.sha256.slice(0, 16)}…) [${phase}]`,
    ),
  ];
};

const rollback = (st: RunState, s: Style): string[][] => {
  const rb = st.rollback;
  if (!rb) return [];
  const head = [
    `${s.bold('Rollback:')} ${paintNode(s, rb.status, rb.status)}, started ${rb.startedAt}${rb.finishedAt ? `, finished ${rb.finishedAt}` : ''}, ${plural(rb.attempts.length, 'attempt')}`,
    ...(rb.snapshot
      ? [
          `  restoring ${rb.snapshot.path} (revision ${rb.snapshot.revision}, taken ${rb.snapshot.takenAt}): every write after it is lost`,
        ]
      : []),
  ];
  const stopped =
    rb.stop && rb.status !== 'done'
      ? [`${s.bold('Rollback stopped:')} ${rb.stop.outcome}: ${rb.stop.message}`, ...rb.stop.next.map((n) => `  ${n}`)]
      : [];
  return [head, phases(rb.phases, s), stopped];
};

const activeNode = (n: NodeRunState): string => {
  const at = n.step ? ` at ${n.step}` : '';
  const extra = [
    n.evictions > 0 ? plural(n.evictions, 'eviction') : undefined,
    n.blockedMs > 0 ? `blocked ${formatDuration(n.blockedMs)}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `${n.node} ${n.status}${at}${extra ? ` (${extra})` : ''}${n.error ? `: ${n.error}` : ''}`;
};

const cordoned = (st: RunState, s: Style): string[] => {
  const nodes = [...new Set(st.phases.flatMap((p) => p.nodes.filter((n) => n.cordonedByUs).map((n) => n.node)))];
  if (nodes.length === 0) return [];
  return [
    `${s.bold('Cordoned by this run:')} ${listSome(nodes, 10)} (uncordoned when the run resumes or is rolled back)`,
  ];
};

const stop = (st: RunState, s: Style): string[] => {
  if (!st.stop || st.status === 'done') return [];
  const where = [st.stop.phase ? `[${st.stop.phase}]` : undefined, st.stop.node, st.stop.step]
    .filter(Boolean)
    .join(' ');
  return [
    `${s.bold('Stopped:')} ${st.stop.outcome}${where ? ` at ${where}` : ''}: ${st.stop.message}`,
    ...(st.stop.next.length > 0 ? [s.bold('Next:'), ...st.stop.next.map((n) => `  ${n}`)] : []),
  ];
};

/** What `status` says when no run is recorded: for the plan given, or in the plans folder; and what to run. */
export const renderNoRun = (where: { readonly plan?: string; readonly dir?: string }): string =>
  where.plan !== undefined
    ? `no run recorded for ${where.plan}; run k8s-upgrade apply ${shellQuote(where.plan)}\n`
    : `no run recorded in ${where.dir ?? '.'}/; run k8s-upgrade apply <plan>\n`;
