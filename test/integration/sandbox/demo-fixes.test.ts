/**
 * The fixes the demo prints are commands that work against the demo's own sandbox: every `kubectl …` command
 * the first plan's findings suggest, and the lines of the demo's remediation step, run as an operator would
 * (a shell, kubectl, the sandbox's kubeconfig) and leave the cluster as the demo's own fix does.
 */
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api, PolicyV1Api, type V1Pod } from '@kubernetes/client-node';
import { SandboxCluster, DEFAULT_OPTIONS } from '../../../src/sandbox/index.js';
import { remediateDemo } from '../../../src/sandbox/index.js';
import { buildCluster } from '../../../src/sandbox/workloads/index.js';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { kubectlAvailable } from '../../helpers/kubectl.js';
import { writePlan } from '../upgrade/apply-helpers.js';

const hasKubectl = kubectlAvailable();
const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

async function demoSandbox(): Promise<TestSandbox> {
  const t = await startTestSandbox({ version: 'v1.31.4' });
  const core = t.kc.makeApiClient(CoreV1Api);
  await waitFor(async () => {
    const pods = (await core.listPodForAllNamespaces()).items;
    return pods.length > 20 && pods.every(ready);
  }, 'all demo pods Ready');
  return t;
}

/** Runs one printed command line in a shell, as an operator pasting it would. */
function shell(t: TestSandbox, line: string) {
  const home = t.dir;
  return execa('sh', ['-c', line], {
    env: { KUBECONFIG: t.kubeconfigPath, KUBECACHEDIR: `${home}/kcache`, HOME: home, PATH: process.env.PATH },
    reject: false,
    timeout: 120_000,
  });
}

describe.skipIf(!hasKubectl)('the demo’s printed fixes', () => {
  let t: TestSandbox | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('every kubectl command in the first plan’s findings runs against the demo sandbox', async () => {
    t = await demoSandbox();
    const { plan } = await writePlan(t, { workers: ['pool=blue', 'pool=green'] });
    const commands = [
      ...new Set(plan.findings.flatMap((f) => [...f.remediation.matchAll(/`(kubectl [^`]+)`/g)].map((m) => m[1]!))),
    ].filter((c) => !/[<>]/.test(c));
    // What the demo's traps call for: a lone replica, a budget that never allows an eviction, a bare pod.
    expect(commands.some((c) => c.startsWith('kubectl scale '))).toBe(true);
    expect(commands.some((c) => c.startsWith('kubectl create pdb '))).toBe(true);
    expect(commands.some((c) => c.startsWith('kubectl delete pod '))).toBe(true);
    for (const c of commands) {
      const r = await shell(t, c);
      expect(r.exitCode, `${c}\n${r.stderr}`).toBe(0);
    }
  });

  it('the remediation step’s lines do what the demo does', async () => {
    // The lines the demo prints, from a cluster of its own (remediateDemo changes the cluster it is given).
    const offline = new SandboxCluster({ ...DEFAULT_OPTIONS, version: 'v1.31.4' });
    buildCluster(offline);
    const lines = remediateDemo(offline);
    offline.clock.stop();
    expect(lines.length).toBeGreaterThanOrEqual(4);

    t = await demoSandbox();
    for (const line of lines) {
      const r = await shell(t, line);
      expect(r.exitCode, `${line}\n${r.stderr}`).toBe(0);
    }
    const apps = t.kc.makeApiClient(AppsV1Api);
    for (const [name, replicas] of [
      ['ledger', 3],
      ['fraud-check', 2],
    ] as const) {
      const want = offline.store.get('apps/deployments', 'payments', name)!.spec.replicas;
      expect(want).toBe(replicas);
      await waitFor(
        async () =>
          (await apps.readNamespacedDeployment({ name, namespace: 'payments' })).status?.readyReplicas === want,
        `${name} at ${want}`,
      );
    }
    const budget = await t.kc
      .makeApiClient(PolicyV1Api)
      .readNamespacedPodDisruptionBudget({ name: 'fraud-check', namespace: 'payments' });
    expect(budget.spec).toMatchObject(
      offline.store.get('policy/poddisruptionbudgets', 'payments', 'fraud-check')!.spec,
    );
    const bare = (await t.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'default' })).items.map(
      (p) => p.metadata?.name,
    );
    expect(bare).not.toContain('debug-toolbox');
  });
});
