/**
 * Interrupting `apply` end to end: the built CLI as a subprocess against an in-process sandbox, with an exec
 * driver that takes a while (test/helpers/slow-driver.mjs around `sandbox node upgrade`). Proves: the first
 * SIGINT during a driver lets it finish, the node is marked paused (not failed), the run exits 4 and prints the
 * resume and rollback commands, and a re-run completes; a second SIGINT cancels the driver and the output names
 * the node interrupted in its driver; after kill -9 during a slow driver (which survives in its own process
 * group), the resumed run waits for that driver to end and never starts a second one: the machine is upgraded
 * exactly once, as `sandbox machines` shows.
 */
import { afterEach, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const BIN = resolve('bin/run.js');
const SLOW = resolve('test/helpers/slow-driver.mjs');
const ENV = { NO_COLOR: '1', CI: 'true' };

let t: TestSandbox | undefined;
afterEach(() => t?.stop());

async function setUp(): Promise<{ plan: string; delay: string; pids: string }> {
  t = await startTestSandbox({
    version: 'v1.31.4',
    controlPlanes: 1,
    pools: [{ name: 'blue', count: 2 }],
    workload: { kind: 'none' },
  });
  const delay = join(t.dir, 'driver-delay');
  const pids = join(t.dir, 'driver-pids');
  const upgrade = [process.execPath, BIN, 'sandbox', 'node', 'upgrade', '--kubeconfig', t.kubeconfigPath];
  const exec = [process.execPath, SLOW, `@${delay}`, ...upgrade, '{node}', '{version}'];
  const plan = join(t.dir, 'plan.yaml');
  const r = await execa(
    process.execPath,
    [
      BIN,
      'plan',
      '--kubeconfig',
      t.kubeconfigPath,
      '--to',
      'v1.32.0',
      '--workers',
      'pool=blue',
      '--exec-command',
      JSON.stringify(exec),
      '--out',
      plan,
    ],
    { reject: false, env: ENV },
  );
  expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(0);
  return { plan, delay, pids };
}

/** `apply PLAN --yes --log-format plain`; `onLine` sees every stdout line as it comes. */
function apply(plan: string, pids: string, onLine: (line: string, child: ResultPromise) => void = () => undefined) {
  const child = execa(
    process.execPath,
    [BIN, 'apply', plan, '--kubeconfig', t!.kubeconfigPath, '--yes', '--log-format', 'plain', '--skip-etcd-snapshot'],
    // Its own process group, as a shell gives a job: ctrlC() signals the whole group, as a terminal does.
    { reject: false, env: { ...ENV, SLOW_DRIVER_PIDS: pids }, detached: true },
  );
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i), child);
      buf = buf.slice(i + 1);
    }
  });
  return child;
}

/** Ctrl-C on a terminal: SIGINT to the whole foreground process group (the run and its helper process). */
const ctrlC = (child: ResultPromise) => process.kill(-child.pid!, 'SIGINT');

const machine = (name: string) => t!.sandbox.cluster.machines.get(name)!;
const stateOf = (plan: string) =>
  JSON.parse(readFileSync(plan.replace(/\.yaml$/, '.state.json'), 'utf8')) as {
    status: string;
    phases: { nodes: { node: string; status: string; step?: string; driverRuns: number }[] }[];
  };
const nodeOf = (plan: string, node: string) =>
  stateOf(plan)
    .phases.flatMap((p) => p.nodes)
    .find((n) => n.node === node)!;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('the first SIGINT lets the driver finish: the node is paused, exit 4, resume and rollback printed; a re-run completes', async () => {
  const { plan, delay, pids } = await setUp();
  writeFileSync(delay, '1500');
  let sent = 0;
  const first = await apply(plan, pids, (line, child) => {
    if (!sent && / cp-1 out\| slow driver: waiting/.test(line)) {
      sent++;
      ctrlC(child);
    }
  });
  const out = String(first.stdout);
  expect(first.exitCode, out + String(first.stderr)).toBe(4);
  expect(out).toMatch(/interrupted: pausing… no new node starts; nodes in flight \(cp-1\)/);
  expect(out).toMatch(/cp-1 paused at health-gate: cp-1 is upgraded; paused before its health gate/);
  expect(out).not.toMatch(/FAILED/);
  expect(out).toContain('Upgrade paused (resumable)');
  expect(out).toContain(`Resume: k8s-upgrade apply ${plan}`);
  expect(out).toContain(`k8s-upgrade rollback ${plan}`);
  expect(String(first.stderr)).toContain('SIGINT: pausing the upgrade at the next safe point');
  expect(nodeOf(plan, 'cp-1')).toMatchObject({ status: 'paused', step: 'health-gate', driverRuns: 1 });
  expect(nodeOf(plan, 'blue-1').status).toBe('pending'); // no new node started
  expect(machine('cp-1')).toMatchObject({ controlPlaneVersion: 'v1.32.0', upgrades: 1 });

  writeFileSync(delay, '0');
  const second = await apply(plan, pids);
  expect(second.exitCode, String(second.stdout) + String(second.stderr)).toBe(0);
  for (const m of t!.sandbox.cluster.machines.values()) expect(m.upgrades, m.name).toBe(1);
}, 180_000);

it('a second SIGINT cancels the driver and names the node interrupted in it; a re-run upgrades it once', async () => {
  const { plan, delay, pids } = await setUp();
  writeFileSync(delay, '60000');
  let sent = 0;
  const first = await apply(plan, pids, (line, child) => {
    if (sent === 0 && / cp-1 out\| slow driver: waiting/.test(line)) {
      sent++;
      ctrlC(child);
    } else if (sent === 1 && /interrupted: pausing…/.test(line)) {
      sent++;
      ctrlC(child);
    }
  });
  const out = String(first.stdout);
  expect(first.exitCode, out + String(first.stderr)).toBe(4);
  expect(out).toMatch(/interrupted again: cancelling the steps in flight \(cp-1\); interrupted in their driver: cp-1/);
  expect(out).toMatch(/Stopped by: .*interrupted twice: .*interrupted in their driver: cp-1/);
  expect(out).toMatch(/Look at cp-1 first: the driver was stopped half-way/);
  expect(String(first.stderr)).toContain('SIGINT again: cancelling the steps in flight');
  expect(nodeOf(plan, 'cp-1')).toMatchObject({ status: 'paused', step: 'upgrade' });
  // The driver's whole process group was stopped: nothing of it is left running.
  for (const pid of readFileSync(pids, 'utf8').trim().split('\n').map(Number)) expect(alive(pid)).toBe(false);
  expect(machine('cp-1').upgrades).toBe(0);

  writeFileSync(delay, '0');
  const second = await apply(plan, pids);
  expect(second.exitCode, String(second.stdout) + String(second.stderr)).toBe(0);
  for (const m of t!.sandbox.cluster.machines.values()) expect(m.upgrades, m.name).toBe(1);
}, 180_000);

it('after kill -9 during a slow driver, the resumed run waits for that driver and the machine is upgraded once', async () => {
  const { plan, delay, pids } = await setUp();
  writeFileSync(delay, '8000');
  const first = apply(plan, pids, (line, child) => {
    if (/ cp-1 out\| slow driver: waiting/.test(line)) child.kill('SIGKILL');
  });
  // The process's own end (the promise also waits for the pipes the surviving driver still holds).
  const [, signal] = await new Promise<[number | null, string | null]>((r) => first.once('exit', (c, s) => r([c, s])));
  expect(signal).toBe('SIGKILL');
  const orphan = Number(readFileSync(pids, 'utf8').trim().split('\n')[0]);
  expect(alive(orphan)).toBe(true); // the driver survived the run in its own process group
  writeFileSync(delay, '0');

  const second = await apply(plan, pids);
  const out = String(second.stdout);
  expect(second.exitCode, out + String(second.stderr)).toBe(0);
  expect(out).toMatch(new RegExp(`cp-1 waiting for the node driver of an earlier run \\(pid ${orphan}\\)`));
  expect(alive(orphan)).toBe(false);
  // One driver process ever ran on cp-1: the resumed run did not start another.
  expect(readFileSync(pids, 'utf8').trim().split('\n').length).toBe(3); // cp-1 (the orphan), blue-1, blue-2
  const machines = await execa(
    process.execPath,
    [BIN, 'sandbox', 'machines', '--kubeconfig', t!.kubeconfigPath, '-o', 'json'],
    { reject: false, env: ENV },
  );
  expect(machines.exitCode, String(machines.stderr)).toBe(0);
  const { machines: list } = JSON.parse(String(machines.stdout)) as {
    machines: { name: string; upgrades: number; upgradeCommands?: number }[];
  };
  expect(list.map((m) => m.name).sort()).toEqual(['blue-1', 'blue-2', 'cp-1']);
  for (const m of list) expect(m, m.name).toMatchObject({ upgrades: 1, upgradeCommands: 1 });
  expect(nodeOf(plan, 'cp-1')).toMatchObject({ status: 'done', driverRuns: 1 });
  await first;
}, 180_000);
