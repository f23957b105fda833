/**
 * apply interrupted and resumed, in-process against the sandbox: aborting `req.signal` mid-run pauses at the
 * next safe point (the journal says paused, the lease is released); applying the same plan again resumes
 * from the journal and completes, and every node was upgraded exactly once. An abort while a failed driver
 * waits for its retry stops there (the driver is not run again) and the resumed run completes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KubeClusterClient, getLease } from '../../../src/cluster/index.js';
import type { TestSandbox } from '../../helpers/sandbox.js';
import {
  cordoned,
  machines,
  ofType,
  runApply,
  startApplySandbox,
  stateOf,
  upgradeOutOfBand,
  writePlan,
} from './apply-helpers.js';

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
  const byNode = new Map(paused.phases.flatMap((p) => p.nodes).map((n) => [n.node, n]));
  expect(byNode.get('blue-1')!.status).toBe('done');
  expect(byNode.get('blue-2')!.status).not.toBe('done');
  expect(byNode.get('blue-3')!.status).toBe('pending');
  expect(await leaseHolder(t)).toBe(''); // the lock was released

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

it('an abort while waiting to retry a failed driver pauses without running it again; the resumed run completes', async () => {
  await upgradeOutOfBand(t, ['cp-1'], 'v1.32.1');
  const { path } = await writePlan(t, { to: 'v1.32.1', file: `${t.dir}/retry.yaml` });
  const fault = t.sandbox.cluster.faults.add({ type: 'upgrade-fails', node: 'blue-1', times: 10 });
  const abort = new AbortController();
  const first = await runApply(t, path, {
    signal: abort.signal,
    settings: { driverRetryDelayMs: 60_000 },
    onEvent: (e) => {
      if (e.type === 'warning' && e.message.includes('node driver failed on blue-1')) abort.abort();
    },
  });
  expect(first.summary.outcome, JSON.stringify(first.summary.stoppedBy)).toBe('paused');
  expect(first.summary.stoppedBy).toMatchObject({ node: 'blue-1', step: 'upgrade' });
  expect(
    stateOf(path)!
      .phases.flatMap((p) => p.nodes)
      .find((n) => n.node === 'blue-1'),
  ).toMatchObject({ driverRuns: 1, cordonedByUs: true });
  expect(machines(t).find((m) => m.name === 'blue-1')!.upgradeCommands).toBe(2); // one from the first test, one failed here
  expect(await cordoned(t)).toEqual(['blue-1']);

  t.sandbox.cluster.faults.clear(fault.id);
  const second = await runApply(t, path);
  expect(second.summary.outcome, JSON.stringify(second.summary.stoppedBy)).toBe('done');
  for (const m of machines(t)) expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.1', upgrades: 2 });
  expect(await cordoned(t)).toEqual([]);
}, 120_000);

async function leaseHolder(s: TestSandbox): Promise<string> {
  const client = new KubeClusterClient(s.kc, s.sandbox.url);
  try {
    return (await getLease(client, 'kube-system', 'k8s-upgrade'))?.holderIdentity ?? '';
  } finally {
    client.close();
  }
}
