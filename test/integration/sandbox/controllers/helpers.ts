/**
 * Test helpers for the sandbox controllers: a small cluster on a fast clock (time scale 0.02), controllers
 * whose errors are collected instead of printed, `waitFor` polling, and store shortcuts. No HTTP.
 */
import { SandboxCluster, type SandboxOptions } from '../../../../src/sandbox/cluster.js';
import { startControllers, type Controllers } from '../../../../src/sandbox/controllers/index.js';
import { buildCluster } from '../../../../src/sandbox/workloads/index.js';
import type { KObject } from '../../../../src/sandbox/store/types.js';

export const SCALE = 0.02;

/** Polls `cond` every 10 ms until it returns a truthy value; fails with `what` after `timeoutMs` real ms. */
export async function waitFor<T>(
  cond: () => T | undefined | null | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface TestCluster {
  cluster: SandboxCluster;
  controllers: Controllers;
  errors: string[];
  stop(): void;
}

/** A built cluster with running controllers. Defaults: 1 control plane, pool `w` of 3, no workload. */
export function startCluster(opts: Partial<SandboxOptions> = {}): TestCluster {
  const cluster = new SandboxCluster({
    version: 'v1.31.4',
    controlPlanes: 1,
    pools: [{ name: 'w', count: 3 }],
    workload: { kind: 'none' },
    seed: 7,
    timeScale: SCALE,
    ...opts,
  });
  buildCluster(cluster);
  const errors: string[] = [];
  const controllers = startControllers(cluster, {
    onError: (c, k, e) => errors.push(`${c} ${k}: ${e instanceof Error ? e.stack : String(e)}`),
  });
  return {
    cluster,
    controllers,
    errors,
    stop() {
      controllers.stop();
      cluster.clock.stop();
    },
  };
}

export const pods = (c: SandboxCluster, ns?: string): KObject[] => c.store.list('pods', ns);
export const ready = (p: KObject): boolean =>
  (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
export const owned = (c: SandboxCluster, uid: string): KObject[] => c.store.byIndex('pods', 'owner', uid);

/** Sets spec.unschedulable like `kubectl cordon` (through the store; the API layer does the same). */
export function cordon(c: SandboxCluster, node: string, on = true): void {
  c.store.mutate('nodes', undefined, node, (d) => {
    if (on) d.spec.unschedulable = true;
    else delete d.spec.unschedulable;
  });
}

/** Graceful delete with the pod's grace period, as a client DELETE does. */
export function deletePodGracefully(c: SandboxCluster, p: KObject, graceSeconds = 30): void {
  c.store.mutate('pods', p.metadata.namespace, p.metadata.name, (d) => {
    d.metadata.deletionTimestamp = new Date(Date.now() + graceSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    d.metadata.deletionGracePeriodSeconds = graceSeconds;
  });
}

export function allReady(c: SandboxCluster): boolean {
  const all = pods(c);
  return all.length > 0 && all.every((p) => p.status?.phase === 'Running' && ready(p));
}
