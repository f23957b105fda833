/** The fleet state file: atomic write and validated read, approvals merged from disk, transitions with history, retry. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clusterRecord,
  fleetStatePathFor,
  readFleetState,
  resetFailed,
  setClusterState,
  writeFleetState,
  FleetStateError,
  type FleetState,
} from '../../../src/fleet/state/index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function state(): FleetState {
  return {
    apiVersion: 'k8s-upgrade/v1',
    kind: 'FleetState',
    fleet: { name: 'prod', planPath: 'p.yaml', contentHash: 'sha256:a', fleetFileHash: 'sha256:b' },
    status: 'running',
    startedAt: '2026-12-07T00:00:00.000Z',
    updatedAt: '2026-12-07T00:00:00.000Z',
    stages: [{ name: 'canary', state: 'Running' }],
    clusters: [
      {
        name: 'a',
        stage: 'canary',
        state: 'Running',
        attempts: [{ startedAt: '2026-12-07T00:00:00.000Z' }],
        history: [],
      },
      { name: 'b', stage: 'canary', state: 'NotStarted', attempts: [], history: [] },
    ],
    approvals: [],
  };
}

describe('the fleet state file', () => {
  it('lives next to the fleet plan', () => {
    expect(fleetStatePathFor('plans/prod/fleet-plan.yaml')).toBe('plans/prod/fleet-plan.state.json');
  });
  it('round-trips, leaves no temp file, and keeps approvals another process wrote', () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-state-'));
    const file = join(dir!, 'fleet-plan.state.json');
    const mine = state();
    writeFleetState(file, mine);
    const other = readFleetState(file)!;
    other.approvals.push({ stage: 'canary', by: 'ops@host', at: '2026-12-07T01:00:00.000Z' });
    writeFleetState(file, other);
    setClusterState(clusterRecord(mine, 'a'), 'Done');
    writeFleetState(file, mine); // stale in-memory copy: the approval on disk survives
    const back = readFleetState(file)!;
    expect(back.approvals).toEqual([{ stage: 'canary', by: 'ops@host', at: '2026-12-07T01:00:00.000Z' }]);
    expect(back.clusters[0]!.state).toBe('Done');
    expect(readdirSync(dir!)).toEqual(['fleet-plan.state.json']);
  });
  it('refuses a file that is not a FleetState, naming the field', () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-state-'));
    const file = join(dir!, 's.state.json');
    writeFileSync(file, JSON.stringify({ ...state(), clusters: [{ ...state().clusters[0], state: 'Exploded' }] }));
    expect(() => readFleetState(file)).toThrow(FleetStateError);
    expect(() => readFleetState(file)).toThrow(/clusters\.0\.state/);
    writeFileSync(file, '{');
    expect(() => readFleetState(file)).toThrow(/not JSON/);
    expect(readFleetState(join(dir!, 'none.json'))).toBeUndefined();
  });
});

describe('transitions', () => {
  it('records every change with its reason, once', () => {
    const s = state();
    const a = clusterRecord(s, 'a');
    setClusterState(a, 'Failed', 'node x never Ready', new Date('2026-12-07T02:00:00Z'));
    setClusterState(a, 'Failed', 'node x never Ready');
    expect(a.history).toEqual([
      { at: '2026-12-07T02:00:00.000Z', from: 'Running', to: 'Failed', reason: 'node x never Ready' },
    ]);
    expect(a.message).toBe('node x never Ready');
  });
  it('retry resets only the failed clusters and keeps their history and attempts', () => {
    const s = state();
    setClusterState(clusterRecord(s, 'a'), 'Failed', 'boom');
    s.stages[0]!.state = 'Failed';
    expect(resetFailed(s)).toEqual(['a']);
    const a = clusterRecord(s, 'a');
    expect(a.state).toBe('NotStarted');
    expect(a.attempts).toHaveLength(1);
    expect(a.history.map((h) => h.to)).toEqual(['Failed', 'NotStarted']);
    expect(clusterRecord(s, 'b').history).toEqual([]);
    expect(s.stages[0]!.state).toBe('Running');
    expect(resetFailed(s)).toEqual([]);
  });
});
