/**
 * The retry policy of every API request: which requests may be repeated, back-off growth and its cap,
 * Retry-After honoured, the attempt and time budgets, timeouts limited, and the last answer or error handed
 * back marked with its attempts. Sleep, randomness and the clock are injected: nothing here waits.
 */
import { describe, expect, it } from 'vitest';
import {
  attemptsOf,
  isConnectionError,
  isRepeatable,
  retryAfterMs,
  verdictOnStatus,
  RequestTimeoutError,
  RetryPolicy,
} from '../../../src/cluster/transport/index.js';

/** A policy on a fake clock whose sleeps advance the clock and are recorded. */
function fakePolicy(opts: Partial<ConstructorParameters<typeof RetryPolicy>[0]> = {}) {
  let clock = 0;
  const slept: number[] = [];
  const policy = new RetryPolicy({
    random: () => 0.5,
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    ...opts,
  });
  return { policy, slept, advance: (ms: number) => (clock += ms) };
}

const answers = (...statuses: (number | Error)[]) => {
  let i = 0;
  const calls = { n: 0 };
  const attempt = async () => {
    calls.n++;
    const s = statuses[Math.min(i++, statuses.length - 1)]!;
    if (s instanceof Error) throw s;
    return { status: s };
  };
  return { attempt, calls };
};
const judge = (r: { status: number }) => verdictOnStatus(r.status);
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('which requests are repeated', () => {
  it.each([
    ['GET', '/api/v1/pods', '', true],
    ['PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/x', '', true],
    ['DELETE', '/api/v1/namespaces/a/configmaps/x', '', true],
    ['PATCH', '/api/v1/nodes/n1', 'application/strategic-merge-patch+json', true],
    ['PATCH', '/api/v1/nodes/n1', 'application/merge-patch+json', true],
    ['PATCH', '/api/v1/nodes/n1', 'application/json-patch+json', false],
    ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', '', true],
    ['POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', '', true],
    ['POST', '/api/v1/namespaces/kube-system/configmaps', '', true],
    ['POST', '/api/v1/namespaces/a/pods/p/eviction', '', false],
    ['POST', '/api/v1/namespaces/a/pods', '', false],
  ])('%s %s (%s) → %s', (method, path, ct, want) => {
    expect(isRepeatable(method, path, ct)).toBe(want);
  });

  it('knows connection failures from other errors', () => {
    expect(isConnectionError(reset())).toBe(true);
    expect(
      isConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isConnectionError(new RequestTimeoutError(20_000))).toBe(true);
    expect(isConnectionError(new Error('Unexpected token < in JSON'))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('socket hang up'), { name: 'AbortError' }))).toBe(false);
  });
});

describe('RetryPolicy.run', () => {
  it('retries 500/502/503/504 and 429 until an answer is kept, with a doubling back-off', async () => {
    const { policy, slept } = fakePolicy();
    const { attempt, calls } = answers(503, 500, 502, 504, 429, 200);
    const r = await policy.run(attempt, judge, { repeatable: true });
    expect(r.status).toBe(200);
    expect(calls.n).toBe(6);
    // random 0.5: three quarters of each window 250, 500, 1000, 2000, 4000
    expect(slept).toEqual([188, 375, 750, 1500, 3000]);
    expect(policy.retried).toBe(5);
    expect(attemptsOf(r)).toBe(6);
  });

  it('keeps a 4xx answer at once', async () => {
    const { policy, slept } = fakePolicy();
    const { attempt, calls } = answers(404, 200);
    expect((await policy.run(attempt, judge, { repeatable: true })).status).toBe(404);
    expect(calls.n).toBe(1);
    expect(slept).toEqual([]);
  });

  it('caps the back-off', async () => {
    const { policy, slept } = fakePolicy({ attempts: 10, maxDelayMs: 1_000, budgetMs: 1e9 });
    await policy.run(answers(503).attempt, judge, { repeatable: true });
    expect(Math.max(...slept)).toBeLessThanOrEqual(1_000);
    expect(slept.slice(-3)).toEqual([750, 750, 750]);
  });

  it('waits at least what Retry-After asks for', async () => {
    const { policy, slept } = fakePolicy();
    let n = 0;
    const attempt = async () => (n++ === 0 ? { status: 429, retryAfter: '7' } : { status: 200 });
    const r = await policy.run(attempt, (a) => verdictOnStatus(a.status, a.retryAfter), { repeatable: true });
    expect(r.status).toBe(200);
    expect(slept).toEqual([7_000]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('hands back the last retryable answer once the attempts are spent, marked with their number', async () => {
    const { policy } = fakePolicy({ attempts: 4 });
    const { attempt, calls } = answers(503);
    const r = await policy.run(attempt, judge, { repeatable: true });
    expect(r.status).toBe(503);
    expect(calls.n).toBe(4);
    expect(attemptsOf(r)).toBe(4);
  });

  it('starts no attempt past the time budget', async () => {
    const { policy, slept } = fakePolicy({ attempts: 100, budgetMs: 2_000 });
    const { attempt, calls } = answers(503);
    expect((await policy.run(attempt, judge, { repeatable: true })).status).toBe(503);
    // waits 188 + 375 + 750 = 1313 ms; the next (1500) would pass 2 s
    expect(slept).toEqual([188, 375, 750]);
    expect(calls.n).toBe(4);
  });

  it('retries connection errors and throws the last one when the budget is spent', async () => {
    const { policy } = fakePolicy({ attempts: 3 });
    const { attempt, calls } = answers(reset());
    const err = await policy.run(attempt, judge, { repeatable: true }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('socket hang up');
    expect(calls.n).toBe(3);
    expect(attemptsOf(err)).toBe(3);
  });

  it('recovers from a connection error', async () => {
    const { policy } = fakePolicy();
    const { attempt, calls } = answers(reset(), 200);
    expect((await policy.run(attempt, judge, { repeatable: true })).status).toBe(200);
    expect(calls.n).toBe(2);
  });

  it('never repeats a request that is not repeatable (a POST eviction): one attempt, its answer as it came', async () => {
    const { policy, slept } = fakePolicy();
    const a = answers(503, 200);
    expect((await policy.run(a.attempt, judge, { repeatable: false })).status).toBe(503);
    expect(a.calls.n).toBe(1);
    const b = answers(reset(), 200);
    await expect(policy.run(b.attempt, judge, { repeatable: false })).rejects.toThrow('socket hang up');
    expect(b.calls.n).toBe(1);
    expect(slept).toEqual([]);
    expect(policy.retried).toBe(0);
  });

  it('does not retry errors that are not about the connection', async () => {
    const { policy } = fakePolicy();
    const { attempt, calls } = answers(new Error('Unexpected token'), 200);
    await expect(policy.run(attempt, judge, { repeatable: true })).rejects.toThrow('Unexpected token');
    expect(calls.n).toBe(1);
  });

  it('gives up after two timed-out attempts: a server that never answers is reported', async () => {
    const { policy } = fakePolicy({ attempts: 10 });
    const { attempt, calls } = answers(new RequestTimeoutError(20_000));
    const err = await policy.run(attempt, judge, { repeatable: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as Error).message).toMatch(/did not answer within 20s/);
    expect(calls.n).toBe(2);
  });

  it('stops retrying once the signal is aborted', async () => {
    const { policy } = fakePolicy();
    const ac = new AbortController();
    let n = 0;
    const attempt = async () => {
      if (++n === 2) ac.abort();
      return { status: 503 };
    };
    expect((await policy.run(attempt, judge, { repeatable: true, signal: ac.signal })).status).toBe(503);
    expect(n).toBe(2);
  });
});

describe('the default back-off sleep', () => {
  it('keeps a process alive while it waits (a CLI awaiting only a retry must not exit mid-await)', async () => {
    const { execa } = await import('execa');
    const script = [
      "import { RetryPolicy } from './src/cluster/transport/retry-policy.ts';",
      'let n = 0;',
      'const r = await new RetryPolicy({ baseDelayMs: 50 }).run(async () => ({ status: n++ < 2 ? 503 : 200 }), (a) =>',
      '  a.status === 503 ? { retry: true } : { retry: false }, { repeatable: true });',
      'console.log(r.status, n);',
    ].join('\n');
    const r = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      reject: false,
    });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout).trim()).toBe('200 3');
  }, 30_000);
});
