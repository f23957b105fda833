/**
 * Interrupts of an apply, in-process against the sandbox with a driver that takes a while: the first
 * (`signal`) lets the driver in flight finish, the node is waited Ready and uncordoned and paused before its
 * health gate, no other node starts, and the stop names the paused node with the resume and rollback
 * commands; the second (`abort`) cancels the driver and the stop names the node interrupted in its driver. A
 * drain asked to pause stops between evictions, leaving the node cordoned and recorded. Each resumed run
 * completes with every machine upgraded exactly once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestSandbox } from '../../helpers/sandbox.js';
import {
  cordoned,
  machines,
  ofType,
  runApply,
  sandboxDriverArgv,
  slowDriverArgv,
  startApplySandbox,
  stateOf,
  upgradeOutOfBand,
  writePlan,
} from './apply-helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startApplySandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
  await upgradeOutOfBand(t, ['cp-1'], 'v1.32.0');
});
afterAll(() => t?.stop());

const nodeState = (path: string, node: string) =>
  stateOf(path)!
    .phases.flatMap((p) => p.nodes)
    .find((n) => n.node === node)!;

it('the first interrupt lets the driver in flight finish its node, which is paused; a resume completes', async () => {
  const { path } = await writePlan(t, { driverArgv: slowDriverArgv(1500, sandboxDriverArgv(t)) });
  const pause = new AbortController();
  const first = await runApply(t, path, {
    signal: pause.signal,
    onEvent: (e) => {
      if (e.type === 'driver-output' && e.node === 'blue-1' && e.line.startsWith('slow driver')) pause.abort();
    },
  });
  expect(first.summary.outcome, JSON.stringify(first.summary.stoppedBy)).toBe('paused');
  expect(ofType(first.events, 'run-interrupted')).toMatchObject([{ how: 'pause', inDriver: ['blue-1'] }]);
  expect(ofType(first.events, 'node-started').map((e) => e.node)).toEqual(['blue-1']);
  expect(ofType(first.events, 'node-failed')).toEqual([]);
  expect(ofType(first.events, 'node-paused')).toMatchObject([{ node: 'blue-1', step: 'health-gate' }]);
  // The driver ran to its end: the machine is at the target, Ready and uncordoned.
  expect(machines(t).find((m) => m.name === 'blue-1')).toMatchObject({ kubeletVersion: 'v1.32.0', upgrades: 1 });
  expect(await cordoned(t)).toEqual([]);
  expect(nodeState(path, 'blue-1')).toMatchObject({ status: 'paused', step: 'health-gate', driverRuns: 1 });
  expect(first.summary.nodes.find((n) => n.node === 'blue-1')!.status).toBe('paused');
  expect(first.summary.stoppedBy!.message).toMatch(
    /^interrupted: paused at a safe point .*paused: blue-1 \(upgraded, before its health gate\)$/,
  );
  expect(first.summary.stoppedBy!.next).toEqual([
    `Resume: k8s-upgrade apply ${path}`,
    expect.stringMatching(new RegExp(`^k8s-upgrade rollback ${path}`)),
  ]);

  const second = await runApply(t, path);
  expect(second.summary.outcome, JSON.stringify(second.summary.stoppedBy)).toBe('done');
  expect(ofType(second.events, 'node-started').map((e) => e.node)).toEqual(['blue-1', 'blue-2']);
  for (const m of machines(t)) expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.0', upgrades: 1 });
}, 120_000);

it('a second interrupt cancels the driver and names the node interrupted in it; a resume upgrades it once', async () => {
  await upgradeOutOfBand(t, ['cp-1'], 'v1.32.1');
  const delay = join(t.dir, 'driver-delay');
  writeFileSync(delay, '60000');
  const { path } = await writePlan(t, {
    to: 'v1.32.1',
    file: `${t.dir}/abort.yaml`,
    driverArgv: slowDriverArgv(`@${delay}`, sandboxDriverArgv(t)),
  });
  const pause = new AbortController();
  const abort = new AbortController();
  const first = await runApply(t, path, {
    signal: pause.signal,
    abort: abort.signal,
    onEvent: (e) => {
      if (e.type === 'driver-output' && e.node === 'blue-1' && e.line.startsWith('slow driver')) {
        pause.abort();
        abort.abort();
      }
    },
  });
  expect(first.summary.outcome, JSON.stringify(first.summary.stoppedBy)).toBe('paused');
  expect(ofType(first.events, 'run-interrupted').map((e) => [e.how, e.inDriver])).toEqual([
    ['pause', ['blue-1']],
    ['abort', ['blue-1']],
  ]);
  expect(first.summary.stoppedBy!.message).toContain('interrupted in their driver: blue-1');
  expect(first.summary.stoppedBy!.next[0]).toMatch(/^Look at blue-1 first/);
  expect(nodeState(path, 'blue-1')).toMatchObject({ status: 'paused', step: 'upgrade', cordonedByUs: true });
  expect(machines(t).find((m) => m.name === 'blue-1')!.kubeletVersion).toBe('v1.32.0'); // killed before it ran

  writeFileSync(delay, '0');
  const second = await runApply(t, path);
  expect(second.summary.outcome, JSON.stringify(second.summary.stoppedBy)).toBe('done');
  for (const m of machines(t)) expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.1', upgrades: 2 });
  expect(await cordoned(t)).toEqual([]);
}, 120_000);
