/**
 * The node side of a rollback: `downgrade` puts a worker's kubelet and a control-plane node's static pods back at an
 * older version (the inverse of upgrade), counted per machine and refused like kubeadm would; and restore-etcd on a
 * sandbox without --etcd is refused with a clear message. Needs no etcd.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { SandboxAdminClient, AdminError } from '../../../src/sandbox/index.js';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';

async function refusal(p: Promise<unknown>): Promise<AdminError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AdminError) return e;
    throw e;
  }
  throw new Error('expected the admin API to refuse');
}

describe('sandbox node downgrade', () => {
  let t: TestSandbox;
  let core: CoreV1Api;
  let admin: SandboxAdminClient;
  const machine = async (name: string) => (await admin.machines()).machines.find((m) => m.name === name)!;
  const nodeAt = (name: string, version: string) =>
    waitFor(async () => {
      const n = await core.readNode({ name });
      return (
        n.status?.nodeInfo?.kubeletVersion === version &&
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
      );
    }, `${name} Ready at ${version}`);

  beforeAll(async () => {
    t = await startTestSandbox({
      version: 'v1.31.4',
      controlPlanes: 2,
      pools: [{ name: 'blue', count: 2 }],
      workload: { kind: 'none' },
    });
    core = t.kc.makeApiClient(CoreV1Api);
    admin = SandboxAdminClient.fromKubeconfig(t.kubeconfigPath);
    for (const n of ['cp-1', 'cp-2', 'blue-1']) await admin.upgrade(n, 'v1.32.0');
    for (const n of ['cp-1', 'cp-2', 'blue-1']) await nodeAt(n, 'v1.32.0');
  }, 60_000);
  afterAll(() => t?.stop());

  it('downgrades a worker: kubelet back, NotReady meanwhile, counted', async () => {
    const r = await admin.downgrade('blue-1', 'v1.31.4');
    expect(r).toMatchObject({ node: 'blue-1', from: 'v1.32.0', to: 'v1.31.4' });
    expect(r.message).toMatch(/downgraded blue-1 from v1\.32\.0 to v1\.31\.4/);
    expect((await machine('blue-1')).kubelet).toBe('restarting');
    await nodeAt('blue-1', 'v1.31.4');
    expect(await machine('blue-1')).toMatchObject({
      kubeletVersion: 'v1.31.4',
      kubelet: 'running',
      upgrades: 1,
      downgrades: 1,
    });
    // Already there: accepted, not counted.
    expect((await admin.downgrade('blue-1', 'v1.31.4')).message).toMatch(/already runs v1\.31\.4/);
    expect((await machine('blue-1')).downgrades).toBe(1);
    expect((await machine('blue-2')).downgrades).toBe(0);
  });

  it('downgrades the control plane: static pods and kubelet back, the API version follows the oldest apiserver', async () => {
    await admin.downgrade('cp-1', 'v1.31.4');
    expect(await machine('cp-1')).toMatchObject({ controlPlaneVersion: 'v1.31.4', upgrades: 1, downgrades: 1 });
    expect((await t.kc.makeApiClient(VersionApi).getCode()).gitVersion).toBe('v1.31.4');
    const apiserver = await core.readNamespacedPod({ namespace: 'kube-system', name: 'kube-apiserver-cp-1' });
    expect(apiserver.spec!.containers[0].image).toBe('registry.k8s.io/kube-apiserver:v1.31.4');
    await nodeAt('cp-1', 'v1.31.4');
    await admin.downgrade('cp-2', 'v1.31.4');
    await nodeAt('cp-2', 'v1.31.4');
    expect(
      (await admin.machines()).machines.map((m) => [m.name, m.controlPlaneVersion ?? m.kubeletVersion, m.downgrades]),
    ).toEqual([
      ['cp-1', 'v1.31.4', 1],
      ['cp-2', 'v1.31.4', 1],
      ['blue-1', 'v1.31.4', 1],
      ['blue-2', 'v1.31.4', 0],
    ]);
  });

  it('refuses an upgrade through downgrade, more than one minor down on a control plane, and unknown nodes', async () => {
    const up = await refusal(admin.downgrade('blue-2', 'v1.32.0'));
    expect(up.status).toBe(422);
    expect(up.message).toMatch(/newer, so this is an upgrade/);
    const skip = await refusal(admin.downgrade('cp-1', 'v1.29.10'));
    expect(skip.status).toBe(422);
    expect(skip.message).toMatch(/more than one minor version lower/);
    expect((await refusal(admin.downgrade('nope', 'v1.30.0'))).status).toBe(404);
    expect((await refusal(admin.downgrade('cp-1', 'latest'))).status).toBe(422);
    expect((await machine('cp-1')).downgrades).toBe(1);
  });

  it('refuses restore-etcd on a sandbox without --etcd', async () => {
    const e = await refusal(admin.restoreEtcd('cp-1', '/tmp/snapshot.db'));
    expect(e.status).toBe(409);
    expect(e.message).toMatch(/runs without etcd.*sandbox up --etcd/);
    expect((await refusal(admin.etcd())).status).toBe(404);
    expect(t.sandbox.etcd).toBeUndefined();
  });
});
