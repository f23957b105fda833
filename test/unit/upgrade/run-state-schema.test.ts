/**
 * The run-state schema: a full state (snapshots, a stop, a rollback) is valid, every problem is reported with
 * its path, fields this build does not know are kept (a newer release may have written them), and the
 * inferred types accept what the product writes.
 */
import { describe, expect, it } from 'vitest';
import { runStateProblems, runStateSchema } from '../../../src/upgrade/run/run-state-schema.js';
import { parseRunState } from '../../../src/upgrade/run/state-store.js';
import type { RunState } from '../../../src/upgrade/run/run-state-types.js';
import { sampleState } from './sample-state.js';

const snapshot = {
  hash: 1,
  revision: 2,
  totalKeys: 3,
  totalSize: 4,
  path: 'plans/p.etcd/a.db',
  sha256: 'ab',
  sizeBytes: 5,
  takenAt: '2025-01-01T00:00:00.000Z',
  endpoint: 'https://10.0.0.11:2379',
  takenOn: 'local',
  tool: 'etcdctl 3.5.16',
  verified: true,
};

const fullState = (): RunState =>
  sampleState({
    status: 'failed',
    finishedAt: '2025-01-01T00:09:00.000Z',
    stop: {
      outcome: 'failed',
      phase: 'workers/v1.32.0/pool=blue',
      node: 'blue-1',
      step: 'drain',
      message: 'stuck',
      next: ['k8s-upgrade rollback p.yaml'],
    },
    snapshots: [{ phase: 'etcd-snapshot', record: snapshot }],
    snapshotSkipped: { at: '2025-01-01T00:00:00.000Z', reason: '--skip-etcd-snapshot' },
    rollback: {
      status: 'running',
      startedAt: '2025-01-01T00:10:00.000Z',
      updatedAt: '2025-01-01T00:10:01.000Z',
      snapshot,
      attempts: [{ startedAt: '2025-01-01T00:10:00.000Z', holder: 'h/2/r-1', outcome: 'failed', endedAt: 'x' }],
      phases: [{ id: 'etcd-restore', kind: 'etcd-restore', title: 'etcd', status: 'pending', nodes: [] }],
    },
  });

describe('runStateSchema', () => {
  it('accepts a state with every optional section', () => {
    expect(runStateProblems(sampleState())).toEqual([]);
    expect(runStateProblems(fullState())).toEqual([]);
    const touched = [{ kind: 'ReplicaSet', name: 'web-1', uid: 'u', apiVersion: 'apps/v1' }];
    const node = { ...sampleState().phases[0]!.nodes[0]!, touched };
    expect(runStateProblems(sampleState({ phases: [{ ...sampleState().phases[0]!, nodes: [node] }] }))).toEqual([]);
  });

  it('reports every problem with its path, in document order', () => {
    const doc = JSON.parse(JSON.stringify(fullState())) as RunState; // two copies of the snapshot, as in a file
    Object.assign(doc.phases[0]!.nodes[0]!, { step: 'reboot', evictions: '3' });
    Object.assign(doc.rollback!.snapshot!, { verified: 'yes' });
    delete (doc.cluster as Partial<RunState['cluster']>).kubeSystemUid;
    expect(runStateProblems(doc)).toEqual([
      'cluster.kubeSystemUid is missing',
      'phases[0].nodes[0].step "reboot" is not one of ' +
        'cordon, drain, upgrade, downgrade, restore-etcd, wait-ready, uncordon, health-gate',
      'phases[0].nodes[0].evictions is string "3", expected a number',
      'rollback.snapshot.verified is string "yes", expected true or false',
    ]);
  });

  it('names the whole document "it"', () => {
    expect(runStateProblems('state')).toEqual(['it is not a JSON object']);
  });

  it('keeps fields this build does not know, where it reads the state', () => {
    const text = JSON.stringify({ ...sampleState(), futureField: { x: 1 } });
    expect(runStateProblems(JSON.parse(text))).toEqual([]);
    expect(parseRunState(text, 'x.state.json')).toMatchObject({ futureField: { x: 1 } });
    expect(runStateSchema.parse(JSON.parse(text))).not.toHaveProperty('futureField');
  });

  it('shows the first three problems and counts the rest', () => {
    const text = JSON.stringify({ ...sampleState(), runId: 1, status: 2, startedAt: 3, updatedAt: 4, attempts: 5 });
    expect(() => parseRunState(text, 'x.state.json')).toThrow(
      'runId is number 1, expected a string; status 2 is not one of running, paused, failed, done; ' +
        'startedAt is number 3, expected a string (and 2 more)',
    );
  });
});
