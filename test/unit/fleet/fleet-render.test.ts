/** The fleet renderers: plain lines name the cluster, JSON lines carry it, and the status screen shows stages and clusters. */
import { describe, expect, it } from 'vitest';
import { createFleetProgressSink } from '../../../src/cli/render/fleet-progress.js';
import { renderFleetStatus } from '../../../src/cli/render/fleet-status.js';
import type { FleetEvent } from '../../../src/fleet/apply/index.js';

const at = '2026-12-07T10:00:00.000Z';
const events: FleetEvent[] = [
  { at, type: 'fleet-cluster-started', stage: 'canary', cluster: 'tokyo-1', attempt: 1 },
  {
    at,
    type: 'node-started',
    cluster: 'tokyo-1',
    phase: 'workers/v1.32.0/pool=blue',
    node: 'blue-1',
    role: 'worker',
    version: 'v1.32.0',
  },
  { at, type: 'fleet-budget-spent', stage: 'canary', failed: 1, budget: 0, onFailure: 'stop' },
];

describe('fleet progress', () => {
  it('plain lines name the cluster of every line', () => {
    const lines: string[] = [];
    const sink = createFleetProgressSink({ json: false, color: false, write: (l) => lines.push(l) });
    events.forEach(sink);
    expect(lines[0]).toBe('2026-12-07T10:00:00Z fleet [tokyo-1] started (stage canary, attempt 1)');
    expect(lines[1]).toMatch(/^\[tokyo-1\] 2026-12-07T10:00:00Z \[workers\/v1.32.0\/pool=blue\] blue-1 started/);
    expect(lines[2]).toContain('over its budget of 0: no new cluster starts');
  });
  it('JSON lines are the events, with the cluster (and the phase of a cluster event)', () => {
    const lines: string[] = [];
    const sink = createFleetProgressSink({ json: true, color: false, write: (l) => lines.push(l) });
    events.forEach(sink);
    lines.forEach((l, i) => expect(JSON.parse(l) as FleetEvent).toMatchObject(events[i]!));
    expect((JSON.parse(lines[1]!) as { cluster: string }).cluster).toBe('tokyo-1');
  });
});

describe('fleet status', () => {
  it('shows stages with done/failed/total, soak end, cluster progress and window', () => {
    const text = renderFleetStatus(
      {
        fleet: 'prod',
        planPath: 'p.yaml',
        status: 'paused',
        message: 'stage rest: b waits for its maintenance window',
        stages: [
          {
            name: 'canary',
            state: 'Soaking',
            done: 1,
            failed: 0,
            total: 1,
            soakUntil: '2026-12-07T11:00:00.000Z',
            clusters: [{ name: 'a', state: 'Done', attempts: 1, progress: { nodesDone: 3, nodesTotal: 3 } }],
          },
          {
            name: 'rest',
            state: 'Running',
            done: 0,
            failed: 0,
            total: 2,
            clusters: [
              { name: 'b', state: 'Waiting', attempts: 0, windowOpensAt: '2026-12-13T21:00:00.000Z' },
              {
                name: 'c',
                state: 'Running',
                attempts: 1,
                progress: { nodesDone: 1, nodesTotal: 4, node: 'w-2', step: 'drain' },
              },
            ],
          },
        ],
        approvals: [{ stage: 'rest', by: 'ops@host', at }],
      },
      { color: false },
    );
    expect(text).toContain('stage canary  Soaking  1/1 done, 0 failed, soak until 2026-12-07T11:00:00.000Z');
    expect(text).toMatch(/b\s+Waiting\s+window opens 2026-12-13T21:00:00.000Z/);
    expect(text).toMatch(/c\s+Running\s+1\/4 nodes\s+w-2 drain/);
    expect(text).toContain('approved rest by ops@host');
  });
});
