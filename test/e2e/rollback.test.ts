/**
 * The etcd snapshot and `rollback`, end to end on a sandbox that keeps its objects in a real etcd: the built
 * CLI plans with `--etcd-snapshot local`, apply takes a verified snapshot before the control plane, a fault
 * keeps one worker NotReady so the run pauses in the worker phase, and `rollback` (killed -9 once and re-run)
 * takes every node and control-plane component back to the from-version, loses the objects written after the
 * snapshot, leaves no node cordoned and the workloads available, with zero monitor violations while workloads
 * are being drained. Also: a corrupt snapshot stops apply before the control plane, and rollback refuses when
 * there is nothing to roll back. Needs `etcd`/`etcdctl` (Debian etcd-server, etcd-client): skipped without them,
 * except on CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { startTestSandbox, waitFor, type TestSandbox } from '../helpers/sandbox.js';
import { startAvailabilityMonitor, type AvailabilityMonitor } from '../helpers/availability-monitor.js';
import { remediateDemo, SandboxAdminClient } from '../../src/sandbox/index.js';

const BIN = resolve('bin/run.js');
const cli = (args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1', CI: 'true' } });
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const haveEtcd = has('etcd') && has('etcdctl');
if (!haveEtcd && process.env.CI === 'true')
  throw new Error('etcd and etcdctl are required on CI (apt-get install etcd-server etcd-client)');

interface Ev {
  type: string;
  node?: string;
  phase?: string;
  [k: string]: unknown;
}

/** Runs the CLI with --log-format json, calling `on` for every event; `on` returning true kills the process (SIGKILL). */
async function runJson(
  args: string[],
  on: (e: Ev) => boolean | void = () => false,
): Promise<{ exitCode?: number; events: Ev[]; stdout: string; stderr: string; killed: boolean }> {
  const child = execa(process.execPath, [BIN, ...args, '--yes', '--log-format', 'json'], {
    reject: false,
    env: { NO_COLOR: '1', CI: 'true' },
  });
  const events: Ev[] = [];
  let buf = '';
  let killed = false;
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const e = JSON.parse(line) as Ev;
        events.push(e);
        if (!killed && on(e)) {
          killed = true;
          child.kill('SIGKILL');
        }
      } catch {
        // not an event line
      }
    }
  });
  const r = await child;
  return { exitCode: r.exitCode, events, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), killed };
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
            !p.metadata?.deletionTimestamp &&
            p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        )
      );
    },
    'workloads Ready',
    60_000,
  );
}

describe.skipIf(!haveEtcd)('etcd snapshot and rollback on a sandbox backed by a real etcd', () => {
  let t: TestSandbox;
  let plan: string;
  const sandboxCmd = () => [process.execPath, BIN, 'sandbox', 'node'];

  beforeAll(async () => {
    t = await startTestSandbox({ version: 'v1.31.4', etcd: true });
    await waitSettled(t);
    remediateDemo(t.sandbox.cluster);
    await waitSettled(t);
    plan = join(t.dir, 'plan.yaml');
    const kc = t.kubeconfigPath;
    const r = await cli([
      'plan',
      '--kubeconfig',
      kc,
      '--to',
      'v1.32.0',
      '--workers',
      'pool=blue',
      '--workers',
      'pool=green',
      '--delete-emptydir-data',
      '--etcd-snapshot',
      'local',
      '--etcd-endpoints',
      t.sandbox.etcd!.endpoints.join(','),
      '--exec-command',
      JSON.stringify([...sandboxCmd(), 'upgrade', '--kubeconfig', kc, '{node}', '{version}']),
      '--exec-downgrade-command',
      JSON.stringify([...sandboxCmd(), 'downgrade', '--kubeconfig', kc, '{node}', '{version}']),
      '--exec-restore-etcd-command',
      JSON.stringify([...sandboxCmd(), 'restore-etcd', '--kubeconfig', kc, '{node}', '{snapshot}']),
      '--gate-timeout',
      '30',
      '--out',
      plan,
    ]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });
  afterAll(() => t?.stop());

  it('refuses to roll back a plan that was never applied, changing nothing', async () => {
    const r = await cli(['rollback', plan, '--kubeconfig', t.kubeconfigPath, '--yes']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('nothing to roll back');
  });

  it('apply pauses on a NotReady worker; rollback (killed once) restores everything to the from-version', async () => {
    const admin = SandboxAdminClient.fromKubeconfig(t.kubeconfigPath);
    const core = t.kc.makeApiClient(CoreV1Api);
    const fault = await admin.addFault({ type: 'node-never-ready', node: 'green-2' });
    let monitor: AvailabilityMonitor | undefined = await startAvailabilityMonitor(t.kc);
    const reports: Awaited<ReturnType<AvailabilityMonitor['stop']>>[] = [];

    const applied = await runJson(
      ['apply', plan, '--kubeconfig', t.kubeconfigPath, '--node-ready-timeout', '8', '--eviction-retry-delay', '1'],
      (e) => {
        // Written after the snapshot: must be gone after the rollback.
        if (e.type === 'snapshot-taken') void core.createNamespace({ body: { metadata: { name: 'after-snapshot' } } });
      },
    );
    expect(applied.exitCode, applied.stdout.slice(-3000) + applied.stderr).toBe(4);
    const snap = applied.events.find((e) => e.type === 'snapshot-taken')!;
    expect(snap).toBeDefined();
    expect(snap.revision).toBeGreaterThan(0);
    // No --etcd-snapshot-dir and a local snapshot: apply warns that the only copy is on this machine.
    expect(applied.events.filter((e) => e.type === 'warning').map((e) => String(e.message))).toContainEqual(
      expect.stringMatching(/exists only on this machine's disk/),
    );
    const summary = applied.events.find((e) => e.type === 'run-finished')!.summary as {
      stoppedBy: { node: string; next: string[] };
    };
    expect(summary.stoppedBy.node).toBe('green-2');
    expect(summary.stoppedBy.next.join('\n')).toContain(`rollback ${plan}`);
    await waitFor(
      async () => (await core.readNamespace({ name: 'after-snapshot' })).metadata?.name,
      'namespace created after the snapshot',
    );
    const status = await cli(['status', plan]);
    expect(status.stdout).toContain('etcd snapshots:');

    // The operator fixes the node's kubelet, then rolls back.
    await admin.clearFaults(fault.id);
    const firstTry = await runJson(
      ['rollback', plan, '--kubeconfig', t.kubeconfigPath, '--eviction-retry-delay', '1'],
      (e) => {
        if (e.type === 'phase-started' && e.phase === 'rollback/etcd-restore')
          void monitor?.stop().then((r) => reports.push(r));
        return e.type === 'node-step' && e.step === 'downgrade';
      },
    );
    expect(firstTry.killed, firstTry.stdout.slice(-2000) + firstTry.stderr).toBe(true);
    const rolled = await runJson(
      ['rollback', plan, '--kubeconfig', t.kubeconfigPath, '--eviction-retry-delay', '1'],
      (e) => {
        if (e.type === 'phase-started' && e.phase === 'rollback/etcd-restore' && monitor) {
          const m = monitor;
          monitor = undefined;
          void m.stop().then((r) => reports.push(r));
        }
        if (e.type === 'phase-finished' && e.phase === 'rollback/etcd-restore')
          void startAvailabilityMonitor(t.kc).then((m) => (monitor = m));
      },
    );
    expect(rolled.exitCode, rolled.stdout.slice(-3000) + rolled.stderr).toBe(0);
    // The rollback wrote the run report; its paths go to stderr, beside the JSON events on stdout.
    expect(rolled.stderr).toMatch(/Report: \S+\.report\.html, \S+\.report\.md, \S+\.junit\.xml/);
    expect(readFileSync(plan.replace(/\.yaml$/, '.report.html'), 'utf8')).toContain('<svg');
    if (monitor) reports.push(await monitor.stop());
    for (const r of reports) expect(r.violations, r.format()).toEqual([]);

    for (const m of t.sandbox.cluster.machines.values()) {
      expect(m.kubeletVersion, m.name).toBe('v1.31.4');
      if (m.role === 'control-plane') expect(m.controlPlaneVersion, m.name).toBe('v1.31.4');
    }
    await waitFor(
      async () => {
        const nodes = (await core.listNode()).items;
        return nodes.every(
          (n) =>
            n.status?.nodeInfo?.kubeletVersion === 'v1.31.4' &&
            !n.spec?.unschedulable &&
            n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
      },
      'every node Ready at v1.31.4 and schedulable',
      30_000,
    );
    const mirror = (await core.listNamespacedPod({ namespace: 'kube-system' })).items.filter(
      (p) => p.metadata?.annotations?.['kubernetes.io/config.mirror'],
    );
    for (const p of mirror)
      for (const c of p.spec?.containers ?? [])
        if (/kube-(apiserver|controller-manager|scheduler)/.test(c.image ?? '')) expect(c.image).toMatch(/:v1\.31\.4$/);
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).not.toContain('after-snapshot');
    await waitSettled(t);

    const state = JSON.parse(readFileSync(plan.replace(/\.yaml$/, '.state.json'), 'utf8'));
    expect(state.rollback.status).toBe('done');
    expect(state.rollback.attempts.length).toBe(2);
    const again = await cli(['rollback', plan, '--kubeconfig', t.kubeconfigPath, '--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout + again.stderr).toContain('already rolled back');
  });
});

describe.skipIf(!haveEtcd)('a snapshot that fails verification', () => {
  let t: TestSandbox;
  afterAll(() => t?.stop());

  it('stops apply before the control plane is touched', async () => {
    t = await startTestSandbox({
      version: 'v1.31.4',
      etcd: true,
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 1 }],
      workload: { kind: 'none' },
    });
    const plan = join(t.dir, 'plan.yaml');
    // An etcdctl that writes a truncated snapshot: first on the PATH of the apply process.
    const fakeDir = join(t.dir, 'fake-bin');
    execFileSync('mkdir', ['-p', fakeDir]);
    const real = execFileSync('sh', ['-c', 'command -v etcdctl']).toString().trim();
    writeFileSync(
      join(fakeDir, 'etcdctl'),
      `#!/bin/sh\n"${real}" "$@"; rc=$?\nfor a in "$@"; do last="$a"; done\ncase " $* " in *" snapshot save "*) [ $rc -eq 0 ] && head -c 4096 "$last" > "$last.cut" && mv "$last.cut" "$last";; esac\nexit $rc\n`,
      { mode: 0o755 },
    );
    const kc = t.kubeconfigPath;
    const p = await cli([
      'plan',
      '--kubeconfig',
      kc,
      '--to',
      'v1.32.0',
      '--etcd-snapshot',
      'local',
      '--etcd-endpoints',
      t.sandbox.etcd!.endpoints.join(','),
      '--exec-command',
      JSON.stringify([process.execPath, BIN, 'sandbox', 'node', 'upgrade', '--kubeconfig', kc, '{node}', '{version}']),
      '--out',
      plan,
    ]);
    expect(p.exitCode, p.stdout + p.stderr).toBe(0);
    const r = await execa(
      process.execPath,
      [BIN, 'apply', plan, '--kubeconfig', kc, '--yes', '--log-format', 'plain'],
      { reject: false, env: { CI: 'true', PATH: `${fakeDir}:${process.env.PATH}` } },
    );
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/no verified etcd snapshot, so the control plane was not touched/);
    for (const m of t.sandbox.cluster.machines.values()) {
      expect(m.upgrades, m.name).toBe(0);
      expect(m.kubeletVersion).toBe('v1.31.4');
    }
  });
});

describe.skipIf(!haveEtcd)('apply --auto-rollback', () => {
  let t: TestSandbox;
  let server: Server;
  afterAll(async () => {
    server?.close();
    await t?.stop();
  });

  it('rolls the run back by itself when a health gate fails, and exits 6', async () => {
    t = await startTestSandbox({
      version: 'v1.31.4',
      etcd: true,
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 2 }],
      workload: { kind: 'none' },
    });
    // A custom gate that fails while the upgrade runs and passes once the operator's check would be happy again.
    let healthy = false;
    server = createServer((_req, res) => {
      res.statusCode = healthy ? 200 : 503;
      res.end(healthy ? 'ok' : 'checkout latency too high');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const plan = join(t.dir, 'auto.yaml');
    const kc = t.kubeconfigPath;
    const node = [process.execPath, BIN, 'sandbox', 'node'];
    const p = await cli([
      'plan',
      '--kubeconfig',
      kc,
      '--to',
      'v1.32.0',
      '--etcd-snapshot',
      'local',
      '--etcd-endpoints',
      t.sandbox.etcd!.endpoints.join(','),
      '--exec-command',
      JSON.stringify([...node, 'upgrade', '--kubeconfig', kc, '{node}', '{version}']),
      '--exec-downgrade-command',
      JSON.stringify([...node, 'downgrade', '--kubeconfig', kc, '{node}', '{version}']),
      '--exec-restore-etcd-command',
      JSON.stringify([...node, 'restore-etcd', '--kubeconfig', kc, '{node}', '{snapshot}']),
      '--gate-url',
      `http://127.0.0.1:${port}/healthz`,
      '--gate-timeout',
      '3',
      '--out',
      plan,
    ]);
    expect(p.exitCode, p.stdout + p.stderr).toBe(0);
    const r = await runJson(['apply', plan, '--kubeconfig', kc, '--auto-rollback'], (e) => {
      if (e.type === 'gate-failed') healthy = true;
    });
    expect(r.exitCode, r.stdout.slice(-3000) + r.stderr).toBe(6);
    const finished = r.events
      .filter((e) => e.type === 'run-finished')
      .map((e) => (e.summary as { outcome: string }).outcome);
    expect(finished).toEqual(['paused', 'done']);
    expect(r.stderr).toContain('EVERY WRITE TO THE CLUSTER AFTER');
    for (const m of t.sandbox.cluster.machines.values()) {
      expect(m.kubeletVersion, m.name).toBe('v1.31.4');
      if (m.role === 'control-plane') expect(m.controlPlaneVersion).toBe('v1.31.4');
    }
  });
});
