/**
 * What the live fleet tree shows, folded from the fleet's event stream: per stage its state, counts and the
 * note that says why it waits (soak, gate, budget), per cluster its state, nodes done/total, the node and
 * step in flight and what blocks it. Pure: events in, text out. A stage's text lists only the clusters that
 * are doing something or need attention (running, waiting, paused, failed) up to a limit, so 570 clusters
 * fit a terminal; the rest are counted.
 */
import type { FleetEvent, FleetOwnEvent } from '../../fleet/apply/index.js';
import type { ClusterState, StageState } from '../../fleet/schedule/index.js';
import type { NodeStep } from '../../upgrade/run/index.js';
import { blockedText, gateText, STEP_ACTIVITY } from './progress/format.js';
import { type Style } from './style.js';

export interface BoardCluster {
  readonly name: string;
  state: ClusterState;
  attempt: number;
  nodes: Set<string>;
  done: Set<string>;
  node?: string;
  step?: NodeStep;
  note?: string;
  opensAt?: string;
  message?: string;
}

export interface BoardStage {
  readonly name: string;
  state: StageState;
  readonly clusters: BoardCluster[];
  note?: string;
  message?: string;
}

export interface FleetBoard {
  fleet?: string;
  readonly stages: BoardStage[];
  readonly warnings: string[];
  finished?: Extract<FleetOwnEvent, { type: 'fleet-finished' }>;
}

export const emptyBoard = (): FleetBoard => ({ stages: [], warnings: [] });

const ACTIVE: ReadonlySet<ClusterState> = new Set(['Running', 'Waiting', 'Paused', 'Failed']);

/** Folds one event into the board; returns the stage whose text changed (undefined: none, or the whole board). */
export const foldFleetEvent = (b: FleetBoard, e: FleetEvent): BoardStage | undefined => {
  const stage = (name: string) => b.stages.find((s) => s.name === name);
  const cluster = (name: string) => {
    for (const s of b.stages) {
      const c = s.clusters.find((x) => x.name === name);
      if (c) return { s, c };
    }
    return undefined;
  };
  switch (e.type) {
    case 'fleet-started':
      b.fleet = e.fleet;
      if (b.stages.length === 0)
        for (const s of e.stages)
          b.stages.push({
            name: s.name,
            state: 'NotStarted',
            clusters: s.clusters.map((name) => ({
              name,
              state: 'NotStarted',
              attempt: 0,
              nodes: new Set(),
              done: new Set(),
            })),
          });
      return undefined;
    case 'fleet-stage-started': {
      const s = stage(e.stage);
      if (s) s.state = 'Running';
      return s;
    }
    case 'fleet-cluster-rebuilt':
    case 'fleet-cluster-started':
    case 'fleet-cluster-waiting':
    case 'fleet-cluster-finished': {
      const f = cluster(e.cluster);
      if (!f) return undefined;
      const { c } = f;
      if (e.type === 'fleet-cluster-rebuilt') c.state = e.state;
      else if (e.type === 'fleet-cluster-started') {
        Object.assign(c, { state: 'Running', attempt: e.attempt, note: undefined, message: undefined });
      } else if (e.type === 'fleet-cluster-waiting') {
        c.state = 'Waiting';
        c.opensAt = e.opensAt;
      } else {
        Object.assign(c, { state: e.state, message: e.message, node: undefined, step: undefined, note: undefined });
      }
      return f.s;
    }
    case 'fleet-budget-spent': {
      const s = stage(e.stage);
      if (s) s.note = `${e.failed} failed, over its budget of ${e.budget}: no new cluster starts (${e.onFailure})`;
      return s;
    }
    case 'fleet-soak-started': {
      const s = stage(e.stage);
      if (s) Object.assign(s, { state: 'Soaking', note: `soak until ${e.until}` });
      return s;
    }
    case 'fleet-soak-regression': {
      const s = stage(e.stage);
      if (s) s.note = `${e.cluster} regressed during the soak: ${e.reason}`;
      return s;
    }
    case 'fleet-gate': {
      const s = stage(e.stage);
      if (s) s.note = e.passed ? undefined : `${e.when}-gate ${e.gate}: ${e.reason ?? 'not passed'}`;
      return s;
    }
    case 'fleet-stage-finished': {
      const s = stage(e.stage);
      if (s) Object.assign(s, { state: e.state, message: e.message });
      return s;
    }
    case 'fleet-warning':
      b.warnings.push(e.message);
      return undefined;
    case 'fleet-finished':
      b.finished = e;
      return undefined;
    case 'fleet-inventory-changed':
      return undefined;
    default: {
      const f = cluster(e.cluster);
      if (!f) return undefined;
      const { c } = f;
      switch (e.type) {
        case 'run-started':
          for (const p of e.phases) for (const n of p.nodes) c.nodes.add(n);
          break;
        case 'node-started':
          Object.assign(c, { node: e.node, step: undefined, note: undefined });
          break;
        case 'node-step':
          Object.assign(c, { node: e.node, step: e.step, note: undefined });
          break;
        case 'node-finished':
          c.done.add(e.node);
          if (c.node === e.node) Object.assign(c, { node: undefined, step: undefined, note: undefined });
          break;
        case 'node-failed':
          c.note = `${e.node} failed at ${e.step}: ${e.message}`;
          break;
        case 'node-paused':
          c.note = `${e.node} paused at ${e.step}`;
          break;
        case 'eviction-blocked':
          c.note = blockedText(e);
          break;
        case 'pod-evicted':
          if (c.note?.includes(` ${e.pod} `)) c.note = undefined;
          break;
        case 'gate-waiting':
        case 'gate-failed':
          c.note = gateText(e);
          break;
        case 'gate-passed':
          c.note = undefined;
          break;
        default:
          return undefined;
      }
      return f.s;
    }
  }
};

const count = (s: BoardStage, state: ClusterState) => s.clusters.filter((c) => c.state === state).length;

/** `3/12 nodes · w-4 draining · eviction of … refused by PDB …` */
export const clusterLine = (c: BoardCluster, st: Style): string => {
  const parts: string[] = [st.bold(c.name), c.state];
  if (c.nodes.size > 0) parts.push(`${c.done.size}/${c.nodes.size} nodes`);
  if (c.state === 'Running' && c.node) parts.push(`${c.node} ${c.step ? STEP_ACTIVITY[c.step] : 'starting'}`);
  if (c.state === 'Waiting' && c.opensAt) parts.push(`window opens ${c.opensAt}`);
  if (c.attempt > 1) parts.push(`attempt ${c.attempt}`);
  const why = c.note ?? (c.state === 'Running' ? undefined : c.message);
  if (why) parts.push(c.state === 'Failed' ? st.red(why) : st.yellow(why));
  return parts.join(' · ');
};

/** The stage's title: counts, its note, then one line per active cluster (at most `limit`), then the rest counted. */
export const stageText = (s: BoardStage, st: Style, limit = 10): string => {
  const total = s.clusters.length;
  const head = [
    `stage ${s.name}`,
    st.dim(
      [
        `${count(s, 'Done')}/${total} done`,
        count(s, 'Failed') > 0 ? `${count(s, 'Failed')} failed` : '',
        count(s, 'Running') > 0 ? `${count(s, 'Running')} running` : '',
        count(s, 'Skipped') > 0 ? `${count(s, 'Skipped')} skipped` : '',
        s.state === 'Soaking' ? 'soaking' : '',
      ]
        .filter(Boolean)
        .join(', '),
    ),
  ].join('  ');
  const lines = [head];
  if (s.note) lines.push(st.yellow(s.note));
  if (s.message && s.state !== 'Running') lines.push(s.message);
  const active = s.clusters.filter((c) => ACTIVE.has(c.state));
  for (const c of active.slice(0, limit)) lines.push(`  ${clusterLine(c, st)}`);
  if (active.length > limit) lines.push(st.dim(`  … and ${active.length - limit} more`));
  return lines.join('\n');
};
