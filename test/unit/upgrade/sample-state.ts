/** A small valid run state for the state-file and mirror tests. */
import type { RunState } from '../../../src/upgrade/run/run-state-types.js';

export function sampleState(over: Partial<RunState> = {}): RunState {
  return {
    apiVersion: 'k8s-upgrade/v1',
    kind: 'UpgradeRun',
    runId: 'r-1',
    plan: {
      name: 'sandbox-v1.31.4-to-v1.32.0',
      path: 'plans/sandbox-v1.31.4-to-v1.32.0.yaml',
      contentHash: 'sha256:abc',
      from: 'v1.31.4',
      to: 'v1.32.0',
    },
    cluster: { server: 'https://127.0.0.1:6443', kubeSystemUid: 'uid-1' },
    status: 'running',
    startedAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:01.000Z',
    attempts: [{ startedAt: '2025-01-01T00:00:00.000Z', holder: 'h/1/r-1' }],
    phases: [
      {
        id: 'workers/v1.32.0/pool=blue',
        kind: 'workers',
        title: 'Workers pool=blue',
        to: 'v1.32.0',
        group: { selector: 'pool=blue', maxUnavailable: 1 },
        status: 'running',
        nodes: [
          {
            node: 'blue-1',
            role: 'worker',
            to: 'v1.32.0',
            status: 'in-progress',
            step: 'drain',
            cordonedByUs: true,
            evictions: 3,
            blockedMs: 0,
            driverRuns: 0,
          },
        ],
      },
    ],
    ...over,
  };
}
