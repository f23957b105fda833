/**
 * The availability monitor against a sandbox: a 3-replica Deployment with a minAvailable-2 PDB spread over the
 * `blue` pool. A naive drain of the pool (cordon, then delete every pod at once, no eviction) must show
 * violations — so that a zero means something — while a careful drain (Eviction API, one pod at a time, waiting
 * for the replacement to be Ready) and an idle cluster show none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  PolicyV1Api,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import {
  matchesSelector,
  pdbMinimum,
  startAvailabilityMonitor,
  type AvailabilityReport,
} from '../../helpers/availability-monitor.js';

const NS = 'avail';
const SCALE = 0.05;
let t: TestSandbox;
let core: CoreV1Api;
let apps: AppsV1Api;

const isReady = (p: V1Pod) =>
  !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const isDaemon = (p: V1Pod) =>
  p.metadata?.ownerReferences?.some((o) => o.controller && o.kind === 'DaemonSet') === true;
const isMirror = (p: V1Pod) => p.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined;
const poolNodes = async (pool: string) =>
  (await core.listNode({ labelSelector: `pool=${pool}` })).items.map((n) => n.metadata!.name!);
const podsOn = async (node: string) =>
  (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;

async function setCordon(nodes: string[], unschedulable: boolean): Promise<void> {
  for (const name of nodes) {
    await core.patchNode(
      { name, body: { spec: { unschedulable: unschedulable ? true : null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
}

/** Every Deployment in the namespace (and CoreDNS) has all its replicas Ready and nothing terminating. */
async function allAvailable(): Promise<boolean> {
  for (const ns of [NS, 'kube-system']) {
    const pods = (await core.listNamespacedPod({ namespace: ns })).items.filter((p) => !isDaemon(p) && !isMirror(p));
    if (pods.some((p) => !isReady(p))) return false;
    for (const d of (await apps.listNamespacedDeployment({ namespace: ns })).items) {
      const ready = pods.filter((p) => matchesSelector(d.spec?.selector, p.metadata?.labels ?? {})).length;
      if (ready < (d.spec?.replicas ?? 1)) return false;
    }
  }
  return true;
}

/** The 3-replica web Deployment on the blue pool: green cordoned while it is placed, then uncordoned. */
async function placeWorkload(): Promise<void> {
  const green = await poolNodes('green');
  await setCordon(green, true);
  const labels = { app: 'web' };
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'registry.example.com/web:1.0',
                resources: { requests: { cpu: '100m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    },
  });
  await t.kc.makeApiClient(PolicyV1Api).createNamespacedPodDisruptionBudget({
    namespace: NS,
    body: { metadata: { name: 'web', namespace: NS }, spec: { minAvailable: 2, selector: { matchLabels: labels } } },
  });
  await waitFor(
    async () => (await core.listNamespacedPod({ namespace: NS })).items.filter(isReady).length === 3,
    'web Ready on blue',
  );
  const nodes = new Set((await core.listNamespacedPod({ namespace: NS })).items.map((p) => p.spec!.nodeName));
  expect(nodes.size).toBe(3); // spread: one pod per blue node
  await setCordon(green, false);
  await waitFor(allAvailable, 'everything available');
}

/** Evicts one pod through the Eviction API, retrying while its PDB answers 429. */
async function evict(p: V1Pod): Promise<void> {
  const name = p.metadata!.name!;
  const namespace = p.metadata!.namespace!;
  await waitFor(async () => {
    try {
      await core.createNamespacedPodEviction({
        name,
        namespace,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
      });
      return true;
    } catch (e) {
      if (e instanceof ApiException && (e.code === 429 || e.code === 404)) return e.code === 404;
      throw e;
    }
  }, `eviction of ${namespace}/${name}`);
}

/** cordon, then evict the pool's pods one at a time, waiting for each to be gone and its replacement Ready. */
async function carefulDrain(nodes: string[]): Promise<void> {
  await setCordon(nodes, true);
  for (const node of nodes) {
    for (const p of (await podsOn(node)).filter((x) => !isDaemon(x) && !isMirror(x))) {
      await evict(p);
      await waitFor(
        async () => !(await podsOn(node)).some((x) => x.metadata!.uid === p.metadata!.uid),
        `${p.metadata!.name} gone`,
      );
      await waitFor(allAvailable, 'replacements Ready');
    }
  }
}

/** What a naive `kubectl drain --disable-eviction` of a whole pool at once does: delete everything, no eviction. */
async function naiveDrain(nodes: string[]): Promise<void> {
  await setCordon(nodes, true);
  const victims = (await Promise.all(nodes.map(podsOn))).flat().filter((x) => !isDaemon(x) && !isMirror(x));
  await Promise.all(
    victims.map((p) => core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: p.metadata!.namespace! })),
  );
  await waitFor(
    async () => (await Promise.all(nodes.map(podsOn))).flat().filter((x) => !isDaemon(x) && !isMirror(x)).length === 0,
    'pool emptied',
  );
  await waitFor(allAvailable, 'replacements Ready');
}

beforeAll(async () => {
  t = await startTestSandbox({
    timeScale: SCALE,
    controlPlanes: 1,
    pools: [
      { name: 'blue', count: 3 },
      { name: 'green', count: 3 },
    ],
    workload: { kind: 'none' },
  });
  core = t.kc.makeApiClient(CoreV1Api);
  apps = t.kc.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
});
afterAll(async () => {
  await t?.stop();
});

describe('availability monitor', () => {
  let blue: string[];

  it('sees nothing on an idle cluster', async () => {
    await placeWorkload();
    blue = await poolNodes('blue');
    const monitor = await startAvailabilityMonitor(t.kc, { intervalMs: 50, timeScale: SCALE });
    await new Promise((r) => setTimeout(r, 500));
    const report = await monitor.stop();
    expect(report.violations, report.format()).toEqual([]);
    expect(report.preexisting, report.format()).toEqual([]);
    expect(report.samples).toBeGreaterThan(3);
    expect(report).toMatchObject({ pdbSecondsBelow: 0, podsLost: 0, errors: [] });
  });

  it('sees nothing during a careful drain (Eviction API, one pod at a time)', async () => {
    const monitor = await startAvailabilityMonitor(t.kc, { timeScale: SCALE });
    await carefulDrain(blue);
    const report = await monitor.stop();
    expect(report.violations, report.format()).toEqual([]);
    expect(report).toMatchObject({ pdbSecondsBelow: 0, podsLost: 0, errors: [] });
    // The drain did happen: web now runs on green only.
    const webNodes = (await core.listNamespacedPod({ namespace: NS })).items.map((p) => p.spec!.nodeName);
    expect(webNodes.every((n) => !blue.includes(n!))).toBe(true);
  });

  it('sees the PDB breach, the unavailable workload and the lost pods of a naive drain', async () => {
    // Move web back onto blue, then drain it naively.
    const green = await poolNodes('green');
    await setCordon(blue, false);
    await carefulDrain(green);
    await setCordon(green, false);
    const before = (await core.listNamespacedPod({ namespace: NS })).items.map((p) => p.metadata!.name!).sort();

    // Slow replacements (0.5 s real) so that every deletion lands before the first replacement is Ready, even
    // on a loaded machine.
    const timings = t.sandbox.cluster.timings;
    const startup = timings.podStartupMs;
    timings.podStartupMs = 10_000;
    const monitor = await startAvailabilityMonitor(t.kc, { timeScale: SCALE });
    try {
      await naiveDrain(blue);
    } finally {
      timings.podStartupMs = startup;
    }
    const report: AvailabilityReport = await monitor.stop();

    const byKind = (k: string) => report.violations.filter((v) => v.kind === k);
    const webBelow = byKind('pdb-below-minimum').filter((v) => v.namespace === NS);
    expect(webBelow, report.format()).toContainEqual(
      expect.objectContaining({ namespace: NS, name: 'web', minimum: 2, lowest: 0, ended: true }),
    );
    for (const v of webBelow) expect(v).toMatchObject({ name: 'web', minimum: 2 });
    expect(report.pdbSecondsBelow).toBeGreaterThan(0);
    expect(byKind('workload-unavailable'), report.format()).toContainEqual(
      expect.objectContaining({ workloadKind: 'Deployment', namespace: NS, name: 'web', desired: 3 }),
    );
    const lostWeb = byKind('pod-lost').filter((v) => v.namespace === NS);
    expect(lostWeb.map((v) => v.name).sort()).toEqual(before);
    for (const v of lostWeb)
      expect(v).toMatchObject({
        reason: 'deleted-without-eviction',
        owner: expect.stringMatching(/^ReplicaSet\/web-/),
      });
    expect(report.podsLost).toBe(byKind('pod-lost').length);
    expect(report.format()).toContain('pdb-below-minimum avail/web: down to 0 ready, minimum 2');
    expect(report.format()).toContain('deleted without the Eviction API');
  });

  it('does not count a controller scale-down as a loss, but counts an unmanaged pod that is evicted', async () => {
    const green = await poolNodes('green');
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'bare', namespace: NS, labels: { app: 'bare' } },
        spec: { nodeName: green[0], containers: [{ name: 'c', image: 'registry.example.com/bare:1' }] },
      },
    });
    await waitFor(async () => isReady(await core.readNamespacedPod({ name: 'bare', namespace: NS })), 'bare pod Ready');
    const monitor = await startAvailabilityMonitor(t.kc, { timeScale: SCALE });
    await apps.patchNamespacedDeployment(
      { name: 'web', namespace: NS, body: { spec: { replicas: 2 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(
      async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items.length === 2,
      'web scaled to 2',
    );
    await evict(await core.readNamespacedPod({ name: 'bare', namespace: NS }));
    await waitFor(
      async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=bare' })).items.length === 0,
      'bare pod gone',
    );
    const report = await monitor.stop();
    expect(report.violations, report.format()).toEqual([
      expect.objectContaining({
        kind: 'pod-lost',
        namespace: NS,
        name: 'bare',
        reason: 'unmanaged-pod-gone',
        node: green[0],
      }),
    ]);
    expect(report.podsLost).toBe(1);
  });
});

describe('PDB minimum and selectors, as the disruption controller computes them', () => {
  it.each([
    [{ minAvailable: 2 }, 3, 2],
    [{ minAvailable: '60%' }, 5, 3],
    [{ minAvailable: '50%' }, 3, 2],
    [{ maxUnavailable: 1 }, 3, 2],
    [{ maxUnavailable: '25%' }, 3, 2],
    [{ maxUnavailable: '50%' }, 3, 1],
    [{ maxUnavailable: 5 }, 3, 0],
    [{}, 3, 0],
  ])('%j over %i expected pods → %i', (spec, expected, minimum) => {
    expect(pdbMinimum(spec, expected)).toBe(minimum);
  });

  it('matches label selectors with policy/v1 semantics', () => {
    expect(matchesSelector(undefined, { a: '1' })).toBe(false);
    expect(matchesSelector({}, { a: '1' })).toBe(true);
    expect(
      matchesSelector(
        { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'NotIn', values: ['x'] }] },
        { a: '1', b: 'y' },
      ),
    ).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'b', operator: 'In', values: ['x'] }] }, { a: '1' })).toBe(
      false,
    );
    expect(matchesSelector({ matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, { a: '1' })).toBe(true);
  });
});

describe('availability monitor on the demo workload', () => {
  it('sees no violation while the demo shop is idle', async () => {
    const demo = await startTestSandbox({ timeScale: SCALE });
    try {
      await waitFor(async () => {
        const pods = (await demo.kc.makeApiClient(CoreV1Api).listPodForAllNamespaces()).items;
        return pods.length > 0 && pods.filter((p) => p.spec?.nodeName).every((p) => p.status?.phase === 'Running');
      }, 'demo pods running');
      const monitor = await startAvailabilityMonitor(demo.kc, { timeScale: SCALE });
      await new Promise((r) => setTimeout(r, 500));
      const report = await monitor.stop();
      expect(report.violations, report.format()).toEqual([]);
      expect(report.errors).toEqual([]);
    } finally {
      await demo.stop();
    }
  });
});
