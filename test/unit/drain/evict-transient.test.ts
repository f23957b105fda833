/**
 * An eviction's transient answers: the adapter tells a budget's 429 (DisruptionBudget cause) from the
 * apiserver's overload 429 and from a 500 that is not the several-budgets case; the drain retries the
 * transient ones after its delay (as kubectl drain retries a 429) without counting them as PDB refusals,
 * and stops on anything else.
 */
import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { evictionOutcomeOf } from '../../../src/cluster/adapter/eviction.js';
import { ClusterApiError, TransientApiError, type EvictionOutcome, type PodInfo } from '../../../src/cluster/index.js';
import { evictPod, PodFailure, type EvictContext } from '../../../src/drain/evict.js';
import { DrainState } from '../../../src/drain/drain-state.js';
import type { DrainEvent } from '../../../src/drain/types.js';

const status = (code: number, message: string, causes?: { reason: string; message: string }[]) =>
  new ApiException(
    code,
    message,
    JSON.stringify({ kind: 'Status', code, message, details: causes ? { causes } : {} }),
    {},
  );

describe('evictionOutcomeOf', () => {
  it('a 429 with a DisruptionBudget cause is a refusal naming the budget', () => {
    expect(
      evictionOutcomeOf(
        status(429, "Cannot evict pod as it would violate the pod's disruption budget.", [
          { reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' },
        ]),
      ),
    ).toMatchObject({ result: 'blocked', pdb: 'web' });
  });

  it('a 429 without that cause (overload) and a plain 500 are left to throw', () => {
    expect(evictionOutcomeOf(status(429, 'Too many requests, please try again later.'))).toBeUndefined();
    expect(evictionOutcomeOf(status(500, 'etcdserver: leader changed'))).toBeUndefined();
    expect(
      evictionOutcomeOf(
        status(500, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'),
      ),
    ).toMatchObject({ result: 'multiple-pdbs' });
  });
});

const pod: PodInfo = { namespace: 'a', name: 'p', uid: 'u1' } as PodInfo;

function ctx(answers: (EvictionOutcome | Error)[]) {
  const events: DrainEvent[] = [];
  const state = new DrainState();
  let i = 0;
  const c: EvictContext = {
    client: {
      evictPod: async () => {
        const a = answers[Math.min(i++, answers.length - 1)]!;
        if (a instanceof Error) throw a;
        return a;
      },
      deletePod: async () => 'deleted',
    },
    opts: { retryDelayMs: 1 } as EvictContext['opts'],
    state,
    signal: new AbortController().signal,
    onEvent: (e) => events.push(e),
  };
  return { c, events, state, calls: () => i };
}

const transient = (status: number) =>
  new TransientApiError('evict pod a/p', `evict pod a/p: HTTP ${status}`, status, '');

describe('evictPod under transient answers', () => {
  it('retries 500, 503, an overload 429 and an unreachable server until the eviction is accepted', async () => {
    const { c, events, state, calls } = ctx([
      transient(500),
      transient(503),
      transient(429),
      transient(0),
      { result: 'evicted' },
    ]);
    expect(await evictPod(c, pod)).toBe('evicted');
    expect(calls()).toBe(5);
    expect(state.evictionRequests).toBe(5);
    expect(events.filter((e) => e.type === 'eviction-blocked')).toEqual([]);
    expect(state.blocked.size).toBe(0);
  });

  it('stops the drain on an error that is not transient', async () => {
    const { c } = ctx([new ClusterApiError('evict pod a/p: forbidden', 403, 'Forbidden')]);
    const err = await evictPod(c, pod).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PodFailure);
    expect((err as PodFailure).code).toBe('EVICTION_FAILED');
  });
});
