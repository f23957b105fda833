/**
 * `apply` end to end: the built CLI as a subprocess against an in-process sandbox (3 control-plane nodes, pools
 * blue and green, the demo workload with its traps fixed as an operator would), watched by the availability
 * monitor. Proves: every node reaches the target with zero availability violations and none left cordoned;
 * kill -9 at several points and re-runs complete without upgrading any node twice; a second apply while one
 * runs is refused (exit 5); a drain blocked by a PDB pauses the run (exit 4) naming the pod and the PDB, and a
 * re-run completes once the PDB allows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CoreV1Api, PolicyV1Api } from '@kubernetes/client-node';
import { startTestSandbox, waitFor, type TestSandbox } from '../helpers/sandbox.js';
import { startAvailabilityMonitor } from '../helpers/availability-monitor.js';
import { remediateDemo } from '../../src/sandbox/index.js';

const BIN = resolve('bin/run.js');
const cli = (args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1', CI: 'true' } });

interface Ev {
  type: string;
  node?: string;
  step?: string;
  [k: string]: unknown;
}

/** Starts `apply --log-format json` and resolves with the child once `until` matches an event (then kills it with SIGKILL). */
interface Run {
  exitCode?: number;
  stdout: string;
  stderr: string;
}

async function applyUntil(args: string[], until: (e: Ev) => boolean): Promise<{ killedAt?: Ev; result: Run }> {
  const child = execa(process.execPath, [BIN, 'apply', ...args, '--yes', '--log-format', 'json'], {
    reject: false,
    env: { NO_COLOR: '1', CI: 'true' },
  });
  let buf = '';
  let killedAt: Ev | undefined;
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let e: Ev | undefined;
      try {
        e = JSON.parse(line) as Ev;
      } catch {
        continue;
      }
      if (!killedAt && until(e)) {
        killedAt = e;
        child.kill('SIGKILL');
      }
    }
  });
  const r = await child;
  return { killedAt, result: { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') } };
}

async function machines(
  t: TestSandbox,
): Promise<{ name: string; kubeletVersion: string; controlPlaneVersion?: string; upgrades: number }[]> {
  return [...t.sandbox.cluster.machines.values()].map((m) => ({
    name: m.name,
    kubeletVersion: m.kubeletVersion,
    controlPlaneVersion: m.controlPlaneVersion,
    upgrades: m.upgrades,
  }));
}

async function waitSettled(t: TestSandbox): Promise<void> {
  const core = t.kc.makeApiClient(CoreV1Api);
  await waitFor(
    async () => {
      const pods = (await core.listPodForAllNamespaces()).items;
      return (
        pods.length > 20 &&
        pods.every(
          (p) =>
            p.metadata?.deletionTimestamp === undefined &&
            p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        )
      );
    },
    'demo workloads Ready',
    30_000,
  );
}

async function planFor(t: TestSandbox, out: string, extra: string[] = []): Promise<void> {
  const exec = [
    process.execPath,
    BIN,
    'sandbox',
    'node',
    'upgrade',
    '--kubeconfig',
    t.kubeconfigPath,
    '{node}',
    '{version}',
  ];
  const r = await cli([
    'plan',
    '--kubeconfig',
    t.kubeconfigPath,
    '--to',
    'v1.32.0',
    '--workers',
    'pool=blue',
    '--workers',
    'pool=green',
    '--max-unavailable',
    '1',
    '--delete-emptydir-data',
    '--exec-command',
    JSON.stringify(exec),
    '--gate-timeout',
    '60',
    '--out',
    out,
    ...extra,
  ]);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
}

describe('k8s-upgrade apply on the demo sandbox', () => {
  let t: TestSandbox;
  let plan: string;

  beforeAll(async () => {
    t = await startTestSandbox({ version: 'v1.31.4' });
    await waitSettled(t);
    remediateDemo(t.sandbox.cluster);
    await waitSettled(t);
    plan = join(t.dir, 'plan.yaml');
    await planFor(t, plan);
  });
  afterAll(() => t?.stop());

  it('refuses without --yes off a terminal and with a plan for another file, changing nothing', async () => {
    const noYes = await cli(['apply', plan, '--kubeconfig', t.kubeconfigPath]);
    expect(noYes.exitCode).toBe(3);
    expect(noYes.stderr).toContain('--yes');
    const missing = await cli(['apply', join(t.dir, 'nope.yaml'), '--kubeconfig', t.kubeconfigPath, '--yes']);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toContain('no such file');
    expect(existsSync(plan.replace(/\.yaml$/, '.state.json'))).toBe(false);
  });

  it('upgrades every node with zero violations, surviving kill -9 at four points, and refuses a second apply', async () => {
    const monitor = await startAvailabilityMonitor(t.kc);
    const args = [plan, '--kubeconfig', t.kubeconfigPath, '--eviction-retry-delay', '1', '--skip-etcd-snapshot'];
    const isWorker = (e: Ev) => typeof e.node === 'string' && !e.node.startsWith('cp-');

    // 1. killed right after cordoning the first worker
    const a = await applyUntil(args, (e) => e.type === 'node-step' && e.step === 'drain' && isWorker(e));
    expect(a.killedAt, a.result.stdout + a.result.stderr).toBeDefined();
    const cordonedNode = a.killedAt!.node!;
    expect((await t.kc.makeApiClient(CoreV1Api).readNode({ name: cordonedNode })).spec?.unschedulable).toBe(true);

    // 2. killed mid-drain (an eviction has happened), while a second apply is refused meanwhile
    let second: Awaited<ReturnType<typeof cli>> | undefined;
    const b = await applyUntil(args, (e) => {
      if (e.type === 'lock-acquired' && !second) void cli(['apply', ...args, '--yes']).then((r) => (second = r));
      return e.type === 'pod-evicted' && isWorker(e) && second !== undefined;
    });
    expect(b.killedAt, b.result.stdout + b.result.stderr).toBeDefined();
    expect(second!.exitCode, second!.stderr + second!.stdout).toBe(5);
    expect(second!.stdout + second!.stderr).toMatch(/holds the lock.*pid \d+/);

    // 3. killed while the node driver runs; 4. killed during a health gate
    const c = await applyUntil(args, (e) => e.type === 'node-step' && e.step === 'upgrade' && isWorker(e));
    expect(c.killedAt, c.result.stdout + c.result.stderr).toBeDefined();
    const d = await applyUntil(args, (e) => e.type === 'node-step' && e.step === 'health-gate' && isWorker(e));
    expect(d.killedAt, d.result.stdout + d.result.stderr).toBeDefined();

    // and then it completes
    const done = await applyUntil(args, () => false);
    expect(done.result.exitCode, done.result.stdout.slice(-3000) + done.result.stderr).toBe(0);
    const finished = done.result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Ev)
      .find((e) => e.type === 'run-finished');
    expect((finished!.summary as { outcome: string }).outcome).toBe('done');

    const report = await monitor.stop();
    expect(report.violations, report.format()).toEqual([]);

    for (const m of await machines(t)) {
      expect(m.kubeletVersion, m.name).toBe('v1.32.0');
      if (m.controlPlaneVersion) expect(m.controlPlaneVersion).toBe('v1.32.0');
      expect(m.upgrades, `${m.name} upgraded more than once`).toBe(1);
    }
    const nodes = (await t.kc.makeApiClient(CoreV1Api).listNode()).items;
    expect(nodes.filter((n) => n.spec?.unschedulable).map((n) => n.metadata?.name)).toEqual([]);

    const state = JSON.parse(readFileSync(plan.replace(/\.yaml$/, '.state.json'), 'utf8'));
    expect(state.status).toBe('done');
    expect(state.attempts.length).toBe(5);

    const status = await cli(['status', plan, '-o', 'json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).status).toBe('done');

    const again = await cli(['apply', ...args, '--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout + again.stderr).toContain('already applied');
  });

  it('--json (after the run above): the result as one JSON document on stdout, the progress on stderr; errors keep their codes', async () => {
    const args = [plan, '--kubeconfig', t.kubeconfigPath, '--eviction-retry-delay', '1', '--skip-etcd-snapshot'];
    const r = await cli(['apply', ...args, '--yes', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.apply).toMatchObject({ outcome: 'done', plan: expect.any(String) });
    expect(doc.rollback).toBeUndefined();
    expect(r.stderr).toContain('already applied');
    const noYes = await cli(['apply', plan, '--kubeconfig', t.kubeconfigPath, '--json']);
    expect(noYes.exitCode).toBe(3);
    expect(JSON.parse(noYes.stdout).error).toMatchObject({ exitCode: 3, message: expect.stringContaining('--yes') });
    const rollback = await cli(['rollback', plan, '--kubeconfig', t.kubeconfigPath, '--json']);
    expect(rollback.exitCode).toBe(3);
    expect(JSON.parse(rollback.stdout).error.message).toContain('--yes');
    const badFlag = await cli(['apply', plan, '--json', '--no-such-flag']);
    expect(badFlag.exitCode).toBe(3);
  });
});

describe('k8s-upgrade apply: a drain blocked by a PDB', () => {
  let t: TestSandbox;
  let plan: string;

  beforeAll(async () => {
    t = await startTestSandbox({
      version: 'v1.31.4',
      controlPlanes: 1,
      pools: [
        { name: 'blue', count: 3 },
        { name: 'green', count: 3 },
      ],
    });
    await waitSettled(t);
    remediateDemo(t.sandbox.cluster);
    await waitSettled(t);
    plan = join(t.dir, 'blocked.yaml');
    await planFor(t, plan, ['--drain-timeout', '4']);
  });
  afterAll(() => t?.stop());

  it('pauses with exit 4 naming the pod and the PDB, never deletes the pod, and completes once the PDB allows it', async () => {
    const policy = t.kc.makeApiClient(PolicyV1Api);
    // After planning, someone tightens the cart budget so it allows no disruption at all.
    const patch = (maxUnavailable: number) =>
      policy.patchNamespacedPodDisruptionBudget({
        namespace: 'shop',
        name: 'cart',
        body: [{ op: 'replace', path: '/spec/maxUnavailable', value: maxUnavailable }],
      });
    const args = [plan, '--kubeconfig', t.kubeconfigPath, '--eviction-retry-delay', '1', '--skip-etcd-snapshot'];
    const first = await applyUntil(args, (e) => {
      if (e.type === 'phase-started' && String(e.phase).startsWith('workers/')) void patch(0);
      return false;
    });
    expect(first.result.exitCode, first.result.stdout.slice(-2000) + first.result.stderr).toBe(4);
    const events = first.result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Ev);
    const blocked = events.find((e) => e.type === 'eviction-blocked');
    expect(blocked).toMatchObject({ pdb: 'cart' });
    expect(String(blocked!.pod)).toMatch(/^shop\/cart-/);
    const summary = events.find((e) => e.type === 'run-finished')!.summary as {
      outcome: string;
      stoppedBy: { message: string; next: string[] };
    };
    expect(summary.outcome).toBe('paused');
    expect(summary.stoppedBy.message).toContain('shop/cart-');
    expect(summary.stoppedBy.message).toContain('cart');
    // --log-format json: stdout is the events' alone; the reason goes to stderr as one line.
    const reason = first.result.stderr.split('\n').filter((l) => l.startsWith('run paused: '));
    expect(reason, first.result.stderr).toHaveLength(1);
    expect(reason[0]).toContain('shop/cart-');
    expect(reason[0]).toContain(`Next: `);
    // the refused pod still exists
    const pod = String(blocked!.pod).split('/')[1];
    expect(
      (await t.kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: 'shop', name: pod })).metadata?.name,
    ).toBe(pod);

    await patch(1);
    const second = await applyUntil(args, () => false);
    expect(second.result.exitCode, second.result.stdout.slice(-2000) + second.result.stderr).toBe(0);
    const nodes = (await t.kc.makeApiClient(CoreV1Api).listNode()).items;
    expect(nodes.every((n) => n.status?.nodeInfo?.kubeletVersion === 'v1.32.0' && !n.spec?.unschedulable)).toBe(true);
  });
});
