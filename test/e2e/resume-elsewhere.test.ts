/**
 * State that survives the runner, end to end with the built CLI against a sandbox backed by a real etcd: an
 * apply started in one folder (etcd snapshot to a durable folder with --etcd-snapshot-dir) is killed -9 in the
 * middle of the workers, and that whole folder — plan, state file, run log — is deleted, as an ephemeral CI
 * runner would lose it. From a second folder holding only a copy of the plan file and the kubeconfig, the same
 * apply continues the run from the cluster's record and completes: no machine upgraded twice, the Lease
 * released, the record `done`. Then `rollback` from a third folder takes the cluster back, and `apply` of the
 * rolled-back plan stops with exit 2 until `--again`. Needs etcd/etcdctl: skipped without them, except on CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startTestSandbox, waitFor, type TestSandbox } from '../helpers/sandbox.js';
import { KubeClusterClient } from '../../src/cluster/index.js';
import { readMirror, readPlan } from '../../src/upgrade/run/index.js';

const BIN = resolve('bin/run.js');
const ENV = { NO_COLOR: '1', CI: 'true' };
const cli = (args: string[], cwd: string) => execa(process.execPath, [BIN, ...args], { reject: false, env: ENV, cwd });
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
  step?: string;
  [k: string]: unknown;
}

/** Runs the CLI in `cwd` with --log-format json; `on` returning true kills it with SIGKILL. */
async function runJson(args: string[], cwd: string, on: (e: Ev) => boolean | void = () => false) {
  const child = execa(process.execPath, [BIN, ...args, '--yes', '--log-format', 'json'], {
    reject: false,
    env: ENV,
    cwd,
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
  return {
    exitCode: r.exitCode,
    events,
    out: `${String(r.stdout ?? '').slice(-3000)}${String(r.stderr ?? '')}`,
    killed,
  };
}

describe.skipIf(!haveEtcd)('a run continued from another folder after its runner was lost', () => {
  let t: TestSandbox;
  let dirs: { a: string; b: string; c: string; snapshots: string; source: string };
  const sandboxCmd = () => [process.execPath, BIN, 'sandbox', 'node'];

  beforeAll(async () => {
    t = await startTestSandbox({
      version: 'v1.31.4',
      etcd: true,
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 3 }],
      workload: { kind: 'none' },
    });
    dirs = {
      a: join(t.dir, 'runner-a'),
      b: join(t.dir, 'runner-b'),
      c: join(t.dir, 'runner-c'),
      snapshots: join(t.dir, 'durable-snapshots'),
      source: join(t.dir, 'checkout'),
    };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    const kc = t.kubeconfigPath;
    const r = await cli(
      [
        'plan',
        '--kubeconfig',
        kc,
        '--to',
        'v1.32.0',
        '--workers',
        'pool=blue',
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
        join(dirs.source, 'plan.yaml'),
      ],
      t.dir,
    );
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    copyFileSync(join(dirs.source, 'plan.yaml'), join(dirs.a, 'plan.yaml'));
  }, 120_000);
  afterAll(() => t?.stop());

  it('kill -9 mid-workers, local state deleted: resumed elsewhere, completed once, then rolled back from a third folder', async () => {
    const kc = t.kubeconfigPath;
    const plan = readPlan(join(dirs.source, 'plan.yaml'));
    let workerUpgrades = 0;
    const first = await runJson(
      ['apply', 'plan.yaml', '--kubeconfig', kc, '--etcd-snapshot-dir', dirs.snapshots, '--eviction-retry-delay', '1'],
      dirs.a,
      (e) => e.type === 'node-step' && e.step === 'upgrade' && e.node?.startsWith('blue-') && ++workerUpgrades === 2,
    );
    expect(first.killed, first.out).toBe(true);
    expect(first.events.some((e) => e.type === 'snapshot-taken')).toBe(true);
    // A durable snapshot folder: no warning that the only copy is on the runner.
    expect(first.events.filter((e) => e.type === 'warning').map((e) => String(e.message))).not.toContainEqual(
      expect.stringMatching(/exists only on this machine/),
    );
    // The runner is gone, and its folder with it.
    rmSync(dirs.a, { recursive: true, force: true });

    copyFileSync(join(dirs.source, 'plan.yaml'), join(dirs.b, 'plan.yaml'));
    const second = await runJson(['apply', 'plan.yaml', '--kubeconfig', kc, '--eviction-retry-delay', '1'], dirs.b);
    expect(second.exitCode, second.out).toBe(0);
    const started = second.events.find((e) => e.type === 'run-started')!;
    expect(started.resumed).toBe(true);
    expect(second.events.some((e) => e.type === 'snapshot-taken')).toBe(false);
    for (const m of t.sandbox.cluster.machines.values()) {
      expect(m.kubeletVersion, m.name).toBe('v1.32.0');
      expect(m.upgrades, m.name).toBe(1);
    }
    const client = new KubeClusterClient(t.kc, t.sandbox.url);
    try {
      expect((await client.getLease('kube-system', 'k8s-upgrade'))?.holderIdentity ?? '').toBe('');
      expect(await readMirror(client, plan.metadata)).toMatchObject({ runId: started.runId, status: 'done' });
    } finally {
      client.close();
    }
    const listed = await cli(['status', '--kubeconfig', kc, '-o', 'json'], dirs.c);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ state: expect.objectContaining({ runId: started.runId, status: 'done' }) }),
    );

    // A third folder, only the plan: status reads the cluster's record, rollback works from it.
    copyFileSync(join(dirs.source, 'plan.yaml'), join(dirs.c, 'plan.yaml'));
    const status = await cli(['status', 'plan.yaml', '--kubeconfig', kc], dirs.c);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toContain(String(started.runId));
    const rolled = await runJson(['rollback', 'plan.yaml', '--kubeconfig', kc, '--eviction-retry-delay', '1'], dirs.c);
    expect(rolled.exitCode, rolled.out).toBe(0);
    await waitFor(
      () => [...t.sandbox.cluster.machines.values()].every((m) => m.kubeletVersion === 'v1.31.4'),
      'every machine back at v1.31.4',
      30_000,
    );
    const afterRollback = await cli(['status', 'plan.yaml'], dirs.c);
    expect(afterRollback.stdout).toContain('ROLLED BACK');

    // Applying the rolled-back plan is refused (exit 2) until --again, which starts a new run and keeps the old.
    const refused = await runJson(['apply', 'plan.yaml', '--kubeconfig', kc], dirs.c);
    expect(refused.exitCode, refused.out).toBe(2);
    expect(refused.out).toMatch(/was rolled back/);
    expect(refused.out).toContain('--again');
    const state = JSON.parse(readFileSync(join(dirs.c, 'plan.state.json'), 'utf8')) as { runId: string };
    expect(state.runId).toBe(started.runId);
  }, 300_000);
});
