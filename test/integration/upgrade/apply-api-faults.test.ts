/**
 * apply under the API faults real clusters have in normal life, all at once: 5 % of requests answered 500
 * or 503 (evictions and writes included), every watch stream dropped every 1.5 s, and 2 % of requests
 * stalled for 2 s. The run converges in one go: done, every node at the target, none cordoned, and the
 * faults did act (the sandbox counted them).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { cordoned, machines, runApply, startApplySandbox, stateOf, writePlan } from './apply-helpers.js';

let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('apply under combined API faults', () => {
  it('converges in one run: 5% 500/503 + dropped watches + 2 s stalls', async () => {
    t = await startApplySandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 3 }] });
    const { path, plan } = await writePlan(t, { maxUnavailable: '2' });
    expect(plan.controlPlane.hops.length).toBe(1);

    const faults = t.sandbox.cluster.faults;
    const errors = faults.add({ type: 'api-errors', rate: 0.05, codes: [500, 503] });
    const drops = faults.add({ type: 'drop-watches', everyMs: 1_500 });
    const stalls = faults.add({ type: 'stall-requests', rate: 0.02, stallMs: 2_000 });
    let summary;
    try {
      ({ summary } = await runApply(t, path));
    } finally {
      faults.clear();
    }
    expect(summary.stoppedBy).toBeUndefined();
    expect(summary.outcome).toBe('done');
    expect(stateOf(path)?.status).toBe('done');
    for (const m of machines(t))
      expect({ name: m.name, kubelet: m.kubeletVersion }).toEqual({ name: m.name, kubelet: 'v1.32.0' });
    expect(await cordoned(t)).toEqual([]);
    // The faults acted on this run.
    expect(errors.hits).toBeGreaterThan(3);
    expect(drops.hits).toBeGreaterThan(2);
    expect(stalls.hits).toBeGreaterThan(0);
  }, 240_000);
});
