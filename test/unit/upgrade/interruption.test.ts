/**
 * What an interrupt leaves behind, as the engine words it: `run-interrupted` events for the first and the
 * second signal, the run's stop naming the paused nodes and the nodes interrupted in their driver, and the
 * rollback command only when there is something to roll back to.
 */
import { describe, expect, it } from 'vitest';
import {
  Interruption,
  announceInterrupts,
  hasSomethingToRollBack,
  interruptedStop,
  type ApplyContext,
  type EventBody,
  type RunState,
  type RunStop,
} from '../../../src/upgrade/run/index.js';
import { sampleState } from './sample-state.js';

function fakeContext(state: RunState = sampleState()): { ctx: ApplyContext; events: EventBody[] } {
  const events: EventBody[] = [];
  const ctx = {
    journal: { state },
    interruption: new Interruption(),
    inFlight: new Set<string>(),
    advice: {
      resume: () => ['k8s-upgrade apply plan.yaml'],
      rollback: () => ['k8s-upgrade rollback plan.yaml'],
      afterGate: () => [],
    },
    emit: (e: EventBody) => events.push(e),
  } as unknown as ApplyContext;
  return { ctx, events };
}

const nodePause = (node: string, step: RunStop['step']): RunStop => ({
  outcome: 'paused',
  phase: 'workers/v1.32.0/pool=blue',
  node,
  ...(step ? { step } : {}),
  message: `paused ${node}`,
  next: ['k8s-upgrade apply plan.yaml'],
});

describe('announceInterrupts', () => {
  it('emits one run-interrupted per signal, naming the nodes in flight and in their driver', () => {
    const { ctx, events } = fakeContext();
    const pause = new AbortController();
    const abort = new AbortController();
    const stop = announceInterrupts(ctx, { pause: pause.signal, abort: abort.signal });
    ctx.inFlight.add('blue-1').add('blue-2');
    ctx.interruption.inDriver.add('blue-2');
    pause.abort();
    expect(ctx.interruption.how).toBe('pause');
    abort.abort();
    expect(ctx.interruption.how).toBe('abort');
    expect([...ctx.interruption.cancelledInDriver]).toEqual(['blue-2']);
    stop();
    expect(events).toEqual([
      { type: 'run-interrupted', how: 'pause', inFlight: ['blue-1', 'blue-2'], inDriver: ['blue-2'] },
      { type: 'run-interrupted', how: 'abort', inFlight: ['blue-1', 'blue-2'], inDriver: ['blue-2'] },
    ]);
  });

  it('a second signal alone still announces the abort, and nothing is announced after it stops listening', () => {
    const { ctx, events } = fakeContext();
    const pause = new AbortController();
    const abort = new AbortController();
    announceInterrupts(ctx, { pause: pause.signal, abort: abort.signal })();
    pause.abort();
    expect(events).toEqual([]);
    const { ctx: ctx2, events: events2 } = fakeContext();
    const abort2 = new AbortController();
    announceInterrupts(ctx2, { abort: abort2.signal });
    abort2.abort();
    expect(events2.map((e) => e.type === 'run-interrupted' && e.how)).toEqual(['abort']);
  });
});

describe('interruptedStop', () => {
  it('keeps the stop of a run that was not interrupted, and a failure even when it was', () => {
    const { ctx } = fakeContext();
    const stop = nodePause('blue-1', 'drain');
    expect(interruptedStop(ctx, stop)).toBe(stop);
    expect(interruptedStop(ctx, undefined)).toBeUndefined();
    ctx.interruption.how = 'pause';
    const failed: RunStop = { ...stop, outcome: 'failed' };
    expect(interruptedStop(ctx, failed)).toBe(failed);
  });

  it('after the first signal: names each paused node and where, resume first, no rollback when nothing changed', () => {
    const { ctx } = fakeContext();
    ctx.interruption.how = 'pause';
    ctx.interruption.paused.set('blue-1', 'health-gate').set('blue-2', 'drain');
    const stop = interruptedStop(ctx, nodePause('blue-1', 'health-gate'))!;
    expect(stop.outcome).toBe('paused');
    expect(stop.message).toBe(
      'interrupted: paused at a safe point (no node was stopped inside its driver); paused: blue-1 (upgraded, before its health gate), blue-2 (cordoned, drain not finished)',
    );
    expect(stop.node).toBeUndefined(); // two nodes: the message names them
    expect(stop.next).toEqual(['Resume: k8s-upgrade apply plan.yaml']);
  });

  it('keeps the node and step when only one node was paused, and offers rollback once a driver ran', () => {
    const state = sampleState();
    state.phases[0]!.nodes[0]!.driverRuns = 1;
    const { ctx } = fakeContext(state);
    ctx.interruption.how = 'pause';
    ctx.interruption.paused.set('blue-1', 'health-gate');
    const stop = interruptedStop(ctx, nodePause('blue-1', 'health-gate'))!;
    expect(stop).toMatchObject({ node: 'blue-1', step: 'health-gate' });
    expect(stop.next).toEqual(['Resume: k8s-upgrade apply plan.yaml', 'k8s-upgrade rollback plan.yaml']);
  });

  it('after the second signal: names the nodes interrupted in their driver and asks to look at them first', () => {
    const { ctx } = fakeContext();
    ctx.interruption.how = 'abort';
    ctx.interruption.cancelledInDriver.add('cp-1');
    ctx.interruption.paused.set('cp-1', 'upgrade');
    const stop = interruptedStop(ctx, undefined)!;
    expect(stop.message).toBe(
      'interrupted twice: the steps in flight were cancelled; interrupted in their driver: cp-1; paused: cp-1 (at upgrade)',
    );
    expect(stop.next[0]).toMatch(/^Look at cp-1 first: the driver was stopped half-way/);
  });

  it('says when no node was in flight', () => {
    const { ctx } = fakeContext();
    ctx.interruption.how = 'pause';
    expect(interruptedStop(ctx, undefined)!.message).toMatch(/; no node was in flight$/);
  });
});

describe('hasSomethingToRollBack', () => {
  it('is true once a snapshot was taken, a driver ran or a node finished; false before', () => {
    expect(hasSomethingToRollBack(fakeContext().ctx)).toBe(false);
    const ran = sampleState();
    ran.phases[0]!.nodes[0]!.driverRuns = 1;
    expect(hasSomethingToRollBack(fakeContext(ran).ctx)).toBe(true);
    const done = sampleState();
    done.phases[0]!.nodes[0]!.status = 'done';
    expect(hasSomethingToRollBack(fakeContext(done).ctx)).toBe(true);
    const snap = sampleState({
      snapshots: [
        {
          phase: 'etcd-snapshot/v1.32.0',
          record: {
            hash: 1,
            revision: 2,
            totalKeys: 3,
            totalSize: 4,
            path: 'plans/x.db',
            sha256: 'a',
            sizeBytes: 4,
            takenAt: '2025-01-01T00:00:00.000Z',
            endpoint: 'https://127.0.0.1:2379',
            takenOn: 'local',
            tool: 'etcdctl',
            verified: true,
          },
        },
      ],
    });
    expect(hasSomethingToRollBack(fakeContext(snap).ctx)).toBe(true);
  });
});
