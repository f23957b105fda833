/**
 * apply, in-process against the sandbox: what it refuses before changing anything (a plan for another cluster,
 * preflight blockers that appeared after planning) and a node already at the target (upgraded out of band
 * after planning), which is skipped without running its driver.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { KubeClusterClient, getLease } from '../../../src/cluster/index.js';
import { ApplyInputError } from '../../../src/upgrade/apply/index.js';
import { statePathFor } from '../../../src/upgrade/run/state-store.js';
import { waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import {
  cordoned,
  machines,
  ofType,
  runApply,
  startApplySandbox,
  stateOf,
  upgradeOutOfBand,
  writePlan,
} from './apply-helpers.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startApplySandbox({ version: 'v1.31.4', controlPlanes: 1, pools: [{ name: 'blue', count: 2 }] });
});
afterAll(() => t?.stop());

describe('apply refuses before changing anything', () => {
  it('a plan made for another cluster is an ApplyInputError', async () => {
    // Another seed: another kube-system uid (same-seed sandboxes are the same cluster by identity).
    const other = await startApplySandbox({
      version: 'v1.31.4',
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 1 }],
      seed: 2,
    });
    try {
      const { path } = await writePlan(t, { file: `${t.dir}/other-cluster.yaml` });
      const err = await runApply(t, path, { kubeconfig: other.kubeconfigPath }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplyInputError);
      expect((err as Error).message).toContain('another cluster');
      expect(existsSync(statePathFor(path))).toBe(false);
      expect([...other.sandbox.cluster.machines.values()].every((m) => (m.upgradeCommands ?? 0) === 0)).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it('an unmanaged pod that appeared after planning blocks the run: nothing cordoned, no state file, no lease', async () => {
    const { path } = await writePlan(t, { file: `${t.dir}/blocked.yaml` });
    const core = t.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'debug-shell' },
        spec: { nodeName: 'blue-1', containers: [{ name: 'sh', image: 'busybox' }] },
      },
    });
    try {
      const { summary, events } = await runApply(t, path);
      expect(summary.outcome).toBe('blocked');
      expect(summary.stoppedBy?.step).toBe('preflight');
      expect(summary.stoppedBy?.message).toContain('default/debug-shell');
      expect(summary.nodes).toEqual([]);
      expect(ofType(events, 'preflight-finished')[0]!.blockers).toBeGreaterThan(0);
      expect(events.map((e) => e.type)).not.toContain('lock-acquired');
      expect(events.map((e) => e.type)).not.toContain('node-started');
      expect(await cordoned(t)).toEqual([]);
      expect(existsSync(statePathFor(path))).toBe(false);
      const client = new KubeClusterClient(t.kc, t.sandbox.url);
      try {
        const lease = await getLease(client, 'kube-system', 'k8s-upgrade');
        expect(lease?.holderIdentity ?? '').toBe('');
      } finally {
        client.close();
      }
      expect(machines(t).every((m) => m.upgradeCommands === 0)).toBe(true);
    } finally {
      await core.deleteNamespacedPod({ name: 'debug-shell', namespace: 'default', gracePeriodSeconds: 0 });
      await waitFor(() => !t.sandbox.cluster.store.get('pods', 'default', 'debug-shell'), 'debug-shell gone');
    }
  });
});

describe('a node already at the target', () => {
  it('is skipped: its driver never runs, the others are upgraded', async () => {
    const { path } = await writePlan(t, { file: `${t.dir}/skip.yaml` });
    // Out of band, after planning: the control plane and blue-1 reach the target.
    await upgradeOutOfBand(t, ['cp-1', 'blue-1'], 'v1.32.0');
    const before = new Map(machines(t).map((m) => [m.name, m.upgradeCommands]));

    const { summary, events } = await runApply(t, path);
    expect(summary.outcome, JSON.stringify(summary.stoppedBy)).toBe('done');
    const status = new Map(summary.nodes.map((n) => [n.node, n.status]));
    expect(status.get('cp-1')).toBe('skipped');
    expect(status.get('blue-1')).toBe('skipped');
    expect(status.get('blue-2')).toBe('done');
    const after = new Map(machines(t).map((m) => [m.name, m.upgradeCommands]));
    expect(after.get('cp-1')).toBe(before.get('cp-1'));
    expect(after.get('blue-1')).toBe(before.get('blue-1'));
    expect(after.get('blue-2')).toBe((before.get('blue-2') ?? 0) + 1);
    // Skipped nodes are never cordoned or drained.
    const steps = ofType(events, 'node-step').filter((e) => e.node === 'cp-1' || e.node === 'blue-1');
    expect(steps).toEqual([]);
    expect(ofType(events, 'node-finished').find((e) => e.node === 'blue-1')?.detail).toContain('already at v1.32.0');
    expect(machines(t).map((m) => m.kubeletVersion)).toEqual(['v1.32.0', 'v1.32.0', 'v1.32.0']);
    expect(stateOf(path)?.status).toBe('done');
    expect(await cordoned(t)).toEqual([]);

    // Applying the finished plan again does nothing.
    const again = await runApply(t, path);
    expect(again.summary.outcome).toBe('done');
    expect(again.summary.stoppedBy?.message).toContain('already applied');
    expect(new Map(machines(t).map((m) => [m.name, m.upgradeCommands]))).toEqual(after);
  }, 120_000);
});
