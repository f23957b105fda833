/**
 * The real kubectl against the sandbox: version, get (Table output, -o wide, -A), cordon/uncordon, and drain
 * through the Eviction API — evictable pods come back on other nodes; a PDB-blocked pod makes drain time out
 * with kubectl's own messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, PolicyV1Api, type V1Pod } from '@kubernetes/client-node';
import { startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';
import { kubectlAvailable, kubectlRunner } from '../../helpers/kubectl.js';

const hasKubectl = kubectlAvailable();
const ready = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe.skipIf(!hasKubectl)('sandbox ↔ kubectl', () => {
  let t: TestSandbox;
  let kubectl: ReturnType<typeof kubectlRunner>;
  let core: CoreV1Api;

  beforeAll(async () => {
    // The dispatcher picks its binary from the server's minor: 1.32 runs its own build.
    t = await startTestSandbox({ version: 'v1.32.4' });
    kubectl = kubectlRunner(t.kubeconfigPath);
    core = t.kc.makeApiClient(CoreV1Api);
    await waitFor(async () => (await core.listPodForAllNamespaces()).items.every((p) => ready(p)), 'all pods Ready');
  });
  afterAll(() => t?.stop());

  it('kubectl version shows the server version', async () => {
    const r = await kubectl('version');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Server Version: v1.32.4');
  });

  it('kubectl get nodes -o wide prints the server-side table', async () => {
    const r = await kubectl('get', 'nodes', '-o', 'wide');
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/,
    );
    expect(lines).toHaveLength(10);
    expect(r.stdout).toMatch(/cp-1\s+Ready\s+control-plane\s+\S+\s+v1\.32\.4\s+10\.\d+\.\d+\.\d+/);
    expect(r.stdout).toMatch(/blue-1\s+Ready\s+<none>\s+\S+\s+v1\.32\.4/);
  });

  it('kubectl get pods -A and get pdb -A fill every column', async () => {
    const pods = await kubectl('get', 'pods', '-A');
    expect(pods.exitCode, pods.stderr).toBe(0);
    expect(pods.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(pods.stdout).toMatch(/kube-system\s+kube-apiserver-cp-1\s+1\/1\s+Running/);
    const pdb = await kubectl('get', 'pdb', '-A');
    expect(pdb.exitCode, pdb.stderr).toBe(0);
    expect(pdb.stdout.split('\n')[0]).toMatch(
      /^NAMESPACE\s+NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE/,
    );
    expect(pdb.stdout).toMatch(/kube-system\s+coredns\s+N\/A\s+1\s+1/);
  });

  it('kubectl cordon / uncordon', async () => {
    expect((await kubectl('cordon', 'green-2')).stdout).toBe('node/green-2 cordoned');
    expect((await kubectl('cordon', 'green-2')).stdout).toBe('node/green-2 already cordoned');
    expect((await kubectl('get', 'node', 'green-2')).stdout).toMatch(/Ready,SchedulingDisabled/);
    expect((await kubectl('uncordon', 'green-2')).stdout).toBe('node/green-2 uncordoned');
    expect((await core.readNode({ name: 'green-2' })).spec?.unschedulable).toBeFalsy();
  });

  it('kubectl drain evicts, evicted pods come back on other nodes, and a PDB-blocked pod times the drain out', async () => {
    const pods = (await core.listPodForAllNamespaces()).items;
    const pdbs = (await t.kc.makeApiClient(PolicyV1Api).listPodDisruptionBudgetForAllNamespaces()).items;
    const never = pdbs.find((p) => p.status?.disruptionsAllowed === 0 && (p.status?.expectedPods ?? 0) > 0)!;
    const guarded = (p: V1Pod) =>
      p.metadata?.namespace === never.metadata?.namespace &&
      Object.entries(never.spec!.selector!.matchLabels!).every(([k, v]) => p.metadata?.labels?.[k] === v);
    const bare = (p: V1Pod) => !p.metadata?.ownerReferences?.length;
    const workers = (await core.listNode({ labelSelector: '!node-role.kubernetes.io/control-plane' })).items.map(
      (n) => n.metadata!.name!,
    );
    const onNode = (n: string) => pods.filter((p) => p.spec?.nodeName === n);
    const free = workers.find(
      (n) =>
        onNode(n).some((p) => p.metadata?.ownerReferences?.[0]?.kind === 'ReplicaSet') &&
        !onNode(n).some((p) => guarded(p) || bare(p)),
    )!;
    const blocked = workers.find((n) => onNode(n).some(guarded) && !onNode(n).some(bare))!;
    expect(free).toBeTruthy();
    expect(blocked).toBeTruthy();

    const evictable = onNode(free).filter((p) => p.metadata?.ownerReferences?.[0]?.kind !== 'DaemonSet');
    const r = await kubectl('drain', free, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`node/${free} cordoned`);
    for (const p of evictable) expect(r.stdout).toContain(`pod/${p.metadata!.name} evicted`);
    expect(r.stdout).toContain(`node/${free} drained`);
    expect(r.stderr).toMatch(/Warning: ignoring DaemonSet-managed Pods: /);
    await waitFor(async () => {
      const now = (await core.listPodForAllNamespaces()).items.filter(
        (p) =>
          p.metadata?.ownerReferences?.[0]?.kind === 'ReplicaSet' ||
          p.metadata?.ownerReferences?.[0]?.kind === 'StatefulSet',
      );
      return (
        now.every((p) => ready(p) && p.spec?.nodeName !== free) &&
        now.length >=
          pods.filter((p) => ['ReplicaSet', 'StatefulSet'].includes(p.metadata?.ownerReferences?.[0]?.kind ?? ''))
            .length
      );
    }, 'replacement pods Ready on other nodes');
    await kubectl('uncordon', free);

    const g = onNode(blocked).find(guarded)!;
    const b = await kubectl('drain', blocked, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=7s');
    expect(b.exitCode).toBe(1);
    expect(b.stderr).toContain(
      `error when evicting pods/"${g.metadata!.name}" -n "${g.metadata!.namespace}" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`,
    );
    expect(b.stderr).toContain('global timeout reached: 7s');
    expect(
      (await core.readNamespacedPod({ name: g.metadata!.name!, namespace: g.metadata!.namespace! })).metadata
        ?.deletionTimestamp,
    ).toBeUndefined();
    await kubectl('uncordon', blocked);
  });
});
