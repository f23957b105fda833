/**
 * apply, in-process against the sandbox: a plan is not trusted because its content hash matches (anyone can
 * recompute it). Edited plans with a recomputed hash — the control plane two minors up, an unwaived blocker
 * with `safe: false`, a node the cluster does not have — are refused with an ApplyInputError before anything
 * changes: nothing cordoned, no driver run, no state file and no run log next to the plan.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPlan, serializePlan, type UpgradePlan } from '../../../src/plan/index.js';
import { ApplyInputError } from '../../../src/upgrade/apply/index.js';
import { runLogPath } from '../../../src/upgrade/run/index.js';
import { statePathFor } from '../../../src/upgrade/run/state-store.js';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { cordoned, machines, runApply, startApplySandbox, writePlan } from './apply-helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startApplySandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
});
afterAll(() => t?.stop());

/** Writes `edit(plan)` with its content hash recomputed, as an attacker or a careless hand would. */
async function editedPlan(name: string, edit: (plan: UpgradePlan) => UpgradePlan): Promise<string> {
  const { path, plan } = await writePlan(t, { file: `${t.dir}/${name}.yaml` });
  writeFileSync(path, serializePlan(sealPlan(edit(structuredClone(plan)))));
  return path;
}

async function expectRefused(path: string, text: string): Promise<void> {
  const err = await runApply(t, path).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplyInputError);
  const message = (err as Error).message;
  expect(message).toContain(text);
  expect(message).toContain('nothing was changed');
  expect(message).not.toMatch(/undefined|NaN|\[object Object\]/);
  expect(message.split('\n')).toHaveLength(1);
  expect(await cordoned(t)).toEqual([]);
  expect(machines(t).every((m) => m.upgradeCommands === 0)).toBe(true);
  expect(existsSync(statePathFor(path))).toBe(false);
  expect(existsSync(runLogPath(statePathFor(path)))).toBe(false);
}

describe('apply re-validates an edited plan whose hash was recomputed', () => {
  it('refuses the control plane two minors up in one hop', async () => {
    const path = await editedPlan('two-minors', (p) => {
      p.to = 'v1.33.0';
      p.controlPlane.hops = p.controlPlane.hops.map((h) => ({ ...h, to: 'v1.33.0' }));
      p.workers.hops = p.workers.hops.map((h) => ({ ...h, to: 'v1.33.0' }));
      return p;
    });
    await expectRefused(path, 'controlPlane.hops[0].to v1.33.0 is 2 minors past 1.31');
  });

  it('refuses an unwaived blocker with safe: false', async () => {
    const path = await editedPlan('blocker', (p) => {
      p.findings.push({
        id: 'pdb-never-allows-eviction',
        severity: 'blocker',
        message: 'a budget that never allows an eviction',
        objects: [],
        remediation: 'fix the budget',
        waived: false,
      });
      p.summary = { ...p.summary, blockers: p.summary.blockers + 1, safe: false };
      return p;
    });
    await expectRefused(path, 'blocker pdb-never-allows-eviction is not waived');
  });

  it('refuses a worker the cluster does not have', async () => {
    const path = await editedPlan('ghost-node', (p) => {
      const g = p.groups[0]!;
      g.nodes = [...g.nodes, 'ghost-9'].sort();
      g.batches = [...g.batches, ['ghost-9']];
      p.workers.hops = p.workers.hops.map((h) => ({ ...h, nodes: [...h.nodes, 'ghost-9'].sort() }));
      p.summary = { ...p.summary, nodesToUpgrade: p.summary.nodesToUpgrade + 1 };
      return p;
    });
    await expectRefused(path, 'worker ghost-9 is not in the cluster');
  });
});
