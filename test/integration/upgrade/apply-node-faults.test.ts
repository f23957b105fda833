/**
 * apply when a node misbehaves, in-process against the sandbox (control plane already at the target, so only
 * workers run): a node that never comes back Ready pauses the run naming it, with the rollback command, and
 * nothing after it starts (once its kubelet is fixed, a resumed run completes); a node driver that fails once is retried and the run completes; one that keeps
 * failing fails the run with the driver's output, leaving the node cordoned.
 */
import { afterEach, describe, expect, it } from 'vitest';
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

let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** A sandbox whose control plane already runs v1.32.0, with `workers` nodes in pool blue at v1.31.4. */
async function workersOnly(workers: number): Promise<TestSandbox> {
  const s = await startApplySandbox({
    version: 'v1.31.4',
    controlPlanes: 1,
    pools: [{ name: 'blue', count: workers }],
  });
  await upgradeOutOfBand(s, ['cp-1'], 'v1.32.0');
  return s;
}

describe('a node that never comes back Ready', () => {
  it('pauses the run naming the node, with resume and rollback advice; nothing after it starts; resumes once fixed', async () => {
    t = await workersOnly(2);
    const { path, plan } = await writePlan(t);
    expect(plan.controlPlane.hops).toEqual([]);
    const fault = t.sandbox.cluster.faults.add({ type: 'node-never-ready', node: 'blue-1' });

    const { summary, events } = await runApply(t, path, { settings: { nodeReadyTimeoutMs: 3000 } });
    expect(summary.outcome).toBe('paused');
    expect(summary.stoppedBy).toMatchObject({ node: 'blue-1', step: 'wait-ready', phase: 'workers/v1.32.0/pool=blue' });
    expect(summary.stoppedBy!.message).toContain('blue-1 did not become Ready at v1.32.0');
    expect(summary.stoppedBy!.next.join('\n')).toContain(`k8s-upgrade rollback ${path}`);
    expect(summary.stoppedBy!.next.join('\n')).toContain(`k8s-upgrade apply ${path}`);

    const state = stateOf(path)!;
    expect(state.status).toBe('paused');
    expect(state.stop?.node).toBe('blue-1');
    const blue1 = state.phases.flatMap((p) => p.nodes).find((n) => n.node === 'blue-1')!;
    // Paused (not failed): the resumed run continues it at its step.
    expect(blue1).toMatchObject({ status: 'paused', step: 'wait-ready', cordonedByUs: true, driverRuns: 1 });
    expect(ofType(events, 'node-paused')).toMatchObject([{ node: 'blue-1', step: 'wait-ready' }]);
    expect(ofType(events, 'node-failed')).toEqual([]);
    // Nothing after it was started: not in the events, not cordoned, driver never run.
    expect(ofType(events, 'node-started').map((e) => e.node)).toEqual(['blue-1']);
    expect(await cordoned(t)).toEqual(['blue-1']);
    const m = new Map(machines(t).map((x) => [x.name, x]));
    expect(m.get('blue-2')!.upgradeCommands).toBe(0);
    expect(
      state.phases
        .flatMap((p) => p.nodes)
        .filter((n) => n.node !== 'blue-1')
        .map((n) => n.status),
    ).toEqual(['pending']);

    // The kubelet is fixed: the resumed run (its preflight does not count the run's own NotReady, cordoned
    // node as a blocker) finishes blue-1 without running its driver again, then does blue-2.
    t.sandbox.cluster.faults.clear(fault.id);
    const resumed = await runApply(t, path);
    expect(resumed.summary.outcome, JSON.stringify(resumed.summary.stoppedBy)).toBe('done');
    expect(ofType(resumed.events, 'preflight-finished')[0]!.blockers).toBe(0);
    for (const x of machines(t).filter((y) => y.role === 'worker'))
      expect(x, x.name).toMatchObject({ kubeletVersion: 'v1.32.0', upgrades: 1, upgradeCommands: 1 });
    expect(await cordoned(t)).toEqual([]);
  }, 120_000);
});

describe('the node driver fails', () => {
  it('once: it is retried and the run completes', async () => {
    t = await workersOnly(1);
    const { path } = await writePlan(t);
    t.sandbox.cluster.faults.add({ type: 'upgrade-fails', node: 'blue-1', times: 1 });

    const { summary, events } = await runApply(t, path);
    expect(summary.outcome, JSON.stringify(summary.stoppedBy)).toBe('done');
    expect(ofType(events, 'warning').some((w) => /node driver failed on blue-1 \(attempt 1\)/.test(w.message))).toBe(
      true,
    );
    expect(
      stateOf(path)!
        .phases.flatMap((p) => p.nodes)
        .find((n) => n.node === 'blue-1')!.driverRuns,
    ).toBe(2);
    expect(machines(t).find((m) => m.name === 'blue-1')).toMatchObject({
      kubeletVersion: 'v1.32.0',
      upgrades: 1,
      upgradeCommands: 2,
    });
    expect(await cordoned(t)).toEqual([]);
  }, 120_000);

  it('every time: the run fails after the retries, the node stays cordoned, the message has the driver output', async () => {
    t = await workersOnly(1);
    const { path } = await writePlan(t);
    t.sandbox.cluster.faults.add({ type: 'upgrade-fails', node: 'blue-1', times: 10 });

    const { summary } = await runApply(t, path, { settings: { driverRetries: 1 } });
    expect(summary.outcome).toBe('failed');
    expect(summary.stoppedBy).toMatchObject({ node: 'blue-1', step: 'upgrade' });
    expect(summary.stoppedBy!.message).toContain('node driver failed on blue-1');
    expect(summary.stoppedBy!.message).toContain('injected fault on blue-1'); // the driver's output tail
    expect(summary.stoppedBy!.next.join('\n')).toContain('rollback');
    expect(stateOf(path)!.status).toBe('failed');
    expect(
      stateOf(path)!
        .phases.flatMap((p) => p.nodes)
        .find((n) => n.node === 'blue-1'),
    ).toMatchObject({ status: 'failed', cordonedByUs: true, driverRuns: 2 });
    expect(machines(t).find((m) => m.name === 'blue-1')).toMatchObject({
      kubeletVersion: 'v1.31.4',
      upgrades: 0,
      upgradeCommands: 2,
    });
    expect(await cordoned(t)).toEqual(['blue-1']);
  }, 120_000);
});
