/**
 * apply of a multi-hop plan, in-process against a v1.30 sandbox: v1.30.6 → v1.32.0 takes the control plane
 * through v1.31.0 and then v1.32.0 (two driver runs), while the worker, which the skew policy lets stay on
 * 1.30 under a 1.31 control plane, is upgraded once, straight to v1.32.0.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { cordoned, machines, ofType, runApply, startApplySandbox, stateOf, writePlan } from './apply-helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startApplySandbox({ version: 'v1.30.6', controlPlanes: 1, pools: [{ name: 'blue', count: 1 }] });
}, 120_000);
afterAll(() => t?.stop());

it('upgrades the control plane twice and the worker once, everything ends at v1.32.0', async () => {
  const { path, plan } = await writePlan(t);
  expect(plan.controlPlane.hops.map((h) => h.to)).toEqual(['v1.31.0', 'v1.32.0']);
  expect(plan.workers.hops.map((h) => [h.to, h.nodes])).toEqual([['v1.32.0', ['blue-1']]]);

  const { summary, events } = await runApply(t, path);
  expect(summary.outcome, JSON.stringify(summary.stoppedBy)).toBe('done');
  expect(summary.nodes.map((n) => [n.phase, n.node, n.status])).toEqual([
    ['control-plane/v1.31.0', 'cp-1', 'done'],
    ['control-plane/v1.32.0', 'cp-1', 'done'],
    ['workers/v1.32.0/pool=blue', 'blue-1', 'done'],
  ]);
  // Phases ran in the plan's order, and each control-plane hop ran the driver with its own version.
  expect(ofType(events, 'phase-started').map((e) => e.phase)).toEqual([
    'etcd-snapshot/v1.31.0',
    'control-plane/v1.31.0',
    'control-plane/v1.32.0',
    'workers/v1.32.0/pool=blue',
    'postflight',
  ]);
  expect(ofType(events, 'node-started').map((e) => `${e.node}@${e.version}`)).toEqual([
    'cp-1@v1.31.0',
    'cp-1@v1.32.0',
    'blue-1@v1.32.0',
  ]);

  const m = new Map(machines(t).map((x) => [x.name, x]));
  expect(m.get('cp-1')).toMatchObject({
    kubeletVersion: 'v1.32.0',
    controlPlaneVersion: 'v1.32.0',
    upgrades: 2,
    upgradeCommands: 2,
  });
  expect(m.get('blue-1')).toMatchObject({ kubeletVersion: 'v1.32.0', upgrades: 1, upgradeCommands: 1 });
  expect(await cordoned(t)).toEqual([]);
  const state = stateOf(path)!;
  expect(state.status).toBe('done');
  expect(state.phases.flatMap((p) => p.nodes).map((n) => n.driverRuns)).toEqual([1, 1, 1]);
}, 120_000);
