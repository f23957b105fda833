/** The cluster part of the health gate, evaluated over a hand-filled cache. */
import { describe, expect, it } from 'vitest';
import { evaluateHealth } from '../../../src/checks/index.js';
import { node, pdb } from './fixtures.js';
import { healthyCache, mirrorPod, ref, workload } from './health-gates-fixtures.js';

const none = new Set<string>();

describe('evaluateHealth', () => {
  it('passes on a healthy cluster', () => {
    const { cache, webRs } = healthyCache();
    expect(evaluateHealth(cache, { inFlight: none, touched: [ref(webRs)] })).toEqual({ healthy: true, failing: [] });
  });

  it('names NotReady nodes, except the ones in flight', () => {
    const { cache } = healthyCache();
    cache.nodes.set(node('blue-2', { ready: false }));
    expect(evaluateHealth(cache, { inFlight: none, touched: [] })).toEqual({
      healthy: false,
      failing: ['node blue-2 NotReady'],
    });
    expect(evaluateHealth(cache, { inFlight: new Set(['blue-2']), touched: [] }).healthy).toBe(true);
  });

  it('needs every control-plane mirror pod Ready on each control-plane node, once seen', () => {
    const { cache } = healthyCache();
    cache.systemPods.set(mirrorPod('etcd', 'cp-1', false));
    expect(evaluateHealth(cache, { inFlight: none, touched: [] }).failing).toEqual([
      'pod kube-system/etcd-cp-1 not Ready',
    ]);
    // A mirror pod being re-created (deleted, not yet back) still counts as missing.
    cache.systemPods.delete('kube-system/kube-apiserver-cp-1');
    expect(evaluateHealth(cache, { inFlight: none, touched: [] }).failing).toEqual([
      'kube-apiserver on cp-1: no mirror pod',
      'pod kube-system/etcd-cp-1 not Ready',
    ]);
    // A second control-plane node whose pods have not appeared yet.
    cache.nodes.set(node('cp-2', { controlPlane: true }));
    expect(evaluateHealth(cache, { inFlight: none, touched: [] }).failing).toHaveLength(6);
    expect(evaluateHealth(cache, { inFlight: new Set(['cp-2']), touched: [] }).failing).toHaveLength(2);
  });

  it('checks the Deployment behind a drained ReplicaSet, StatefulSets by ready replicas, and skips gone workloads', () => {
    const { cache, web, webRs } = healthyCache();
    cache.workloads.Deployment.set({ ...web, availableReplicas: 2 });
    const db = workload({ kind: 'StatefulSet', namespace: 'shop', name: 'db', readyReplicas: 1, availableReplicas: 3 });
    cache.workloads.StatefulSet.set(db);
    const gone = { kind: 'ReplicaSet', name: 'old', uid: 'no-such-uid', apiVersion: 'apps/v1' };
    expect(evaluateHealth(cache, { inFlight: none, touched: [ref(webRs), ref(webRs), ref(db), gone] }).failing).toEqual(
      ['deployment shop/web: 2/3 available', 'statefulset shop/db: 1/3 ready'],
    );
    // Workloads nobody drained do not count.
    expect(evaluateHealth(cache, { inFlight: none, touched: [] }).healthy).toBe(true);
    cache.workloads.Deployment.set({ ...web, current: false });
    expect(evaluateHealth(cache, { inFlight: none, touched: [ref(webRs)] }).failing).toEqual([
      'deployment shop/web: status not yet updated for its latest spec',
    ]);
  });

  it('needs every budget selecting the drained pods healthy and current', () => {
    const { cache, webRs } = healthyCache();
    cache.pdbs.set(pdb('shop', 'web', { app: 'web' }, { currentHealthy: 1, desiredHealthy: 2 }));
    cache.pdbs.set(pdb('shop', 'other', { app: 'other' }, { currentHealthy: 0, desiredHealthy: 2 }));
    cache.pdbs.set(pdb('elsewhere', 'web', { app: 'web' }, { currentHealthy: 0, desiredHealthy: 2 }));
    expect(evaluateHealth(cache, { inFlight: none, touched: [ref(webRs)] }).failing).toEqual([
      'pdb shop/web: 1/2 healthy',
    ]);
    cache.pdbs.set(pdb('shop', 'web', { app: 'web' }, { currentHealthy: 3, desiredHealthy: 2, current: false }));
    expect(evaluateHealth(cache, { inFlight: none, touched: [ref(webRs)] }).failing).toEqual([
      'pdb shop/web: status not yet updated by the disruption controller',
    ]);
  });

  it('fails while a cache is behind the cluster, and a wait hears when it catches up', async () => {
    const { cache } = healthyCache();
    cache.nodes.markStale('watch failed: HTTP 503');
    expect(evaluateHealth(cache, { inFlight: none, touched: [] }).failing).toEqual([
      'cluster cache of nodes: watch failed: HTTP 503',
    ]);
    const healthy = cache.waitFor(() => evaluateHealth(cache, { inFlight: none, touched: [] }).healthy, {
      timeoutMs: 1_000,
      what: 'healthy',
    });
    cache.nodes.markStale(undefined);
    await expect(healthy).resolves.toBe(true);
  });
});
