/**
 * Node and control-plane checks against the sandbox: a node made NotReady through the fault admin API (its
 * kubelet restarts and never comes back), a kubelet reporting a version the skew policy no longer allows, a
 * control-plane mirror pod that is not Ready, and — on a 1.23 cluster — a node still on dockershim.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAdminClient } from '../../../src/sandbox/index.js';
import { waitFor } from '../../helpers/sandbox.js';
import { ids, names, preflight, startEnv, withId, type Env } from './helpers.js';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('node and control-plane checks (1.31)', () => {
  let env: Env;
  let admin: SandboxAdminClient;
  beforeAll(async () => {
    env = await startEnv({
      version: 'v1.31.4',
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 3 }],
      workload: { kind: 'none' },
    });
    admin = SandboxAdminClient.fromKubeconfig(env.t.kubeconfigPath);
  });
  afterAll(() => env?.t.stop());

  it('is quiet before anything breaks', async () => {
    expect(await preflight(env, { target: 'v1.32.0' })).toEqual([]);
  });

  it('reports a node whose kubelet never comes back as not Ready', async () => {
    await admin.upgrade('cp-1', 'v1.31.5');
    await waitFor(
      async () =>
        (await env.client.getNode('cp-1'))?.kubeletVersion === 'v1.31.5' && (await env.client.getNode('cp-1'))?.ready,
      'cp-1 back at v1.31.5',
    );
    await admin.addFault({ type: 'node-never-ready', node: 'blue-1' });
    await admin.upgrade('blue-1', 'v1.31.5');
    await waitFor(async () => !(await env.client.getNode('blue-1'))?.ready, 'blue-1 NotReady');
    const findings = await preflight(env, { target: 'v1.32.0' });
    const [f] = withId(findings, 'node-not-ready');
    expect(f?.severity).toBe('blocker');
    expect(names(f)).toEqual(['blue-1']);
    expect(f?.objects[0]?.detail).toContain('KubeletNotReady');
    await admin.clearFaults();
    await waitFor(async () => (await env.client.getNode('blue-1'))?.ready, 'blue-1 Ready again');
  });

  it('reports a kubelet already too old for the control plane', async () => {
    await env.core.patchNodeStatus(
      { name: 'blue-2', body: { status: { nodeInfo: { kubeletVersion: 'v1.27.9' } } } },
      merge,
    );
    const findings = await preflight(env, { target: 'v1.32.0' });
    const now = withId(findings, 'skew-violated-now').filter((f) => f.severity === 'blocker');
    expect(now.map((f) => names(f))).toEqual([['blue-2']]);
    expect(now[0]?.message).toContain('kubelet v1.27.9 on blue-2');
    await env.core.patchNodeStatus(
      { name: 'blue-2', body: { status: { nodeInfo: { kubeletVersion: 'v1.31.4' } } } },
      merge,
    );
  });

  it('reports a control-plane mirror pod that is not Ready', async () => {
    const pod = await env.core.readNamespacedPodStatus({ namespace: 'kube-system', name: 'kube-scheduler-cp-1' });
    const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
    await env.core.patchNamespacedPodStatus(
      { namespace: 'kube-system', name: 'kube-scheduler-cp-1', body: { status: { conditions } } },
      merge,
    );
    const findings = await preflight(env, { target: 'v1.32.0' });
    const [f] = withId(findings, 'control-plane-unhealthy');
    expect(f?.severity).toBe('blocker');
    expect(names(f)).toEqual(['kube-system/kube-scheduler-cp-1']);
  });
});

describe('container runtime (1.23 → 1.24)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv({
      version: 'v1.23.17',
      controlPlanes: 1,
      pools: [{ name: 'blue', count: 2 }],
      workload: { kind: 'none' },
    });
  });
  afterAll(() => env?.t.stop());

  it('is quiet on containerd', async () => {
    expect(ids(await preflight(env, { target: 'v1.24.17' }))).not.toContain('runtime-unsupported');
  });

  it('blocks a node still on dockershim', async () => {
    await env.core.patchNode(
      {
        name: 'blue-1',
        body: { metadata: { annotations: { 'kubeadm.alpha.kubernetes.io/cri-socket': '/var/run/dockershim.sock' } } },
      },
      merge,
    );
    await env.core.patchNodeStatus(
      { name: 'blue-1', body: { status: { nodeInfo: { containerRuntimeVersion: 'docker://20.10.7' } } } },
      merge,
    );
    const [f] = withId(await preflight(env, { target: 'v1.24.17' }), 'runtime-unsupported');
    expect(f?.severity).toBe('blocker');
    expect(names(f)).toEqual(['blue-1']);
    expect(f?.objects[0]?.detail).toContain('dockershim');
  });
});
