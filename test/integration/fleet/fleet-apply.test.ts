/**
 * `fleet apply` in-process against 3 sandboxes started with different seeds (control planes already at the
 * target, so only workers run; the exec driver calls the built CLI's `sandbox node upgrade`), with a fleet plan
 * written by hand in 2 stages: all clusters done with every machine upgraded once; a canary whose node never
 * becomes Ready stops the fleet with budget 0 and is passed with budget 1; an approval gate holds until
 * `fleet approve`; a maintenance window (fake clock) delays a cluster; an abort mid-stage and again mid-soak,
 * then resume: every cluster at the target, every machine upgraded once, the soak not restarted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { FAST, machines, runApply, writePlan } from '../upgrade/apply-helpers.js';
import {
  applyFleet,
  approveStage,
  fleetStatus,
  resetFailedClusters,
  systemClock,
  type FleetClock,
  type FleetEvent,
} from '../../../src/fleet/apply/index.js';
import { readFleetState, fleetStatePathFor } from '../../../src/fleet/state/index.js';
import type { MaintenanceWindow } from '../../../src/fleet/file/fleet-file-types.js';
import { cluster, fleetPlan, stopClusters } from './fleet-helpers.js';
import { downgradeMachine } from '../../../src/sandbox/node-side/downgrade.js';
import { acquireFleetLease } from '../../../src/fleet/state/index.js';
import type { AccessOptions } from '../../../src/cluster/index.js';

afterEach(stopClusters);

function run(
  path: string,
  o: {
    signal?: AbortSignal;
    clock?: FleetClock;
    onEvent?: (e: FleetEvent) => void;
    autoApprove?: boolean;
    wait?: boolean;
    lease?: AccessOptions;
  } = {},
) {
  const events: FleetEvent[] = [];
  return applyFleet(
    {
      fleetPlanPath: path,
      generator: 'k8s-upgrade test',
      settings: { ...FAST, nodeReadyTimeoutMs: 3000 },
      wait: o.wait ?? false,
      soakCheckEveryMs: 100,
      approvalPollMs: 100,
      ...(o.lease ? { lease: o.lease } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.autoApprove ? { autoApprove: true } : {}),
    },
    (e) => {
      events.push(e);
      o.onEvent?.(e);
    },
  ).then((r) => ({ ...r, events }));
}

const workers = (t: TestSandbox) => machines(t).filter((m) => m.role === 'worker');

function expectUpgradedOnce(...ts: TestSandbox[]): void {
  for (const t of ts)
    for (const m of workers(t)) expect(m, m.name).toMatchObject({ kubeletVersion: 'v1.32.0', upgrades: 1 });
}

describe('fleet apply', () => {
  it('runs the stages in order under the caps and finishes every cluster once', async () => {
    const [a, b, c] = await Promise.all([cluster(1), cluster(2), cluster(3)]);
    const dir = a!.dir;
    const path = await fleetPlan(dir, { a: a!, b: b!, c: c! }, [
      { name: 'canary', clusters: ['a'] },
      { name: 'rest', clusters: ['b', 'c'], maxConcurrency: 2 },
    ]);
    let inFlight = 0;
    let peak = 0;
    const r = await run(path, {
      onEvent: (e) => {
        if (e.type === 'fleet-cluster-started') peak = Math.max(peak, ++inFlight);
        if (e.type === 'fleet-cluster-finished') inFlight--;
      },
    });
    expect(r.outcome, r.message).toBe('done');
    expect(peak).toBe(2);
    const started = r.events
      .filter((e) => e.type === 'fleet-cluster-started')
      .map((e) => (e as { cluster: string }).cluster);
    expect(started[0]).toBe('a');
    // every cluster event carries its cluster
    expect(r.events.some((e) => e.type === 'node-finished' && (e as { cluster?: string }).cluster === 'b')).toBe(true);
    expectUpgradedOnce(a!, b!, c!);
    const view = fleetStatus(path);
    expect(view.stages.map((s) => [s.name, s.state, s.done, s.total])).toEqual([
      ['canary', 'Done', 1, 1],
      ['rest', 'Done', 2, 2],
    ]);
    // a second run finds everything done and upgrades nothing
    const again = await run(path);
    expect(again.outcome).toBe('done');
    expectUpgradedOnce(a!, b!, c!);
  }, 180_000);

  it('a canary whose node never becomes Ready stops the fleet with budget 0, and is passed with budget 1', async () => {
    const [a, b] = await Promise.all([cluster(4), cluster(5)]);
    a!.sandbox.cluster.faults.add({ type: 'node-never-ready', node: 'blue-1' });
    const p0 = await fleetPlan(join(a!.dir, 'b0'), { a: a!, b: b! }, [
      { name: 'canary', clusters: ['a'], failureBudget: 0 },
      { name: 'rest', clusters: ['b'] },
    ]);
    const r0 = await run(p0);
    expect(r0.outcome).toBe('failed');
    expect(r0.message).toContain('over the failure budget of 0');
    expect(r0.state.clusters.find((c) => c.name === 'a')!.state).toBe('Failed');
    expect(workers(b!).every((m) => m.upgrades === 0)).toBe(true); // the next stage never started

    const p1 = await fleetPlan(join(b!.dir, 'b1'), { a: a!, b: b! }, [
      { name: 'canary', clusters: ['a'], failureBudget: 1 },
      { name: 'rest', clusters: ['b'] },
    ]);
    const r1 = await run(p1);
    expect(r1.outcome, r1.message).toBe('done');
    expect(r1.state.clusters.map((c) => [c.name, c.state])).toEqual([
      ['a', 'Failed'],
      ['b', 'Done'],
    ]);
    expectUpgradedOnce(b!);
    // retry resets only the failed canary
    expect(resetFailedClusters(p1)).toEqual(['a']);
  }, 180_000);

  it('an approval gate holds until fleet approve; a maintenance window (fake clock) delays a cluster', async () => {
    const [a, b] = await Promise.all([cluster(6), cluster(7)]);
    let now = new Date('2026-12-07T00:00:00Z'); // Monday
    const clock: FleetClock = { now: () => now, sleep: systemClock.sleep };
    const window: MaintenanceWindow = { days: ['Mon'], start: '06:00', duration: '2h', timeZone: 'Asia/Tokyo' };
    const path = await fleetPlan(a!.dir, { a: a!, b: b! }, [
      { name: 'canary', clusters: ['a'] },
      { name: 'rest', clusters: ['b'], gates: { before: [{ approval: true }] }, windows: { b: window } },
    ]);
    const r1 = await run(path, { clock });
    expect(r1.outcome).toBe('paused');
    expect(r1.next.join('\n')).toContain('fleet approve');
    expect(workers(b!).every((m) => m.upgrades === 0)).toBe(true);

    const approval = approveStage(path, 'rest');
    expect(approval.by).toMatch(/.+@.+/);
    // 00:00 UTC Monday is 09:00 in Tokyo: the window (06:00–08:00 JST) has closed, next Monday's opens.
    const r2 = await run(path, { clock });
    expect(r2.outcome).toBe('paused');
    expect(r2.message).toContain('2026-12-13T21:00:00.000Z');
    expect(fleetStatus(path).stages[1]!.clusters[0]).toMatchObject({
      state: 'Waiting',
      windowOpensAt: '2026-12-13T21:00:00.000Z',
    });
    expect(workers(b!).every((m) => m.upgrades === 0)).toBe(true);

    now = new Date('2026-12-13T21:30:00Z');
    const r3 = await run(path, { clock });
    expect(r3.outcome, r3.message).toBe('done');
    expect(r3.state.approvals.map((x) => x.stage)).toEqual(['rest']);
    expectUpgradedOnce(a!, b!);
  }, 180_000);

  it('aborted mid-stage and mid-soak, a resume finishes every cluster once and does not restart the soak', async () => {
    const [a, b, c] = await Promise.all([cluster(8), cluster(9), cluster(10)]);
    const path = await fleetPlan(a!.dir, { a: a!, b: b!, c: c! }, [
      { name: 'canary', clusters: ['a'], soak: '3s' },
      { name: 'rest', clusters: ['b', 'c'], maxConcurrency: 2 },
    ]);
    // 1: abort in the canary once its first node is done.
    const ac1 = new AbortController();
    const r1 = await run(path, {
      signal: ac1.signal,
      onEvent: (e) => {
        if (e.type === 'node-finished' && (e as { cluster?: string }).cluster === 'a') ac1.abort();
      },
    });
    expect(r1.outcome).toBe('paused');
    expect(r1.state.clusters.find((x) => x.name === 'a')!.state).toBe('Paused');
    // 2: resume; abort once the soak started.
    const ac2 = new AbortController();
    const r2 = await run(path, {
      signal: ac2.signal,
      onEvent: (e) => {
        if (e.type === 'fleet-soak-started') setTimeout(() => ac2.abort(), 300);
      },
    });
    expect(r2.outcome, r2.message).toBe('paused');
    const soakUntil = readFleetState(fleetStatePathFor(path))!.stages[0]!.soakUntil!;
    expect(soakUntil).toBeDefined();
    // 3: resume to the end; the soak keeps its end.
    const r3 = await run(path);
    expect(r3.outcome, r3.message).toBe('done');
    const soak = r3.events.find((e) => e.type === 'fleet-soak-started') as { until: string; resumed: boolean };
    expect(soak).toMatchObject({ until: soakUntil, resumed: true });
    expect(r3.state.stages[0]!.soakUntil).toBe(soakUntil);
    expectUpgradedOnce(a!, b!, c!);
    expect(r3.state.clusters.find((x) => x.name === 'a')!.attempts.length).toBe(2);
  }, 240_000);
});

describe('fleet apply refuses and reports', () => {
  it('a changed plan file is invalid input; a cluster finished by someone else counts as done; a removed cluster is reported', async () => {
    const [a, b] = await Promise.all([cluster(11), cluster(12)]);
    const path = await fleetPlan(a!.dir, { a: a!, b: b! }, [{ name: 'all', clusters: ['a', 'b'], maxConcurrency: 2 }]);
    const planA = join(a!.dir, 'plans', 'a.yaml');
    const original = readFileSync(planA, 'utf8');
    await new Promise((r) => setTimeout(r, 5)); // a later createdAt: a re-planned file, valid but not the reviewed one
    await writePlan(a!, { file: planA });
    await expect(run(path)).rejects.toThrow(/cluster a: .*changed since the fleet plan was made/);
    expect(workers(a!).every((m) => m.upgrades === 0)).toBe(true);
    writeFileSync(planA, original);

    // b applied by hand (another runner), and removed from the fleet file: a is run, b is done and reported.
    await runApply(b!, join(a!.dir, 'plans', 'b.yaml'));
    const fleetFile = join(a!.dir, 'fleet.yaml');
    writeFileSync(fleetFile, readFileSync(fleetFile, 'utf8').replace(/- name: b[\s\S]*$/, ''));
    const r = await run(path);
    expect(r.outcome, r.message).toBe('done');
    const inv = r.events.find((e) => e.type === 'fleet-inventory-changed') as { removed: string[] } | undefined;
    expect(inv?.removed).toEqual(['b']);
    expect(r.events.find((e) => e.type === 'fleet-cluster-rebuilt')).toMatchObject({ cluster: 'b', state: 'Done' });
    expect(fleetStatus(path).inventory).toMatchObject({ fleetFileChanged: true, removed: ['b'] });
    expectUpgradedOnce(a!, b!);
  }, 180_000);
});

describe('fleet apply while it waits', () => {
  it('an interactive run waits on the approval gate until fleet approve; the fleet Lease refuses a second run', async () => {
    const [a, b] = await Promise.all([cluster(13), cluster(14)]);
    const path = await fleetPlan(a!.dir, { a: a!, b: b! }, [
      { name: 'canary', clusters: ['a'] },
      { name: 'rest', clusters: ['b'], gates: { before: [{ approval: true }] } },
    ]);
    const lease = { kubeconfig: a!.kubeconfigPath }; // cluster a doubles as the management cluster
    let second: Promise<{ outcome: string }> | undefined;
    let approvedWhileWaiting = false;
    const r = await run(path, {
      wait: true,
      lease,
      onEvent: (e) => {
        if (e.type === 'fleet-gate' && !e.passed && !second) {
          second = run(path, { lease }); // refused: the first run holds the fleet Lease
          void second.then(() => {
            approveStage(path, 'rest');
            approvedWhileWaiting = true;
          });
        }
      },
    });
    expect(await second).toMatchObject({ outcome: 'locked' });
    expect(approvedWhileWaiting).toBe(true);
    expect(r.outcome, r.message).toBe('done');
    expectUpgradedOnce(a!, b!);
    // released at the end: another run can take it
    const l = await acquireFleetLease(lease, 'test', 'x', () => undefined);
    await l.release();
  }, 180_000);
});

describe('the soak', () => {
  it('a done cluster that regresses during the soak is a failure against the budget: budget 0 stops the fleet', async () => {
    const [a, b] = await Promise.all([cluster(15), cluster(16)]);
    const path = await fleetPlan(a!.dir, { a: a!, b: b! }, [
      { name: 'canary', clusters: ['a'], soak: '30s' },
      { name: 'rest', clusters: ['b'] },
    ]);
    const r = await run(path, {
      onEvent: (e) => {
        // someone rolls blue-1 back by hand while the canary soaks
        if (e.type === 'fleet-soak-started')
          void downgradeMachine(a!.sandbox.cluster, a!.sandbox.controllers, 'blue-1', 'v1.31.4');
      },
    });
    expect(r.outcome, r.message).toBe('failed');
    const regression = r.events.find((e) => e.type === 'fleet-soak-regression') as { cluster: string; reason: string };
    expect(regression.cluster).toBe('a');
    expect(regression.reason).toContain('blue-1');
    expect(r.state.clusters.find((c) => c.name === 'a')).toMatchObject({ state: 'Failed' });
    expect(workers(b!).every((m) => m.upgrades === 0)).toBe(true);
  }, 180_000);
});
