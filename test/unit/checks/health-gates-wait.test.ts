/**
 * waitForHealth over a hand-filled cache, on fake timers: cluster changes re-evaluate it, custom gates run
 * only while the cluster part is healthy, the soak restarts when a gate flips, and the timeout returns the
 * failing list instead of throwing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitForHealth, type WaitForHealthInput } from '../../../src/checks/index.js';
import { node } from './fixtures.js';
import { healthyCache, ref } from './health-gates-fixtures.js';

/** A command gate whose answer the test sets; it counts its runs. */
function fakeCommand(initial = true) {
  const gate = { ok: initial, runs: 0 };
  const runCommand = async (argv: readonly string[]) => {
    gate.runs++;
    return { ok: gate.ok, output: gate.ok ? '' : `${argv[0]}: smoke test failed\nexit 1` };
  };
  return { gate, runCommand };
}

const settle = async (ms: number) => {
  await vi.advanceTimersByTimeAsync(ms);
};

describe('waitForHealth', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const base = (runCommand: WaitForHealthInput['runCommand']): Omit<WaitForHealthInput, 'touched'> => ({
    inFlight: new Set<string>(),
    timeoutMs: 60_000,
    soakMs: 10_000,
    http: [],
    commands: [{ argv: ['smoke', '--quick'] }],
    runCommand,
    gateIntervalMs: 1_000,
  });

  it('passes after the soak when everything passes from the start', async () => {
    const { cache, webRs } = healthyCache();
    const { runCommand, gate } = fakeCommand();
    let result: unknown;
    void waitForHealth(cache, { ...base(runCommand), touched: [ref(webRs)] }).then((r) => (result = r));
    await settle(9_000);
    expect(result).toBeUndefined(); // still soaking
    await settle(1_100);
    expect(result).toEqual({ healthy: true, failing: [] });
    expect(gate.runs).toBeGreaterThanOrEqual(10); // the gate kept being checked during the soak
  });

  it('re-evaluates on cache changes, runs custom gates only while the cluster part is healthy', async () => {
    const { cache, web, webRs } = healthyCache();
    cache.workloads.Deployment.set({ ...web, availableReplicas: 1 });
    const { runCommand, gate } = fakeCommand();
    const waiting: string[][] = [];
    let result: unknown;
    void waitForHealth(cache, { ...base(runCommand), touched: [ref(webRs)], onWaiting: (f) => waiting.push(f) }).then(
      (r) => (result = r),
    );
    await settle(5_000);
    expect(gate.runs).toBe(0);
    expect(waiting).toEqual([['deployment shop/web: 1/3 available']]); // told once, not on every evaluation
    cache.workloads.Deployment.set({ ...web, availableReplicas: 2 });
    await settle(100);
    expect(waiting.at(-1)).toEqual(['deployment shop/web: 2/3 available']);
    cache.workloads.Deployment.set({ ...web, availableReplicas: 3 });
    await settle(100);
    expect(gate.runs).toBe(1);
    await settle(10_000);
    expect(result).toEqual({ healthy: true, failing: [] });
  });

  it('restarts the soak when a gate flips, and when the cluster part flips', async () => {
    const { cache } = healthyCache();
    const { runCommand, gate } = fakeCommand();
    const waiting: string[][] = [];
    let result: unknown;
    void waitForHealth(cache, { ...base(runCommand), touched: [], onWaiting: (f) => waiting.push(f) }).then(
      (r) => (result = r),
    );
    await settle(8_000);
    gate.ok = false;
    await settle(1_000);
    expect(waiting.at(-1)).toEqual(['command "smoke --quick" failed: exit 1']);
    gate.ok = true;
    await settle(9_000); // 18 s in: would have passed had the soak not restarted
    expect(result).toBeUndefined();
    cache.nodes.set(node('blue-1', { ready: false }));
    await settle(100);
    expect(waiting.at(-1)).toEqual(['node blue-1 NotReady']);
    const runs = gate.runs;
    await settle(5_000);
    expect(gate.runs).toBe(runs); // not polled while the cluster part fails
    cache.nodes.set(node('blue-1'));
    await settle(9_000);
    expect(result).toBeUndefined();
    await settle(1_200);
    expect(result).toEqual({ healthy: true, failing: [] });
  });

  it('returns the failing list at the timeout, and rejects when aborted', async () => {
    const { cache } = healthyCache();
    cache.nodes.set(node('blue-2', { ready: false }));
    const { runCommand } = fakeCommand(false);
    let result: unknown;
    void waitForHealth(cache, { ...base(runCommand), timeoutMs: 30_000, touched: [] }).then((r) => (result = r));
    await settle(30_100);
    expect(result).toEqual({ healthy: false, failing: ['node blue-2 NotReady'] });

    cache.nodes.set(node('blue-2'));
    void waitForHealth(cache, { ...base(runCommand), timeoutMs: 30_000, touched: [] }).then((r) => (result = r));
    await settle(30_100);
    expect(result).toEqual({ healthy: false, failing: ['command "smoke --quick" failed: exit 1'] });

    const ac = new AbortController();
    const aborted = waitForHealth(cache, { ...base(runCommand), signal: ac.signal, touched: [] });
    ac.abort(new Error('interrupted'));
    await expect(aborted).rejects.toThrow(/stopped waiting for the health gate: aborted/);
  });

  it('passes with no custom gates and a zero soak as soon as the cluster part passes', async () => {
    const { cache } = healthyCache();
    const { runCommand } = fakeCommand();
    const r = waitForHealth(cache, { ...base(runCommand), commands: [], soakMs: 0, touched: [] });
    await settle(1);
    await expect(r).resolves.toEqual({ healthy: true, failing: [] });
  });
});
