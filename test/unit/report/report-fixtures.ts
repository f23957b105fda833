/**
 * Runs for the report tests, event by event at fixed times (seconds from 2026-08-21T19:40:00Z), with the run
 * state each leaves: a done run with a rolling window of 2 and a PDB wait, a run killed mid-drain and resumed an
 * hour later, and the rollback of the done run. The plan is the plan-file tests' safe sandbox plan.
 */
import type { NodeStep, UpgradeEvent } from '../../../src/upgrade/run/events.js';
import {
  RUN_STATE_API_VERSION,
  RUN_STATE_KIND,
  type NodeRunState,
  type PhaseRunState,
  type RunState,
} from '../../../src/upgrade/run/run-state-types.js';
import type { UpgradePlan } from '../../../src/plan/index.js';
import { safePlan } from '../plan-file/plan-builder.js';

type EventBody = UpgradeEvent extends infer E ? (E extends UpgradeEvent ? Omit<E, 'at'> : never) : never;

export const T0 = Date.UTC(2026, 7, 21, 19, 40, 0);
export const ms = (s: number): number => T0 + Math.round(s * 1000);
export const iso = (s: number): string => new Date(ms(s)).toISOString();
export const ev = (s: number, body: EventBody): UpgradeEvent => ({ ...body, at: iso(s) }) as UpgradeEvent;

export const RUN_ID = 'run-7f3a';
export const CP = 'control-plane/v1.32.0';
export const BLUE = 'workers/v1.32.0/pool=blue';
export const PLAN_PATH = 'plans/sandbox-v1.31.4-to-v1.32.0.yaml';

export const plan = (): UpgradePlan => safePlan();

const PHASES = [
  { id: 'etcd-snapshot', kind: 'etcd-snapshot' as const, title: 'etcd snapshot', nodes: [] },
  { id: CP, kind: 'control-plane' as const, title: 'control plane → v1.32.0', nodes: ['cp-1'] },
  {
    id: BLUE,
    kind: 'workers' as const,
    title: 'workers pool=blue → v1.32.0',
    nodes: ['blue-1', 'blue-2', 'blue-3', 'blue-4'],
  },
  { id: 'postflight', kind: 'postflight' as const, title: 'postflight', nodes: [] },
];

const started = (s: number, resumed = false, runId = RUN_ID, phases = PHASES): UpgradeEvent =>
  ev(s, {
    type: 'run-started',
    runId,
    plan: 'sandbox-v1.31.4-to-v1.32.0',
    from: 'v1.31.4',
    to: 'v1.32.0',
    resumed,
    phases,
  });

/** Steps at the given times, then node-finished at `end`. */
const node = (
  phase: string,
  name: string,
  role: 'control-plane' | 'worker',
  steps: [number, NodeStep][],
  end: number,
  extra: { evictions?: number; blockedMs?: number } = {},
): UpgradeEvent[] => [
  ev(steps[0]![0], { type: 'node-started', phase, node: name, role, version: 'v1.32.0' }),
  ...steps.map(([s, step]) => ev(s, { type: 'node-step', phase, node: name, step })),
  ev(end, {
    type: 'node-finished',
    phase,
    node: name,
    status: 'done',
    durationMs: Math.round((end - steps[0]![0]) * 1000),
    evictions: extra.evictions ?? 0,
    blockedMs: extra.blockedMs ?? 0,
  }),
];

/**
 * etcd snapshot 1–4 s; cp-1 5–18 s; blue-1 skipped; blue-2 19–40 s (web-1 refused by PDB web-pdb 20.5–30.5 s,
 * twice) and blue-3 19–27 s in a window of 2, then blue-4 27.1–34 s; postflight 40.8–43 s; finished at 43.2 s.
 */
export const doneEvents = (): UpgradeEvent[] =>
  [
    started(0),
    ev(0.1, { type: 'lock-acquired', holder: 'ci/42' }),
    ev(1, { type: 'phase-started', phase: 'etcd-snapshot', kind: 'etcd-snapshot', title: 'etcd snapshot' }),
    ev(3, {
      type: 'snapshot-taken',
      phase: 'etcd-snapshot',
      path: 'plans/x.etcd/pre.db',
      revision: 42,
      sizeBytes: 20480,
      sha256: 'ab'.repeat(32),
      takenOn: 'local',
    }),
    ev(4, { type: 'phase-finished', phase: 'etcd-snapshot', status: 'done' }),
    ev(4.5, { type: 'phase-started', phase: CP, kind: 'control-plane', title: 'control plane → v1.32.0' }),
    ...node(
      CP,
      'cp-1',
      'control-plane',
      [
        [5, 'cordon'],
        [6, 'drain'],
        [8, 'upgrade'],
        [14, 'wait-ready'],
        [16, 'uncordon'],
        [16.5, 'health-gate'],
      ],
      18,
      { evictions: 1 },
    ),
    ev(18.2, { type: 'phase-finished', phase: CP, status: 'done' }),
    ev(18.5, { type: 'phase-started', phase: BLUE, kind: 'workers', title: 'workers pool=blue → v1.32.0' }),
    ev(18.6, {
      type: 'node-finished',
      phase: BLUE,
      node: 'blue-1',
      status: 'skipped',
      durationMs: 0,
      evictions: 0,
      blockedMs: 0,
      detail: 'already at v1.32.0',
    }),
    ev(19, { type: 'node-started', phase: BLUE, node: 'blue-2', role: 'worker', version: 'v1.32.0' }),
    ev(19, { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'cordon' }),
    ev(19, { type: 'node-started', phase: BLUE, node: 'blue-3', role: 'worker', version: 'v1.32.0' }),
    ev(19, { type: 'node-step', phase: BLUE, node: 'blue-3', step: 'cordon' }),
    ev(19.5, { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'drain', detail: '2 pods' }),
    ev(19.5, { type: 'node-step', phase: BLUE, node: 'blue-3', step: 'drain' }),
    ev(20, { type: 'pod-evicted', node: 'blue-2', pod: 'shop/api-1', how: 'evicted' }),
    ev(20.5, {
      type: 'eviction-blocked',
      node: 'blue-2',
      pod: 'shop/web-1',
      pdb: 'web-pdb',
      message: 'needs 2 healthy, has 2',
      retryInMs: 5000,
    }),
    ev(21, { type: 'node-step', phase: BLUE, node: 'blue-3', step: 'upgrade' }),
    ev(25, { type: 'node-step', phase: BLUE, node: 'blue-3', step: 'wait-ready' }),
    ev(25.5, {
      type: 'eviction-blocked',
      node: 'blue-2',
      pod: 'shop/web-1',
      pdb: 'web-pdb',
      message: 'needs 2 healthy, has 1',
      retryInMs: 5000,
    }),
    ev(26, { type: 'node-step', phase: BLUE, node: 'blue-3', step: 'uncordon' }),
    ev(26.2, { type: 'node-step', phase: BLUE, node: 'blue-3', step: 'health-gate' }),
    ev(27, {
      type: 'node-finished',
      phase: BLUE,
      node: 'blue-3',
      status: 'done',
      durationMs: 8000,
      evictions: 0,
      blockedMs: 0,
    }),
    ...node(
      BLUE,
      'blue-4',
      'worker',
      [
        [27.1, 'cordon'],
        [27.5, 'drain'],
        [28, 'upgrade'],
        [32, 'wait-ready'],
        [33, 'uncordon'],
        [33.2, 'health-gate'],
      ],
      34,
    ),
    ev(30.5, { type: 'pod-evicted', node: 'blue-2', pod: 'shop/web-1', how: 'evicted' }),
    ev(31, { type: 'pod-gone', node: 'blue-2', pod: 'shop/web-1' }),
    ev(31.5, { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'upgrade' }),
    ev(36, { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'wait-ready' }),
    ev(38, { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'uncordon' }),
    ev(38.2, { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'health-gate' }),
    ev(40, {
      type: 'node-finished',
      phase: BLUE,
      node: 'blue-2',
      status: 'done',
      durationMs: 21_000,
      evictions: 2,
      blockedMs: 10_000,
    }),
    ev(40.5, { type: 'phase-finished', phase: BLUE, status: 'done' }),
    ev(40.8, { type: 'phase-started', phase: 'postflight', kind: 'postflight', title: 'postflight' }),
    ev(43, { type: 'phase-finished', phase: 'postflight', status: 'done' }),
    ev(43.2, {
      type: 'run-finished',
      summary: {
        runId: RUN_ID,
        plan: 'sandbox-v1.31.4-to-v1.32.0',
        outcome: 'done',
        durationMs: 43_200,
        nodes: [],
        evictions: 3,
        blockedMs: 10_000,
      },
    }),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

export const nodeState = (
  name: string,
  role: 'control-plane' | 'worker',
  status: NodeRunState['status'],
  extra: Partial<NodeRunState> = {},
): NodeRunState => ({
  node: name,
  role,
  to: 'v1.32.0',
  from: 'v1.31.4',
  status,
  cordonedByUs: false,
  evictions: 0,
  blockedMs: 0,
  driverRuns: status === 'done' ? 1 : 0,
  ...extra,
});

const phase = (
  id: string,
  kind: PhaseRunState['kind'],
  title: string,
  status: PhaseRunState['status'],
  nodes: NodeRunState[],
  extra: Partial<PhaseRunState> = {},
): PhaseRunState => ({ id, kind, title, status, nodes, ...extra });

export const baseState = (p: UpgradePlan, phases: PhaseRunState[], extra: Partial<RunState> = {}): RunState => ({
  apiVersion: RUN_STATE_API_VERSION,
  kind: RUN_STATE_KIND,
  runId: RUN_ID,
  plan: { name: p.metadata.name, path: PLAN_PATH, contentHash: p.metadata.contentHash, from: 'v1.31.4', to: 'v1.32.0' },
  cluster: { server: p.cluster.server, kubeSystemUid: p.cluster.kubeSystemUid },
  status: 'done',
  startedAt: iso(0),
  updatedAt: iso(43.2),
  attempts: [{ startedAt: iso(0), holder: 'ci/42', endedAt: iso(43.2), outcome: 'done' }],
  phases,
  ...extra,
});

export const doneState = (p: UpgradePlan = plan()): RunState =>
  baseState(
    p,
    [
      phase('etcd-snapshot', 'etcd-snapshot', 'etcd snapshot', 'done', [], { startedAt: iso(1), finishedAt: iso(4) }),
      phase(
        CP,
        'control-plane',
        'control plane → v1.32.0',
        'done',
        [
          nodeState('cp-1', 'control-plane', 'done', {
            startedAt: iso(5),
            finishedAt: iso(18),
            durationMs: 13_000,
            evictions: 1,
          }),
        ],
        { startedAt: iso(4.5), finishedAt: iso(18.2) },
      ),
      phase(
        BLUE,
        'workers',
        'workers pool=blue → v1.32.0',
        'done',
        [
          nodeState('blue-1', 'worker', 'skipped', { from: 'v1.32.0' }),
          nodeState('blue-2', 'worker', 'done', {
            startedAt: iso(19),
            finishedAt: iso(40),
            durationMs: 21_000,
            evictions: 2,
            blockedMs: 10_000,
          }),
          nodeState('blue-3', 'worker', 'done', { startedAt: iso(19), finishedAt: iso(27), durationMs: 8000 }),
          nodeState('blue-4', 'worker', 'done', { startedAt: iso(27.1), finishedAt: iso(34), durationMs: 6900 }),
        ],
        { startedAt: iso(18.5), finishedAt: iso(40.5), group: { selector: 'pool=blue', maxUnavailable: 2 } },
      ),
      phase('postflight', 'postflight', 'postflight', 'done', [], { startedAt: iso(40.8), finishedAt: iso(43) }),
    ],
    {
      finishedAt: iso(43.2),
      snapshots: [
        {
          phase: 'etcd-snapshot',
          record: {
            path: 'plans/x.etcd/pre.db',
            revision: 42,
            totalKeys: 310,
            hash: 1,
            totalSize: 20480,
            sizeBytes: 20480,
            sha256: 'ab'.repeat(32),
            takenAt: iso(3),
            endpoint: 'https://127.0.0.1:2379',
            takenOn: 'local',
            tool: 'etcdctl 3.4',
            verified: true,
          },
        },
      ],
    },
  );

const WORKERS_ONLY = [
  { id: BLUE, kind: 'workers' as const, title: 'workers pool=blue → v1.32.0', nodes: ['blue-1', 'blue-2'] },
];

/**
 * Attempt 1 (0–9 s): blue-1 cordoned, its drain refused twice by web-pdb, then the process is killed (the log
 * ends mid-line). Attempt 2, an hour later (3600–3622 s): blue-1 resumes at its drain and finishes, then blue-2.
 */
export const resumedEvents = (): UpgradeEvent[] => [
  started(0, false, RUN_ID, WORKERS_ONLY),
  ev(1, { type: 'phase-started', phase: BLUE, kind: 'workers', title: 'workers pool=blue → v1.32.0' }),
  ev(2, { type: 'node-started', phase: BLUE, node: 'blue-1', role: 'worker', version: 'v1.32.0' }),
  ev(2, { type: 'node-step', phase: BLUE, node: 'blue-1', step: 'cordon' }),
  ev(3, { type: 'node-step', phase: BLUE, node: 'blue-1', step: 'drain' }),
  ev(4, {
    type: 'eviction-blocked',
    node: 'blue-1',
    pod: 'shop/web-1',
    pdb: 'web-pdb',
    message: 'needs 2 healthy, has 2',
    retryInMs: 5000,
  }),
  ev(9, {
    type: 'eviction-blocked',
    node: 'blue-1',
    pod: 'shop/web-1',
    pdb: 'web-pdb',
    message: 'needs 2 healthy, has 2',
    retryInMs: 5000,
  }),
  started(3600, true, RUN_ID, WORKERS_ONLY),
  ev(3601, { type: 'phase-started', phase: BLUE, kind: 'workers', title: 'workers pool=blue → v1.32.0' }),
  ev(3602, { type: 'node-started', phase: BLUE, node: 'blue-1', role: 'worker', version: 'v1.32.0' }),
  ev(3602, { type: 'node-step', phase: BLUE, node: 'blue-1', step: 'cordon', detail: 'already cordoned' }),
  ev(3602.5, { type: 'node-step', phase: BLUE, node: 'blue-1', step: 'drain' }),
  ev(3605, { type: 'pod-evicted', node: 'blue-1', pod: 'shop/web-1', how: 'evicted' }),
  ev(3606, { type: 'node-step', phase: BLUE, node: 'blue-1', step: 'upgrade' }),
  ev(3610, { type: 'node-step', phase: BLUE, node: 'blue-1', step: 'wait-ready' }),
  ev(3612, { type: 'node-step', phase: BLUE, node: 'blue-1', step: 'uncordon' }),
  ev(3612.5, { type: 'node-step', phase: BLUE, node: 'blue-1', step: 'health-gate' }),
  ev(3614, {
    type: 'node-finished',
    phase: BLUE,
    node: 'blue-1',
    status: 'done',
    durationMs: 19_000,
    evictions: 1,
    blockedMs: 5000,
  }),
  ...node(
    BLUE,
    'blue-2',
    'worker',
    [
      [3614, 'cordon'],
      [3614.5, 'drain'],
      [3615, 'upgrade'],
      [3618, 'wait-ready'],
      [3619, 'uncordon'],
      [3619.5, 'health-gate'],
    ],
    3620,
  ),
  ev(3620.5, { type: 'phase-finished', phase: BLUE, status: 'done' }),
  ev(3622, {
    type: 'run-finished',
    summary: {
      runId: RUN_ID,
      plan: 'sandbox-v1.31.4-to-v1.32.0',
      outcome: 'done',
      durationMs: 22_000,
      nodes: [],
      evictions: 1,
      blockedMs: 5000,
    },
  }),
];

export const resumedState = (p: UpgradePlan = plan()): RunState =>
  baseState(
    p,
    [
      phase(
        BLUE,
        'workers',
        'workers pool=blue → v1.32.0',
        'done',
        [
          nodeState('blue-1', 'worker', 'done', {
            startedAt: iso(2),
            finishedAt: iso(3614),
            durationMs: 19_000,
            evictions: 1,
            blockedMs: 5000,
          }),
          nodeState('blue-2', 'worker', 'done', { startedAt: iso(3614), finishedAt: iso(3620), durationMs: 6000 }),
        ],
        { startedAt: iso(1), finishedAt: iso(3620.5) },
      ),
    ],
    {
      updatedAt: iso(3622),
      finishedAt: iso(3622),
      attempts: [
        { startedAt: iso(0), holder: 'ci/1' },
        { startedAt: iso(3600), holder: 'ci/2', endedAt: iso(3622), outcome: 'done' },
      ],
    },
  );

/** The JSON lines of `events`, as the run log holds them. */
export const logText = (events: readonly UpgradeEvent[]): string =>
  events.map((e) => `${JSON.stringify(e)}\n`).join('');
