/**
 * apply interrupted and resumed, in-process against the sandbox: aborting `req.signal` mid-run pauses at the
 * next safe point (the journal says paused, the lease is released); applying the same plan again resumes
 * from the journal and completes, and every node was upgraded exactly once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { cordoned, machines, ofType, runApply, startApplySandbox, stateOf, upgradeOutOfBand, writePlan } from './apply-helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startApplySandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 3 }] });
  await upgradeOutOfBand(t, ['cp-1'], 'v1.32.0');
});
afterAll(() => t?.stop());

it('pauses when aborted mid-run and a second apply resumes and completes, upgrading each node once', async () => {
  const { path } = await writePlan(t);
  const abort = new AbortController();
  const first = await runApply(t, path, {
    signal: abort.signal,
    onEvent: (e) => {
      if (e.type === 'node-step' && e.node === 'blue-2' && e.step === 'upgrade') abort.abort();
    },
  });
  expect(first.summary.outcome, JSON.stringify(first.summary.stoppedBy)).toBe('paused');
  expect(ofType(first.events, 'node-started').map((e) => e.node)).toEqual(['blue-1', 'blue-2']);
  const paused = stateOf(path)!;
  expect(paused.status).toBe('paused');
  expect(paused.phases.flatMap((p) => p.nodes).map((n) => [n.node, n.status])).toEqual([
    ['blue-1', 'done'],
    ['blue-2', 'failed'],
    ['blue-3', 'pending'],
  ]);

  const second = await runApply(t, path);
  expect(second.summary.outcome, JSON.stringify(second.summary.stoppedBy)).toBe('done');
  expect(ofType(second.events, 'run-started')[0]!.resumed).toBe(true);
  // blue-1 was done: not started again; blue-2 is finished before blue-3 starts.
  expect(ofType(second.events, 'node-started').map((e) => e.node)).toEqual(['blue-2', 'blue-3']);
  const state = stateOf(path)!;
  expect(state.status).toBe('done');
  expect(state.attempts.map((a) => a.outcome)).toEqual(['paused', 'done']);
  for (const m of machines(t)) expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.0', upgrades: 1 });
  expect(await cordoned(t)).toEqual([]);
}, 120_000);
