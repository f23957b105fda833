/**
 * Synthetic event streams and run states for the progress, summary and status renderers: fixed `at`
 * timestamps (one second apart from 19:40:00 UTC), so the plain lines and golden files are stable.
 */
import type { RunSummary, UpgradeEvent } from '../../../src/upgrade/run/events.js';
import { RUN_STATE_API_VERSION, RUN_STATE_KIND, type RunState } from '../../../src/upgrade/run/run-state-types.js';

type EventBody = UpgradeEvent extends infer E ? (E extends UpgradeEvent ? Omit<E, 'at'> : never) : never;

/** Stamps events one second apart from 2026-08-21T19:40:00Z. */
export const stamp = (bodies: EventBody[], start = Date.UTC(2026, 7, 21, 19, 40, 0)): UpgradeEvent[] =>
  bodies.map((b, i) => ({ ...b, at: new Date(start + i * 1000).toISOString() }) as UpgradeEvent);

export const PLAN = 'plans/sandbox-v1.31.4-to-v1.32.0.yaml';
export const RUN_ID = 'r-20260821-194000-7f3a';
const CP = 'control-plane/v1.32.0';
const BLUE = 'workers/v1.32.0/pool=blue';
const GREEN = 'workers/v1.32.0/pool=green';

const started = (resumed = false): EventBody => ({
  type: 'run-started',
  runId: RUN_ID,
  plan: PLAN,
  from: 'v1.31.4',
  to: 'v1.32.0',
  resumed,
  phases: [
    { id: 'etcd-snapshot', kind: 'etcd-snapshot', title: 'etcd snapshot', nodes: [] },
    { id: CP, kind: 'control-plane', title: 'Control plane → v1.32.0', nodes: ['cp-1'] },
    { id: BLUE, kind: 'workers', title: 'Workers pool=blue → v1.32.0', nodes: ['blue-1', 'blue-2', 'blue-3'] },
    { id: GREEN, kind: 'workers', title: 'Workers pool=green → v1.32.0', nodes: ['green-1'] },
  ],
});

const controlPlane: EventBody[] = [
  { type: 'phase-started', phase: 'etcd-snapshot', kind: 'etcd-snapshot', title: 'etcd snapshot' },
  { type: 'phase-finished', phase: 'etcd-snapshot', status: 'done' },
  { type: 'phase-started', phase: CP, kind: 'control-plane', title: 'Control plane → v1.32.0' },
  { type: 'node-started', phase: CP, node: 'cp-1', role: 'control-plane', version: 'v1.32.0' },
  { type: 'node-step', phase: CP, node: 'cp-1', step: 'cordon' },
  { type: 'node-step', phase: CP, node: 'cp-1', step: 'drain', detail: '1 pod' },
  { type: 'pod-evicted', node: 'cp-1', pod: 'kube-system/coredns-5d7f-abcde', how: 'evicted' },
  { type: 'pod-gone', node: 'cp-1', pod: 'kube-system/coredns-5d7f-abcde' },
  { type: 'node-step', phase: CP, node: 'cp-1', step: 'upgrade', detail: 'kubeadm upgrade apply v1.32.0' },
  {
    type: 'driver-output',
    node: 'cp-1',
    stream: 'stdout',
    line: '[upgrade/successful] SUCCESS! Your cluster was upgraded to "v1.32.0".',
  },
  { type: 'node-step', phase: CP, node: 'cp-1', step: 'wait-ready' },
  { type: 'node-step', phase: CP, node: 'cp-1', step: 'uncordon' },
  { type: 'node-step', phase: CP, node: 'cp-1', step: 'health-gate' },
  { type: 'gate-passed', phase: CP, node: 'cp-1' },
  { type: 'node-finished', phase: CP, node: 'cp-1', status: 'done', durationMs: 9000, evictions: 1, blockedMs: 0 },
  { type: 'phase-finished', phase: CP, status: 'done' },
];

/** blue-1 already at the target (skipped); blue-2 drains past a PDB refusal, then its health gate fails. */
const blueUntilGate: EventBody[] = [
  { type: 'phase-started', phase: BLUE, kind: 'workers', title: 'Workers pool=blue → v1.32.0' },
  {
    type: 'node-finished',
    phase: BLUE,
    node: 'blue-1',
    status: 'skipped',
    durationMs: 0,
    evictions: 0,
    blockedMs: 0,
    detail: 'already at v1.32.0',
  },
  { type: 'node-started', phase: BLUE, node: 'blue-2', role: 'worker', version: 'v1.32.0' },
  { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'cordon' },
  { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'drain', detail: '3 pods' },
  { type: 'pod-evicted', node: 'blue-2', pod: 'shop/api-7c9-x1', how: 'evicted' },
  {
    type: 'eviction-blocked',
    node: 'blue-2',
    pod: 'shop/web-1',
    pdb: 'shop/web-pdb',
    message: 'needs 2 healthy, has 2',
    retryInMs: 5000,
  },
  { type: 'pod-evicted', node: 'blue-2', pod: 'shop/web-1', how: 'evicted' },
  { type: 'pod-evicted', node: 'blue-2', pod: 'shop/cache-0', how: 'evicted' },
  { type: 'pod-gone', node: 'blue-2', pod: 'shop/web-1' },
  { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'upgrade' },
  { type: 'driver-output', node: 'blue-2', stream: 'stderr', line: 'kubelet: restarting' },
  { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'wait-ready' },
  { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'uncordon' },
  { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'health-gate' },
  { type: 'gate-waiting', phase: BLUE, node: 'blue-2', failing: ['workloads-available'] },
  { type: 'warning', message: 'deployment shop/web has 1 of 3 replicas available' },
];

export const pausedSummary = (): RunSummary => ({
  runId: RUN_ID,
  plan: PLAN,
  outcome: 'paused',
  durationMs: 27_000,
  nodes: [
    { phase: CP, node: 'cp-1', status: 'done', durationMs: 9000, evictions: 1, blockedMs: 0 },
    { phase: BLUE, node: 'blue-1', status: 'skipped', durationMs: 0, evictions: 0, blockedMs: 0 },
    { phase: BLUE, node: 'blue-2', status: 'failed', durationMs: 14_000, evictions: 3, blockedMs: 5000 },
    { phase: BLUE, node: 'blue-3', status: 'pending', durationMs: 0, evictions: 0, blockedMs: 0 },
    { phase: GREEN, node: 'green-1', status: 'pending', durationMs: 0, evictions: 0, blockedMs: 0 },
  ],
  evictions: 4,
  blockedMs: 5000,
  stoppedBy: {
    phase: BLUE,
    node: 'blue-2',
    step: 'health-gate',
    message: 'health gate failed after 300s: workloads-available (deployment shop/web has 1 of 3 replicas available)',
    next: [
      `k8s-upgrade status ${PLAN}`,
      `k8s-upgrade apply ${PLAN}    # resume once the workloads are healthy`,
      `k8s-upgrade rollback ${PLAN}`,
    ],
  },
});

/** A run that pauses: a blocked eviction, a skipped node, a failed health gate. */
export const pausedRun = (): UpgradeEvent[] =>
  stamp([
    started(),
    { type: 'lock-acquired', holder: 'ci-runner-7/4242' },
    { type: 'preflight-finished', blockers: 0, warnings: 1, waived: ['unreplicated-pods'] },
    ...controlPlane,
    ...blueUntilGate,
    { type: 'gate-failed', phase: BLUE, node: 'blue-2', failing: ['workloads-available'] },
    {
      type: 'node-failed',
      phase: BLUE,
      node: 'blue-2',
      step: 'health-gate',
      message: 'health gate failed after 300s: workloads-available',
    },
    { type: 'phase-finished', phase: BLUE, status: 'paused' },
    { type: 'run-finished', summary: pausedSummary() },
  ]);

export const doneSummary = (): RunSummary => ({
  runId: RUN_ID,
  plan: PLAN,
  outcome: 'done',
  durationMs: 3_723_000,
  nodes: [
    { phase: CP, node: 'cp-1', status: 'done', durationMs: 9000, evictions: 1, blockedMs: 0 },
    { phase: BLUE, node: 'blue-1', status: 'skipped', durationMs: 0, evictions: 0, blockedMs: 0 },
    { phase: BLUE, node: 'blue-2', status: 'done', durationMs: 125_000, evictions: 3, blockedMs: 5000 },
    { phase: BLUE, node: 'blue-3', status: 'done', durationMs: 61_500, evictions: 2, blockedMs: 0 },
    { phase: GREEN, node: 'green-1', status: 'done', durationMs: 4200, evictions: 0, blockedMs: 0 },
  ],
  evictions: 6,
  blockedMs: 5000,
});

const workerNode = (phase: string, node: string, durationMs: number, evictions: number): EventBody[] => [
  { type: 'node-started', phase, node, role: 'worker', version: 'v1.32.0' },
  { type: 'node-step', phase, node, step: 'cordon' },
  { type: 'node-step', phase, node, step: 'drain' },
  { type: 'node-step', phase, node, step: 'upgrade' },
  { type: 'node-step', phase, node, step: 'wait-ready' },
  { type: 'node-step', phase, node, step: 'uncordon' },
  { type: 'node-step', phase, node, step: 'health-gate' },
  { type: 'node-finished', phase, node, status: 'done', durationMs, evictions, blockedMs: 0 },
];

/** The whole upgrade, to the end; blue-2 and blue-3 run concurrently (a window of 2). */
export const doneRun = (): UpgradeEvent[] =>
  stamp([
    started(),
    { type: 'lock-acquired', holder: 'alice@laptop/99' },
    { type: 'preflight-finished', blockers: 0, warnings: 0, waived: [] },
    ...controlPlane,
    { type: 'phase-started', phase: BLUE, kind: 'workers', title: 'Workers pool=blue → v1.32.0' },
    {
      type: 'node-finished',
      phase: BLUE,
      node: 'blue-1',
      status: 'skipped',
      durationMs: 0,
      evictions: 0,
      blockedMs: 0,
      detail: 'already at v1.32.0',
    },
    { type: 'node-started', phase: BLUE, node: 'blue-2', role: 'worker', version: 'v1.32.0' },
    { type: 'node-started', phase: BLUE, node: 'blue-3', role: 'worker', version: 'v1.32.0' },
    { type: 'node-step', phase: BLUE, node: 'blue-2', step: 'drain', detail: '3 pods' },
    { type: 'node-step', phase: BLUE, node: 'blue-3', step: 'drain', detail: '2 pods' },
    {
      type: 'eviction-blocked',
      node: 'blue-2',
      pod: 'shop/web-1',
      pdb: 'shop/web-pdb',
      message: 'needs 2 healthy, has 2',
      retryInMs: 5000,
    },
    {
      type: 'node-finished',
      phase: BLUE,
      node: 'blue-3',
      status: 'done',
      durationMs: 61_500,
      evictions: 2,
      blockedMs: 0,
    },
    {
      type: 'node-finished',
      phase: BLUE,
      node: 'blue-2',
      status: 'done',
      durationMs: 125_000,
      evictions: 3,
      blockedMs: 5000,
    },
    { type: 'gate-passed', phase: BLUE },
    { type: 'phase-finished', phase: BLUE, status: 'done' },
    { type: 'phase-started', phase: GREEN, kind: 'workers', title: 'Workers pool=green → v1.32.0' },
    ...workerNode(GREEN, 'green-1', 4200, 0),
    { type: 'phase-finished', phase: GREEN, status: 'done' },
    { type: 'phase-started', phase: 'postflight', kind: 'postflight', title: 'Postflight' },
    { type: 'phase-finished', phase: 'postflight', status: 'done' },
    { type: 'run-finished', summary: doneSummary() },
  ]);

/** The persisted state of the paused run above (what `status` reads). */
export const pausedState = (): RunState => ({
  apiVersion: RUN_STATE_API_VERSION,
  kind: RUN_STATE_KIND,
  runId: RUN_ID,
  plan: {
    name: 'sandbox-v1.31.4-to-v1.32.0',
    path: PLAN,
    contentHash: 'sha256:0123abcd',
    from: 'v1.31.4',
    to: 'v1.32.0',
  },
  cluster: { server: 'https://127.0.0.1:6443', kubeSystemUid: '6f1c9a2e-0000-4000-8000-000000000001' },
  status: 'paused',
  startedAt: '2026-08-21T19:40:00.000Z',
  updatedAt: '2026-08-21T19:40:27.000Z',
  attempts: [
    {
      startedAt: '2026-08-21T19:30:00.000Z',
      holder: 'ci-runner-3/1001',
      endedAt: '2026-08-21T19:31:00.000Z',
      outcome: 'failed',
    },
    {
      startedAt: '2026-08-21T19:40:00.000Z',
      holder: 'ci-runner-7/4242',
      endedAt: '2026-08-21T19:40:27.000Z',
      outcome: 'paused',
    },
  ],
  phases: [
    { id: 'etcd-snapshot', kind: 'etcd-snapshot', title: 'etcd snapshot', status: 'done', nodes: [] },
    {
      id: CP,
      kind: 'control-plane',
      title: 'Control plane → v1.32.0',
      to: 'v1.32.0',
      status: 'done',
      nodes: [
        {
          node: 'cp-1',
          role: 'control-plane',
          to: 'v1.32.0',
          status: 'done',
          step: 'health-gate',
          cordonedByUs: false,
          durationMs: 9000,
          evictions: 1,
          blockedMs: 0,
          driverRuns: 1,
        },
      ],
    },
    {
      id: BLUE,
      kind: 'workers',
      title: 'Workers pool=blue → v1.32.0',
      to: 'v1.32.0',
      group: { selector: 'pool=blue', maxUnavailable: 1 },
      status: 'paused',
      nodes: [
        {
          node: 'blue-1',
          role: 'worker',
          to: 'v1.32.0',
          status: 'skipped',
          cordonedByUs: false,
          evictions: 0,
          blockedMs: 0,
          driverRuns: 0,
        },
        {
          node: 'blue-2',
          role: 'worker',
          to: 'v1.32.0',
          status: 'failed',
          step: 'health-gate',
          cordonedByUs: true,
          evictions: 3,
          blockedMs: 5000,
          driverRuns: 1,
          error: 'health gate failed after 300s: workloads-available',
        },
        {
          node: 'blue-3',
          role: 'worker',
          to: 'v1.32.0',
          status: 'pending',
          cordonedByUs: false,
          evictions: 0,
          blockedMs: 0,
          driverRuns: 0,
        },
      ],
    },
    {
      id: GREEN,
      kind: 'workers',
      title: 'Workers pool=green → v1.32.0',
      to: 'v1.32.0',
      group: { selector: 'pool=green', maxUnavailable: 1 },
      status: 'pending',
      nodes: [
        {
          node: 'green-1',
          role: 'worker',
          to: 'v1.32.0',
          status: 'pending',
          cordonedByUs: false,
          evictions: 0,
          blockedMs: 0,
          driverRuns: 0,
        },
      ],
    },
  ],
  stop: {
    outcome: 'paused',
    phase: BLUE,
    node: 'blue-2',
    step: 'health-gate',
    message: 'health gate failed after 300s: workloads-available',
    next: [`k8s-upgrade apply ${PLAN}    # resume once the workloads are healthy`, `k8s-upgrade rollback ${PLAN}`],
  },
});
