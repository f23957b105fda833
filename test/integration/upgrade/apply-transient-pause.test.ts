/**
 * apply when the API server keeps failing for longer than the transport's retries: the run pauses (never
 * fails), the state and the summary say the stop was transient and tell the operator to run apply again,
 * and the re-run after the server recovers completes with nothing left cordoned. Before the run has a
 * journal (the first reads), the same failure ends it early as paused too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../../helpers/sandbox.js';
import {
  cordoned,
  machines,
  runApply,
  startApplySandbox,
  stateOf,
  upgradeOutOfBand,
  writePlan,
} from './apply-helpers.js';

let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function workersOnly(workers: number): Promise<TestSandbox> {
  const s = await startApplySandbox({
    version: 'v1.31.4',
    controlPlanes: 1,
    pools: [{ name: 'blue', count: workers }],
  });
  await upgradeOutOfBand(s, ['cp-1'], 'v1.32.0');
  return s;
}

describe('a transient API failure that outlasts the retries', () => {
  it('on a node step pauses the run as transient; apply again completes it', async () => {
    t = await workersOnly(1);
    const { path } = await writePlan(t);
    t.sandbox.cluster.faults.add({ type: 'api-errors', rate: 1, code: 503, pathPrefix: '/api/v1/nodes/blue-1' });
    const { summary } = await runApply(t, path);
    expect(summary.outcome).toBe('paused');
    expect(summary.stoppedBy).toMatchObject({ node: 'blue-1', transient: true });
    expect(summary.stoppedBy!.message).toMatch(/API server kept failing \(transient\).*HTTP 503|injected fault/);
    expect(summary.stoppedBy!.next[0]).toContain(`run apply again to resume: k8s-upgrade apply ${path}`);
    const state = stateOf(path)!;
    expect(state.status).toBe('paused');
    expect(state.stop).toMatchObject({ outcome: 'paused', transient: true, node: 'blue-1' });

    t.sandbox.cluster.faults.clear();
    const again = await runApply(t, path);
    expect(again.summary.outcome).toBe('done');
    expect(machines(t).find((m) => m.name === 'blue-1')!.kubeletVersion).toBe('v1.32.0');
    expect(await cordoned(t)).toEqual([]);
  });

  it('before the run has a journal ends it early as paused, transient, nothing changed', async () => {
    t = await workersOnly(1);
    const { path } = await writePlan(t);
    t.sandbox.cluster.faults.add({
      type: 'api-errors',
      rate: 1,
      code: 500,
      pathPrefix: '/api/v1/namespaces/kube-system',
    });
    const { summary } = await runApply(t, path);
    expect(summary.outcome).toBe('paused');
    expect(summary.stoppedBy?.transient).toBe(true);
    expect(summary.stoppedBy!.message).toMatch(/^the run paused: the API server kept failing \(transient\)/);
    expect(await cordoned(t)).toEqual([]);
    expect(machines(t).find((m) => m.name === 'blue-1')).toMatchObject({
      kubeletVersion: 'v1.31.4',
      upgradeCommands: 0,
    });
  });
});
