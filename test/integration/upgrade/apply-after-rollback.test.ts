/**
 * apply of a plan whose run was rolled back, in-process against the sandbox: it stops as blocked (nothing
 * changed, no new run) and asks for a new plan or `--again`; with `again` it starts a new run (a new run id)
 * and keeps the rolled-back run in the record's earlier runs, locally and in the cluster's mirror.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KubeClusterClient } from '../../../src/cluster/index.js';
import { applyPlan } from '../../../src/upgrade/apply/index.js';
import { readMirror, readPlan, writeStateFile, type UpgradeEvent } from '../../../src/upgrade/run/index.js';
import { statePathFor } from '../../../src/upgrade/run/state-store.js';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { FAST, runApply, startApplySandbox, stateOf, upgradeOutOfBand, writePlan } from './apply-helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startApplySandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
  await upgradeOutOfBand(t, ['cp-1'], 'v1.32.0');
});
afterAll(() => t?.stop());

const apply = async (planPath: string, again: boolean) => {
  const events: UpgradeEvent[] = [];
  const summary = await applyPlan(
    {
      planPath,
      access: { kubeconfig: t.kubeconfigPath },
      generator: 'k8s-upgrade test',
      confirm: async () => true,
      settings: FAST,
      again,
    },
    (e) => events.push(e),
  );
  return { summary, events };
};

it('stops as blocked for a rolled-back run, and --again starts a new run keeping the old one', async () => {
  const { path } = await writePlan(t);
  const first = await runApply(t, path);
  expect(first.summary.outcome).toBe('done');
  const done = stateOf(path)!;
  // What `rollback` leaves in the journal once it finished (the cluster itself is not what this test is about).
  const at = new Date().toISOString();
  await writeStateFile(statePathFor(path), {
    ...done,
    updatedAt: at,
    rollback: { status: 'done', startedAt: at, updatedAt: at, finishedAt: at, attempts: [], phases: [] },
  });

  const refused = await apply(path, false);
  expect(refused.summary.outcome).toBe('blocked');
  expect(refused.summary.stoppedBy?.message).toMatch(/was rolled back/);
  expect(refused.summary.stoppedBy?.next.join('\n')).toMatch(/plan --to v1\.32\.0[\s\S]*--again/);
  expect(refused.events.some((e) => e.type === 'run-started')).toBe(false);
  expect(stateOf(path)!.runId).toBe(done.runId);

  const again = await apply(path, true);
  expect(again.summary.outcome, JSON.stringify(again.summary.stoppedBy)).toBe('done');
  const now = stateOf(path)!;
  expect(now.runId).not.toBe(done.runId);
  expect(now.rollback).toBeUndefined();
  expect(now.previousRuns).toEqual([
    expect.objectContaining({ runId: done.runId, status: 'done', rollback: 'done', rolledBackAt: at }),
  ]);
  const client = new KubeClusterClient(t.kc, t.sandbox.url);
  try {
    expect(await readMirror(client, readPlan(path).metadata)).toMatchObject({
      runId: now.runId,
      status: 'done',
      previousRuns: [expect.objectContaining({ runId: done.runId })],
    });
  } finally {
    client.close();
  }
}, 120_000);
