/**
 * A sandbox fleet (`startSandboxFleet`, what `sandbox up --clusters N` serves): every cluster is its own
 * Kubernetes API to real clients (client-node, kubectl, the Python client) through its own context, the built
 * CLI's admin commands reach one cluster with `--cluster NAME`, faults stay in their cluster, and the fleet file
 * it writes is one the product's fleet-file reader accepts.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFleetFile, clusterPlanSettings } from '../../../src/fleet/file/index.js';
import { renderSandboxFleetFile } from '../../../src/sandbox/index.js';
import { kubectlAvailable, kubectlRunner } from '../../helpers/kubectl.js';
import { waitFor } from '../../helpers/sandbox.js';
import { startTestSandboxFleet, type TestSandboxFleet } from '../../helpers/sandbox-fleet.js';

const BIN = resolve('bin/run.js');
const hasKubectl = kubectlAvailable();

function pythonWithClient(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(py, ['-c', 'import kubernetes'], { stdio: 'ignore', timeout: 20_000 });
      return py;
    } catch {
      // try the next one
    }
  }
  if (process.env.CI === 'true') throw new Error('no python3 with the kubernetes client but CI=true');
  return undefined;
}
const python = pythonWithClient();

let t: TestSandboxFleet;
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args, '--kubeconfig', t.kubeconfigPath], { reject: false, env: { NO_COLOR: '1' } });
const kubeSystemUid = async (name: string) =>
  (await t.kc(name).makeApiClient(CoreV1Api).readNamespace({ name: 'kube-system' })).metadata!.uid!;

beforeAll(async () => {
  t = await startTestSandboxFleet({ clusters: 3, nodes: 14, seed: 5 });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('sandbox fleet', () => {
  it('serves each cluster on its own server with its own kube-system UID, nodes and PDBs', async () => {
    const names = t.fleet.members.map((m) => m.shape.name);
    expect(names).toEqual(['c001', 'c002', 'c003']);
    expect(new Set(t.fleet.members.map((m) => m.sandbox.url)).size).toBe(3);
    const uids = await Promise.all(names.map(kubeSystemUid));
    expect(new Set(uids).size).toBe(3);
    for (const m of t.fleet.members) {
      const core = t.kc(m.shape.name).makeApiClient(CoreV1Api);
      const nodes = await core.listNode();
      expect(nodes.items).toHaveLength(m.shape.nodes);
      expect(new Set(nodes.items.map((n) => n.status?.nodeInfo?.kubeletVersion))).toEqual(new Set([m.shape.version]));
      // Every Deployment has 2+ replicas and a PDB: drains never take a workload down.
      const store = m.sandbox.cluster.store;
      const deployments = store.list('apps/deployments').filter((d) => d.metadata.namespace!.startsWith('team-'));
      expect(deployments.length).toBeGreaterThan(0);
      for (const d of deployments) {
        expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
        expect(store.get('policy/poddisruptionbudgets', d.metadata.namespace, d.metadata.name)).toBeDefined();
      }
    }
    expect(t.fleet.members.reduce((n, m) => n + m.shape.nodes, 0)).toBe(14);
    expect(t.fleet.ticker.timerCount()).toBe(1);
  });

  it.skipIf(!hasKubectl)('kubectl reaches every context', async () => {
    const kubectl = kubectlRunner(t.kubeconfigPath);
    for (const m of t.fleet.members) {
      const r = await kubectl(
        '--context',
        m.context,
        'get',
        'namespace',
        'kube-system',
        '-o',
        'jsonpath={.metadata.uid}',
      );
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(await kubeSystemUid(m.shape.name));
      const ro = await kubectl('--context', `${m.context}-readonly`, 'get', 'nodes', '-o', 'name');
      expect(ro.stdout.split('\n')).toHaveLength(m.shape.nodes);
    }
  });

  it.skipIf(!python)('the Python client reaches every context', async () => {
    const script = [
      'import sys',
      'from kubernetes import client, config',
      'for ctx in sys.argv[2:]:',
      '    api = client.CoreV1Api(config.new_client_from_config(config_file=sys.argv[1], context=ctx))',
      '    print(ctx, api.read_namespace("kube-system").metadata.uid, len(api.list_node().items))',
    ].join('\n');
    const r = await execa(python!, ['-c', script, t.kubeconfigPath, ...t.fleet.members.map((m) => m.context)], {
      reject: false,
    });
    expect(r.stderr).toBe('');
    const expected = await Promise.all(
      t.fleet.members.map(async (m) => `${m.context} ${await kubeSystemUid(m.shape.name)} ${m.shape.nodes}`),
    );
    expect(r.stdout.trim().split('\n')).toEqual(expected);
  });

  it('routes the admin commands with --cluster, and keeps a fault in its cluster', async () => {
    const [one, two] = t.fleet.members;
    const machines = await cli('sandbox', 'machines', '--cluster', 'c002', '-o', 'json');
    expect(machines.exitCode).toBe(0);
    expect(JSON.parse(machines.stdout).machines).toHaveLength(two.shape.nodes);

    const inject = await cli('sandbox', 'fault', 'inject', 'node-never-ready', '--cluster', 'c002', '--node', 'blue-1');
    expect(inject.stderr).toBe('');
    expect(inject.exitCode).toBe(0);
    expect(one.sandbox.cluster.faults.list()).toEqual([]);
    expect(two.sandbox.cluster.faults.list()).toHaveLength(1);

    for (const c of ['c001', 'c002'])
      for (const node of ['cp-1', 'blue-1']) {
        const up = await cli('sandbox', 'node', 'upgrade', '--cluster', c, node, 'v1.32.0');
        expect(up.stderr).toBe('');
        expect(up.exitCode).toBe(0);
      }
    const ready = (name: string) =>
      t
        .kc(name)
        .makeApiClient(CoreV1Api)
        .readNode({ name: 'blue-1' })
        .then((n) => ({
          ready: n.status?.conditions?.find((c) => c.type === 'Ready')?.status,
          version: n.status?.nodeInfo?.kubeletVersion,
        }));
    await waitFor(async () => (await ready('c001')).ready === 'True', 'c001 blue-1 Ready again');
    expect(await ready('c001')).toEqual({ ready: 'True', version: 'v1.32.0' });
    expect((await ready('c002')).ready).toBe('False');
    expect(one.sandbox.cluster.controlPlaneMachines().map((m) => m.name)).toEqual(['cp-1']);
    expect(one.sandbox.cluster.machines.get('blue-1')!.upgrades).toBe(1);
    expect(two.sandbox.cluster.machines.get('blue-1')!.upgrades).toBe(1);
    expect(t.fleet.members[2].sandbox.cluster.machines.get('blue-1')!.upgrades).toBe(0);
  }, 60_000);

  it('an API fault in one cluster leaves the others answering', async () => {
    const three = t.fleet.member('c003')!;
    three.sandbox.cluster.faults.add({ type: 'api-errors', rate: 1, code: 503 });
    try {
      await expect(t.kc('c003').makeApiClient(CoreV1Api).listNode()).rejects.toMatchObject({ code: 503 });
      expect((await t.kc('c001').makeApiClient(CoreV1Api).listNode()).items.length).toBe(
        t.fleet.member('c001')!.shape.nodes,
      );
    } finally {
      three.sandbox.cluster.faults.clear();
    }
  });

  it('an unknown --cluster is bad input (exit 3) naming the context', async () => {
    const r = await cli('sandbox', 'machines', '--cluster', 'c999');
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('sandbox-c999');
  });

  it('writes a fleet file the product reads: every cluster, its context, the exec driver on that context', () => {
    const file = join(t.dir, 'fleet.yaml');
    writeFileSync(
      file,
      renderSandboxFleetFile(t.fleet, {
        kubeconfig: t.kubeconfigPath,
        upgradeArgv: (context) => ['k8s-upgrade', 'sandbox', 'node', 'upgrade', '--context', context],
      }),
    );
    const loaded = readFleetFile(file);
    expect(loaded.fleet.clusters.map((c) => [c.name, c.context, c.labels.ring])).toEqual([
      ['c001', 'sandbox-c001', 'canary'],
      ['c002', 'sandbox-c002', 'canary'],
      ['c003', 'sandbox-c003', 'early'],
    ]);
    // No stage for the empty ring `main`: a stage that selects nothing would be a warning.
    expect(loaded.fleet.stages.map((s) => s.name)).toEqual(['canary', 'early']);
    expect(loaded.warnings).toEqual([]);
    const settings = clusterPlanSettings(loaded.fleet, loaded.fleet.clusters[1]);
    expect(settings).toMatchObject({ driver: 'exec', workers: ['pool=blue', 'pool=green'] });
    expect(settings.execCommand).toEqual(['k8s-upgrade', 'sandbox', 'node', 'upgrade', '--context', 'sandbox-c002']);
  });
});
