/**
 * The `scale` workload builds a running cluster directly (pods bound and Ready, statuses filled in) and the
 * controllers adopt it without rewriting anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../../../src/sandbox/cluster.js';
import { startControllers, type Controllers } from '../../../../src/sandbox/controllers/index.js';
import { controllerOf } from '../../../../src/sandbox/store/types.js';
import { buildCluster } from '../../../../src/sandbox/workloads/index.js';
import { ready, SCALE } from './helpers.js';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('scale workload', () => {
  it('builds 200 nodes with ~20 pods per worker, all running, and the controllers leave it alone', async () => {
    const cluster = new SandboxCluster({
      version: 'v1.31.4',
      controlPlanes: 3,
      pools: [
        { name: 'blue', count: 1 },
        { name: 'green', count: 1 },
      ],
      workload: { kind: 'scale', nodes: 200, podsPerNode: 20 },
      seed: 3,
      timeScale: SCALE,
    });
    buildCluster(cluster);
    const s = cluster.store;
    expect(s.count('nodes')).toBe(200);
    expect(cluster.machines.size).toBe(200);
    expect(s.list('nodes').filter((n) => n.metadata.labels?.pool === 'blue')).toHaveLength(99);
    expect(s.list('nodes').filter((n) => n.metadata.labels?.pool === 'green')).toHaveLength(98);
    const addresses = new Set(s.list('nodes').map((n) => n.status.addresses[0].address));
    expect(addresses.size).toBe(200);

    const pods = s.list('pods');
    const appPods = pods.filter((p) => p.metadata.namespace!.startsWith('team-'));
    expect(appPods).toHaveLength(197 * 20);
    expect(pods.filter((p) => p.metadata.name.startsWith('kube-proxy-'))).toHaveLength(200);
    expect(pods.every((p) => p.spec.nodeName && p.status.phase === 'Running' && ready(p))).toBe(true);
    const perNode = new Map<string, number>();
    for (const p of appPods) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    expect(Math.max(...perNode.values())).toBe(20);
    expect(new Set(pods.map((p) => p.status.podIP)).size).toBeGreaterThan(appPods.length);

    const d = s.list('apps/deployments', 'team-01')[0];
    const rs = s.byIndex('apps/replicasets', 'owner', d.metadata.uid)[0];
    expect(rs.metadata.name).toBe(`${d.metadata.name}-${rs.metadata.labels!['pod-template-hash']}`);
    expect(s.byIndex('pods', 'owner', rs.metadata.uid).every((p) => controllerOf(p)?.uid === rs.metadata.uid)).toBe(
      true,
    );
    expect(d.status).toMatchObject({
      replicas: d.spec.replicas,
      availableReplicas: d.spec.replicas,
      observedGeneration: 1,
    });
    const pdbs = s.list('policy/poddisruptionbudgets');
    expect(pdbs.length).toBeGreaterThan(50);
    expect(pdbs.every((p) => p.status.expectedPods > 0 && p.status.disruptionsAllowed >= 1)).toBe(true);

    const writes: string[] = [];
    s.subscribe((ev) => {
      if (ev.resource !== 'coordination.k8s.io/leases')
        writes.push(`${ev.type} ${ev.resource} ${ev.object.metadata.name}`);
    });
    const errors: string[] = [];
    const controllers: Controllers = startControllers(cluster, {
      onError: (c, k, e) => errors.push(`${c} ${k}: ${String(e)}`),
    });
    stop = () => {
      controllers.stop();
      cluster.clock.stop();
    };
    await new Promise((r) => setTimeout(r, 500));
    expect(writes).toEqual([]);
    expect(errors).toEqual([]);
  });
});
