/**
 * The clean end after a resume: whatever the run before it left behind, the run that finishes releases the
 * Lease and leaves the ConfigMap mirror saying `done`. For every phase boundary (and the moment after `done`
 * was recorded, in postflight's end), a first apply is stopped there and then made to look killed: the end it
 * did run is undone (the Lease held again by a process that is gone, the mirror saying `running`, the journal
 * `running` unless it had recorded `done`). The re-run must complete and settle both.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { KubeClusterClient } from '../../../src/cluster/index.js';
import { LOCK_NAME, LOCK_NAMESPACE, StateMirror, readMirror, writeStateFile } from '../../../src/upgrade/run/index.js';
import { statePathFor } from '../../../src/upgrade/run/state-store.js';
import type { UpgradeEvent } from '../../../src/upgrade/run/index.js';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { readPlan } from '../../../src/upgrade/run/index.js';
import { cordoned, machines, runApply, startApplySandbox, stateOf, writePlan } from './apply-helpers.js';

type Boundary = { event: 'phase-started' | 'phase-finished'; kind: string } | { event: 'run-finished' };

const BOUNDARIES: Boundary[] = [
  ...['control-plane', 'workers', 'postflight'].flatMap((kind) => [
    { event: 'phase-started' as const, kind },
    { event: 'phase-finished' as const, kind },
  ]),
  { event: 'run-finished' },
];

const label = (b: Boundary) => (b.event === 'run-finished' ? 'after done was recorded' : `${b.event} ${b.kind}`);

/** A pid that no process on this host has any more (it ran and exited). */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

function hits(b: Boundary, e: UpgradeEvent, kinds: Map<string, string>): boolean {
  if (e.type === 'phase-started') kinds.set(e.phase, e.kind);
  if (b.event === 'run-finished') return false;
  if (e.type !== b.event) return false;
  return (e.type === 'phase-started' ? e.kind : kinds.get(e.phase)) === b.kind;
}

/** Makes the run look killed at this point: Lease held by a gone process of this run, mirror and journal `running`. */
async function undoTheEnd(t: TestSandbox, planPath: string): Promise<string> {
  const state = stateOf(planPath)!;
  const client = new KubeClusterClient(t.kc, t.sandbox.url);
  try {
    const lease = (await client.getLease(LOCK_NAMESPACE, LOCK_NAME))!;
    await client.replaceLease(lease, {
      holderIdentity: `${hostname()}/${deadPid()}/${state.runId}`,
      leaseDurationSeconds: lease.leaseDurationSeconds,
      renewTime: new Date(),
      leaseTransitions: lease.leaseTransitions,
    });
    const running = { ...state, status: 'running' as const, updatedAt: new Date(Date.now() - 5000).toISOString() };
    delete running.stop;
    const mirror = new StateMirror(client, { plan: state.plan });
    mirror.update(running);
    await mirror.flush();
    if (state.status !== 'done') await writeStateFile(statePathFor(planPath), running);
    return state.runId;
  } finally {
    client.close();
  }
}

async function leaseAndMirror(t: TestSandbox, plan: { name: string; contentHash: string }) {
  const client = new KubeClusterClient(t.kc, t.sandbox.url);
  try {
    return {
      holder: (await client.getLease(LOCK_NAMESPACE, LOCK_NAME))?.holderIdentity ?? '',
      mirror: await readMirror(client, plan),
    };
  } finally {
    client.close();
  }
}

describe('the run that finishes releases the Lease and writes the mirror, whatever the killed run before it left', () => {
  it.each(BOUNDARIES.map((b) => [label(b), b] as const))(
    'killed at %s',
    async (_, boundary) => {
      const t = await startApplySandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
      try {
        const { path, plan } = await sealedPlan(t);
        const abort = new AbortController();
        const kinds = new Map<string, string>();
        await runApply(t, path, {
          signal: abort.signal,
          onEvent: (e) => {
            if (hits(boundary, e, kinds)) abort.abort();
          },
        });
        const runId = await undoTheEnd(t, path);
        expect((await leaseAndMirror(t, plan.metadata)).holder).toContain(runId);

        const again = await runApply(t, path);
        expect(again.summary.outcome, JSON.stringify(again.summary.stoppedBy)).toBe('done');
        const after = await leaseAndMirror(t, plan.metadata);
        expect(after.holder).toBe('');
        expect(after.mirror).toMatchObject({ runId, status: 'done' });
        expect(stateOf(path)).toMatchObject({ runId, status: 'done' });
        for (const m of machines(t)) expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.0', upgrades: 1 });
        expect(await cordoned(t)).toEqual([]);
      } finally {
        await t.stop();
      }
    },
    120_000,
  );
});

/** The plan as apply reads it back (sealed: its content hash names its record). */
async function sealedPlan(...a: Parameters<typeof writePlan>) {
  const { path } = await writePlan(...a);
  return { path, plan: readPlan(path) };
}
