/**
 * State that survives the runner, in-process against the sandbox: a run paused on one "runner" whose local
 * state is then lost is continued from the cluster's record (the plan's ConfigMap mirror) by an apply of the
 * same plan file in another folder — same run id, nothing upgraded twice; and a record of another run of the
 * plan that is still active is never taken over or overwritten.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KubeClusterClient } from '../../../src/cluster/index.js';
import { LOCK_NAME, LOCK_NAMESPACE, StateMirror, readMirror, writeStateFile } from '../../../src/upgrade/run/index.js';
import { statePathFor } from '../../../src/upgrade/run/state-store.js';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { readPlan } from '../../../src/upgrade/run/index.js';
import { sampleState } from '../../unit/upgrade/sample-state.js';
import { cordoned, machines, ofType, runApply, startApplySandbox, stateOf, writePlan } from './apply-helpers.js';

let t: TestSandbox;
let client: KubeClusterClient;
beforeAll(async () => {
  t = await startApplySandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 3 }] });
  client = new KubeClusterClient(t.kc, t.sandbox.url);
});
afterAll(async () => {
  client?.close();
  await t?.stop();
});

it('continues a run from the cluster record when the local state is gone, in another folder, upgrading each node once', async () => {
  mkdirSync(join(t.dir, 'first'));
  mkdirSync(join(t.dir, 'second'));
  const { path, plan } = await sealedPlan(t, { file: join(t.dir, 'first', 'plan.yaml') });
  // The plan file travels with the job (a checkout); its state does not.
  const elsewhere = join(t.dir, 'second', 'plan.yaml');
  copyFileSync(path, elsewhere);
  const abort = new AbortController();
  const first = await runApply(t, path, {
    signal: abort.signal,
    onEvent: (e) => {
      if (e.type === 'node-step' && e.node === 'blue-2' && e.step === 'upgrade') abort.abort();
    },
  });
  expect(first.summary.outcome).toBe('paused');
  const runId = stateOf(path)!.runId;
  expect(await readMirror(client, plan.metadata)).toMatchObject({ runId, status: 'paused' });
  rmSync(join(t.dir, 'first'), { recursive: true });

  const second = await runApply(t, elsewhere);
  expect(second.summary.outcome, JSON.stringify(second.summary.stoppedBy)).toBe('done');
  expect(ofType(second.events, 'run-started')[0]).toMatchObject({ runId, resumed: true });
  expect(
    ofType(second.events, 'warning')
      .map((e) => e.message)
      .join('\n'),
  ).toMatch(/from the cluster's record/);
  expect(ofType(second.events, 'node-started').map((e) => e.node)).not.toContain('blue-1');
  expect(stateOf(elsewhere)).toMatchObject({ runId, status: 'done', plan: { path: elsewhere } });
  expect(stateOf(elsewhere)!.attempts.map((a) => a.outcome)).toEqual(['paused', 'done']);
  expect(await readMirror(client, plan.metadata)).toMatchObject({ runId, status: 'done' });
  for (const m of machines(t)) expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.0' });
  for (const m of machines(t).filter((x) => x.role !== 'control-plane')) expect(m.upgrades, m.name).toBe(1);
  expect(await cordoned(t)).toEqual([]);
}, 120_000);

it("refuses, changing nothing, when the plan's record belongs to another run that is active", async () => {
  mkdirSync(join(t.dir, 'third'));
  const { path, plan } = await sealedPlan(t, { to: 'v1.32.1', file: join(t.dir, 'third', 'plan.yaml') });
  const { name, contentHash } = plan.metadata;
  const local = sampleState({
    runId: 'local-run',
    attempts: [],
    plan: { name, contentHash, path, from: plan.from, to: plan.to },
  });
  await writeStateFile(statePathFor(path), local);
  const other = { ...local, runId: 'other-run', updatedAt: new Date().toISOString() };
  // Another runner's run of this plan, with the lock live in its name.
  const mirror = new StateMirror(client, { plan: plan.metadata });
  mirror.update(other);
  await mirror.flush();
  const lease = await client.getLease(LOCK_NAMESPACE, LOCK_NAME);
  const spec = { holderIdentity: 'runner-b/4242/other-run', leaseDurationSeconds: 60, renewTime: new Date() };
  if (lease) await client.replaceLease(lease, { ...spec, leaseTransitions: lease.leaseTransitions });
  else await client.createLease(LOCK_NAMESPACE, LOCK_NAME, spec);
  try {
    const run = await runApply(t, path);
    expect(run.summary.outcome).toBe('locked');
    expect(run.summary.stoppedBy?.message).toMatch(/belongs to run other-run, which is running now/);
    expect(await readMirror(client, plan.metadata)).toMatchObject({ runId: 'other-run' });
    expect(stateOf(path)).toMatchObject({ runId: 'local-run', attempts: [] });
    expect(machines(t).every((m) => m.kubeletVersion === 'v1.32.0')).toBe(true);
  } finally {
    const cur = (await client.getLease(LOCK_NAMESPACE, LOCK_NAME))!;
    await client.replaceLease(cur, {
      holderIdentity: '',
      leaseDurationSeconds: 60,
      leaseTransitions: cur.leaseTransitions,
    });
  }
}, 60_000);

/** The plan as apply reads it back (sealed: its content hash names its record). */
async function sealedPlan(...a: Parameters<typeof writePlan>) {
  const { path } = await writePlan(...a);
  return { path, plan: readPlan(path) };
}
