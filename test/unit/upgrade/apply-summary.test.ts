/** summarize and summarizeEarlyStop: the closing summary of a run, derived from its journal. */
import { describe, expect, it } from 'vitest';
import { summarize, summarizeEarlyStop } from '../../../src/upgrade/run/run-summary.js';
import type { RunState } from '../../../src/upgrade/run/run-state-types.js';
import { sampleState } from './sample-state.js';

function state(): RunState {
  const s = sampleState();
  s.phases = [
    { id: 'etcd-snapshot', kind: 'etcd-snapshot', title: 'etcd snapshot', status: 'skipped', nodes: [] },
    {
      id: 'control-plane/v1.32.0',
      kind: 'control-plane',
      title: 'control plane → v1.32.0',
      to: 'v1.32.0',
      status: 'done',
      nodes: [
        {
          node: 'cp-1',
          role: 'control-plane',
          to: 'v1.32.0',
          status: 'done',
          cordonedByUs: false,
          evictions: 2,
          blockedMs: 0,
          driverRuns: 1,
          durationMs: 1500,
        },
      ],
    },
    {
      id: 'workers/v1.32.0/pool=blue',
      kind: 'workers',
      title: 'workers pool=blue → v1.32.0',
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
          durationMs: 0,
        },
        {
          node: 'blue-2',
          role: 'worker',
          to: 'v1.32.0',
          status: 'failed',
          step: 'drain',
          cordonedByUs: true,
          evictions: 5,
          blockedMs: 4000,
          driverRuns: 0,
          durationMs: 9000,
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
    { id: 'postflight', kind: 'postflight', title: 'postflight', status: 'pending', nodes: [] },
  ];
  return s;
}

describe('summarize', () => {
  it('lists every node of every phase with its status and totals evictions and blocked time', () => {
    const s = summarize(state(), 'done', 12_345);
    expect(s).toMatchObject({
      runId: 'r-1',
      plan: 'sandbox-v1.31.4-to-v1.32.0',
      outcome: 'done',
      durationMs: 12_345,
      evictions: 7,
      blockedMs: 4000,
    });
    expect(s.nodes).toEqual([
      { phase: 'control-plane/v1.32.0', node: 'cp-1', status: 'done', durationMs: 1500, evictions: 2, blockedMs: 0 },
      {
        phase: 'workers/v1.32.0/pool=blue',
        node: 'blue-1',
        status: 'skipped',
        durationMs: 0,
        evictions: 0,
        blockedMs: 0,
      },
      {
        phase: 'workers/v1.32.0/pool=blue',
        node: 'blue-2',
        status: 'failed',
        durationMs: 9000,
        evictions: 5,
        blockedMs: 4000,
      },
      {
        phase: 'workers/v1.32.0/pool=blue',
        node: 'blue-3',
        status: 'pending',
        durationMs: 0,
        evictions: 0,
        blockedMs: 0,
      },
    ]);
    expect(s.stoppedBy).toBeUndefined();
  });

  it('says what stopped a paused run and what to do next', () => {
    const s = summarize(state(), 'paused', 1, {
      outcome: 'paused',
      phase: 'workers/v1.32.0/pool=blue',
      node: 'blue-2',
      step: 'drain',
      message: 'drain of blue-2 did not finish',
      next: ['k8s-upgrade apply plans/p.yaml'],
    });
    expect(s.outcome).toBe('paused');
    expect(s.stoppedBy).toEqual({
      phase: 'workers/v1.32.0/pool=blue',
      node: 'blue-2',
      step: 'drain',
      message: 'drain of blue-2 did not finish',
      next: ['k8s-upgrade apply plans/p.yaml'],
    });
  });

  it('leaves out what the stop does not name', () => {
    const s = summarize(state(), 'failed', 1, { outcome: 'failed', message: 'postflight: x', next: [] });
    expect(s.stoppedBy).toEqual({ message: 'postflight: x', next: [] });
  });
});

describe('summarizeEarlyStop', () => {
  it('summarises a run that stopped before its journal: no nodes, the step and the advice', () => {
    const s = summarizeEarlyStop('p', 'blocked', {
      outcome: 'blocked',
      step: 'preflight',
      message: 'blockers',
      next: ['fix'],
    });
    expect(s).toEqual({
      runId: '',
      plan: 'p',
      outcome: 'blocked',
      durationMs: 0,
      nodes: [],
      evictions: 0,
      blockedMs: 0,
      stoppedBy: { step: 'preflight', message: 'blockers', next: ['fix'] },
    });
    expect(summarizeEarlyStop('p', 'locked', { outcome: 'locked', message: 'm', next: [] }, 'run-9').runId).toBe(
      'run-9',
    );
  });
});
