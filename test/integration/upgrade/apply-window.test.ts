/**
 * apply's worker windows, in-process against the sandbox (control plane moved out of band, three workers in
 * pool blue, maxUnavailable 2): the rolling window (after its canary, which runs alone) and `--strategy batch`
 * never have more than two workers cordoned at once (counted on the sandbox's node change feed), batch waits for
 * a whole batch before the next, and both finish with every worker at the target.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestSandbox } from '../../helpers/sandbox.js';
import {
  cordoned,
  machines,
  ofType,
  runApply,
  startApplySandbox,
  upgradeOutOfBand,
  watchCordons,
  writePlan,
} from './apply-helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startApplySandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 3 }] });
});
afterAll(() => t?.stop());

const workers = () => machines(t).filter((m) => m.role === 'worker');

it('rolling, maxUnavailable 2, canary 1: the canary alone first, then at most two workers cordoned at once, all done', async () => {
  await upgradeOutOfBand(t, ['cp-1'], 'v1.32.0');
  const { path, plan } = await writePlan(t, {
    maxUnavailable: '2',
    canary: 1,
    strategy: 'rolling',
    file: `${t.dir}/rolling.yaml`,
  });
  expect(plan.groups[0]!.maxUnavailable).toBe(2);
  const [canary, rest] = [plan.groups[0]!.batches[0]!, plan.groups[0]!.batches.slice(1).flat()];
  expect(canary).toHaveLength(1);
  const watch = watchCordons(t, (n) => n.startsWith('blue-'));
  const { summary, events } = await runApply(t, path);
  const { peak, together } = watch.stop();
  expect(summary.outcome, JSON.stringify(summary.stoppedBy)).toBe('done');
  expect(peak, `cordoned together: ${together.join(', ')}`).toBe(2);
  // The canary ran alone and finished (health gate included) before the window opened to the rest.
  const order = events
    .filter((e) => (e.type === 'node-started' || e.type === 'node-finished') && e.node.startsWith('blue-'))
    .map((e) => `${e.type === 'node-started' ? '+' : '-'}${(e as { node: string }).node}`);
  expect(order.slice(0, 2)).toEqual([`+${canary[0]}`, `-${canary[0]}`]);
  // Then both others in the window at once.
  expect(order.slice(2, 4).sort()).toEqual(rest.map((n) => `+${n}`).sort());
  for (const m of workers()) expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.0', upgrades: 1 });
  expect(await cordoned(t)).toEqual([]);
}, 120_000);

it('batch, maxUnavailable 2: batch by batch, at most two workers cordoned at once, all done', async () => {
  await upgradeOutOfBand(t, ['cp-1'], 'v1.32.1');
  const { path, plan } = await writePlan(t, {
    to: 'v1.32.1',
    maxUnavailable: '2',
    strategy: 'batch',
    file: `${t.dir}/batch.yaml`,
  });
  const batches = plan.groups[0]!.batches.map((b) => [...b]);
  expect(batches.map((b) => b.length)).toEqual([2, 1]);
  const watch = watchCordons(t, (n) => n.startsWith('blue-'));
  const { summary, events } = await runApply(t, path);
  const { peak, together } = watch.stop();
  expect(summary.outcome, JSON.stringify(summary.stoppedBy)).toBe('done');
  expect(peak, `cordoned together: ${together.join(', ')}`).toBeLessThanOrEqual(2);
  // The second batch started only after every node of the first finished.
  const at = (type: string, node: string) =>
    events.findIndex((e) => e.type === type && (e as { node?: string }).node === node);
  const secondStarts = at('node-started', batches[1]![0]!);
  for (const n of batches[0]!) expect(at('node-finished', n)).toBeLessThan(secondStarts);
  expect(
    ofType(events, 'node-started')
      .map((e) => e.node)
      .slice(0, 2)
      .sort(),
  ).toEqual([...batches[0]!].sort());
  for (const m of workers()) expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.1', upgrades: 2 });
  expect(await cordoned(t)).toEqual([]);
}, 120_000);
