/**
 * Version skew (now and along the path), the unreleased target, node health and runtimes, the control plane's
 * mirror pods, permissions through access reviews, the inventory's component versions, and the registry.
 */
import { describe, expect, it } from 'vitest';
import type { AccessCheck, ClusterReads, PodInfo, WorkloadInfo } from '../../../src/cluster/index.js';
import { fakeClient } from '../../helpers/fake-client.js';
import { ClusterApiError } from '../../../src/cluster/index.js';
import { CHECKS, findComponents, isWaivable, runPreflight } from '../../../src/checks/index.js';
import { checkControlPlane } from '../../../src/checks/control-plane.js';
import { checkCordoned, checkNotReady, checkRuntime } from '../../../src/checks/nodes.js';
import { checkPermissions } from '../../../src/checks/permissions.js';
import { checkSkewByPath, checkSkewNow, checkTargetPrerelease } from '../../../src/checks/skew.js';
import { makeVersion, parseReportedVersion, SEVERITIES, type VersionPath } from '../../../src/plan/index.js';
import { app, context, inventory, node, pod, staticPods } from './fixtures.js';

const cluster = (kubelets: Record<string, string>, o: Parameters<typeof inventory>[0] = {}) =>
  inventory({
    nodes: [
      node('cp-1', { controlPlane: true }),
      ...Object.entries(kubelets).map(([n, v]) => node(n, { kubeletVersion: v })),
    ],
    ...o,
  });

describe('skew', () => {
  it('is quiet on a consistent cluster', () => {
    expect(checkSkewNow(context(cluster({ w1: 'v1.31.4' })))).toEqual([]);
    expect(checkSkewByPath(context(cluster({ w1: 'v1.31.4' }), { target: 'v1.33.1' }))).toEqual([]);
  });

  it('reports kubelets already too old, one finding per rule naming every node', () => {
    const [f, proxy, ...rest] = checkSkewNow(context(cluster({ w1: 'v1.27.9', w2: 'v1.27.9', w3: 'v1.31.4' })));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ id: 'skew-violated-now', severity: 'blocker' });
    expect(f?.objects.map((o) => o.name)).toEqual(['w1', 'w2']);
    expect(f?.message).toContain(
      'kubelet v1.27.9 on w1 is 4 minors behind kube-apiserver v1.31.4 (allowed: 1.28–1.31). The same holds for 1 more case: w2.',
    );
    // kube-proxy (at the control plane's version) is also too far from those kubelets: a warning.
    expect(proxy).toMatchObject({
      id: 'skew-violated-now',
      severity: 'warning',
      objects: [{ name: 'w1' }, { name: 'w2' }],
    });
  });

  it('replays the path: a path that skips the workers hop breaks the policy', () => {
    const ctx = context(cluster({ w1: 'v1.28.3' }), { target: 'v1.32.0' });
    expect(checkSkewByPath(ctx)).toEqual([]);
    const v = (minor: number) => makeVersion(minor);
    const bad: VersionPath = {
      ...ctx.path,
      steps: [32].map((m) => ({ kind: 'control-plane' as const, to: v(m), upgrading: [] })),
    };
    const findings = checkSkewByPath({ ...ctx, path: bad });
    expect(findings).toMatchObject([
      { id: 'skew-violated-by-path', severity: 'blocker', objects: [{ kind: 'Node', name: 'w1' }] },
      {
        id: 'skew-violated-by-path',
        severity: 'warning',
        objects: [{ kind: 'Node', name: 'w1', detail: expect.stringContaining('kube-proxy v1.32.0') }],
      },
    ]);
    expect(findings[0]!.message).toContain(
      'while the control plane moves to v1.32.0: kubelet v1.28.3 on w1 is 4 minors behind',
    );
  });

  it('warns that kube-proxy moves ahead of the kubelets before 1.28', () => {
    const inv = cluster(
      { w1: 'v1.24.17' },
      {
        serverVersion: 'v1.24.17',
        components: [
          ...staticPods('cp-1', 'v1.24.17'),
          { component: 'kube-proxy', version: 'v1.24.17', image: 'registry.k8s.io/kube-proxy:v1.24.17' },
        ],
      },
    );
    inv.nodes[0]!.kubeletVersion = 'v1.24.17';
    const findings = checkSkewByPath(context(inv, { target: 'v1.25.16' }));
    expect(findings).toMatchObject([{ id: 'skew-violated-by-path', severity: 'warning' }]);
  });

  it('blocks an unreleased target', () => {
    expect(checkTargetPrerelease(context(cluster({}), { target: 'v1.32.0-rc.1' }))).toMatchObject([
      { id: 'target-prerelease', severity: 'blocker' },
    ]);
    expect(checkTargetPrerelease(context(cluster({})))).toEqual([]);
  });
});

describe('nodes', () => {
  it('reports NotReady and cordoned nodes by name', () => {
    const inv = inventory({
      nodes: [
        node('cp-1', { controlPlane: true }),
        node('w1', { ready: false, readyReason: 'NodeStatusUnknown: Kubelet stopped posting node status.' }),
        node('w2', { unschedulable: true }),
      ],
    });
    expect(checkNotReady(context(inv))).toMatchObject([
      {
        id: 'node-not-ready',
        severity: 'blocker',
        objects: [{ name: 'w1', detail: expect.stringContaining('Kubelet stopped') }],
      },
    ]);
    expect(checkCordoned(context(inv))).toMatchObject([
      { id: 'node-cordoned', severity: 'warning', objects: [{ name: 'w2' }] },
    ]);
    expect(checkCordoned(context(inv))[0]!.message).toContain('stay cordoned');
  });

  it('knows dockershim from cri-dockerd, and containerd 1.x past 1.35', () => {
    const docker = { containerRuntime: 'docker://20.10.7', kubeletVersion: 'v1.23.17' };
    const inv = inventory({
      serverVersion: 'v1.23.17',
      components: staticPods('cp-1', 'v1.23.17'),
      nodes: [
        node('cp-1', { controlPlane: true, kubeletVersion: 'v1.23.17' }),
        node('shim', { ...docker, criSocket: '/var/run/dockershim.sock' }),
        node('cri-dockerd', { ...docker, criSocket: 'unix:///var/run/cri-dockerd.sock' }),
        node('ok', { kubeletVersion: 'v1.23.17' }),
      ],
    });
    expect(checkRuntime(context(inv, { target: 'v1.24.17' }))).toMatchObject([
      { id: 'runtime-unsupported', objects: [{ name: 'shim' }] },
    ]);
    expect(checkRuntime(context(inv, { target: 'v1.23.17' }))).toEqual([]);
    const c1 = inventory({
      serverVersion: 'v1.35.2',
      components: staticPods('cp-1', 'v1.35.2'),
      nodes: [
        node('cp-1', { controlPlane: true, kubeletVersion: 'v1.35.2', containerRuntime: 'containerd://2.1.0' }),
        node('w1', { kubeletVersion: 'v1.35.2' }),
      ],
    });
    expect(checkRuntime(context(c1, { target: 'v1.36.0' }))).toMatchObject([
      { objects: [{ name: 'w1', detail: expect.stringContaining('containerd 1.x') }] },
    ]);
  });
});

describe('control plane', () => {
  const nodes = [node('cp-1', { controlPlane: true }), node('cp-2', { controlPlane: true })];
  it('wants every static pod present and Ready on every control-plane node', () => {
    expect(
      checkControlPlane(context(inventory({ nodes, components: [...staticPods('cp-1'), ...staticPods('cp-2')] }))),
    ).toEqual([]);
    const broken = [...staticPods('cp-1'), ...staticPods('cp-2', 'v1.31.4', false)].filter(
      (c) => !(c.node === 'cp-1' && c.component === 'etcd'),
    );
    const [f] = checkControlPlane(context(inventory({ nodes, components: broken })));
    expect(f?.objects.map((o) => `${o.name}: ${o.detail}`)).toEqual([
      'etcd-cp-1: mirror pod missing',
      'kube-apiserver-cp-2: not Ready (registry.k8s.io/kube-apiserver:v1.31.4)',
      'kube-controller-manager-cp-2: not Ready (registry.k8s.io/kube-controller-manager:v1.31.4)',
      'kube-scheduler-cp-2: not Ready (registry.k8s.io/kube-scheduler:v1.31.4)',
      'etcd-cp-2: not Ready (registry.k8s.io/etcd:3.5.15-0)',
    ]);
  });
  it('accepts external etcd', () => {
    const noEtcd = [...staticPods('cp-1'), ...staticPods('cp-2')].filter((c) => c.component !== 'etcd');
    expect(checkControlPlane(context(inventory({ nodes, components: noEtcd })))).toEqual([]);
  });
});

describe('permissions', () => {
  const client = (deny: (a: AccessCheck) => boolean) =>
    fakeClient<ClusterReads>({ canI: async (a: AccessCheck) => ({ allowed: !deny(a) }) });
  it('lists every missing verb in one finding', async () => {
    expect(await checkPermissions(context(cluster({}), { client: client(() => false) }))).toEqual([]);
    const [f, ...rest] = await checkPermissions(
      context(cluster({}), {
        client: client((a) => a.subresource === 'eviction' || (a.resource === 'leases' && a.verb === 'update')),
      }),
    );
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ id: 'permissions-missing', severity: 'blocker' });
    expect(f?.objects.map((o) => o.name)).toEqual([
      'create pods/eviction',
      'update leases.coordination.k8s.io in kube-system',
    ]);
    expect(f?.remediation).toContain('kubectl auth can-i create pods/eviction');
  });
  it('treats a refused access review as unverifiable, not as a crash', async () => {
    const refusing = fakeClient<ClusterReads>({
      canI: async () => Promise.reject(new ClusterApiError('forbidden', 403, 'Forbidden')),
    });
    const [f] = await checkPermissions(context(cluster({}), { client: refusing }));
    expect(f?.message).toContain('could not confirm');
  });
});

describe('inventory components', () => {
  it('reads versions from mirror pods, the kube-proxy DaemonSet and the CoreDNS Deployment', () => {
    const mirror = (component: string, image: string): PodInfo =>
      pod('kube-system', `${component}-cp-1`, 'cp-1', {
        mirror: true,
        labels: { component, tier: 'control-plane' },
        images: [image],
      });
    const workloads: WorkloadInfo[] = [
      {
        kind: 'DaemonSet',
        namespace: 'kube-system',
        name: 'kube-proxy',
        uid: '1',
        replicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        images: ['registry.k8s.io/kube-proxy:v1.31.4'],
      },
      {
        kind: 'Deployment',
        namespace: 'kube-system',
        name: 'coredns',
        uid: '2',
        replicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        images: ['registry.k8s.io/coredns/coredns:v1.11.3'],
      },
    ];
    const components = findComponents(
      [
        mirror('etcd', 'registry.k8s.io/etcd:3.5.15-0'),
        mirror('kube-apiserver', 'registry.k8s.io/kube-apiserver:v1.31.4@sha256:abc'),
        ...app('kube-system', 'x', ['w1']).pods,
      ],
      workloads,
    );
    expect(components.map((c) => `${c.component} ${c.node ?? '-'} ${c.version}`)).toEqual([
      'kube-apiserver cp-1 v1.31.4',
      'etcd cp-1 3.5.15-0',
      'kube-proxy - v1.31.4',
      'coredns - v1.11.3',
    ]);
  });
});

describe('registry and runPreflight', () => {
  it('has a unique id, a severity and a summary for every check', () => {
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
    for (const c of CHECKS) expect(SEVERITIES).toContain(c.severity);
    expect(isWaivable('capacity-insufficient')).toBe(false);
    expect(isWaivable('node-not-ready')).toBe(true);
    expect(isWaivable('no-such-check')).toBe(false);
  });

  it('only emits registered ids, sorted blockers first', async () => {
    const web = app('shop', 'web', ['w1']);
    const inv = cluster(
      { w1: 'v1.27.1' },
      { pods: [...web.pods, pod('default', 'bare', 'w1')], workloads: web.workloads },
    );
    const client = fakeClient<ClusterReads>({
      canI: async () => ({ allowed: true }),
      rawGet: async () => ({ status: 404, body: '' }),
      listObjectMeta: async () => undefined,
      forEachSecret: async () => undefined,
    });
    const findings = await runPreflight(context(inv, { client }));
    const known = new Set(CHECKS.map((c) => c.id));
    expect(findings.every((f) => known.has(f.id))).toBe(true);
    expect(findings.map((f) => f.severity)).toEqual(
      [...findings.map((f) => f.severity)].sort((a, b) => SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b)),
    );
    expect(findings.map((f) => f.id)).toEqual(
      expect.arrayContaining([
        'skew-violated-now',
        'pod-unmanaged',
        'single-replica-no-pdb',
        'removed-api-source-unavailable',
      ]),
    );
    expect(parseReportedVersion(inv.serverVersion).minor).toBe(31);
  });
});
