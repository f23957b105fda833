/** A small sandbox per drain scenario (no demo workload), pods pinned to nodes, and the sandbox's request counters. */
import type { V1PodSpec } from '@kubernetes/client-node';
import type { PodInfo } from '../../../src/cluster/index.js';
import {
  cordonNode,
  drainNode,
  type DrainEvent,
  type DrainOptions,
  type DrainResult,
} from '../../../src/drain/index.js';
import { raw, waitFor } from '../../helpers/sandbox.js';
import { settled, startEnv, type Env } from '../checks/helpers.js';
import type { StartOptions } from '../../../src/sandbox/index.js';

export { settled, type Env };

export async function startDrainEnv(o: Partial<StartOptions> = {}): Promise<Env> {
  return startEnv({
    version: 'v1.31.4',
    controlPlanes: 1,
    pools: [{ name: 'blue', count: 3 }],
    workload: { kind: 'none' },
    ...o,
  });
}

export const OPTS: DrainOptions = {
  timeoutMs: 15_000,
  deleteEmptyDirData: false,
  forceUnmanaged: false,
  retryDelayMs: 100,
};

export async function podsOn(env: Env, node: string): Promise<PodInfo[]> {
  return (await env.client.listPodsOnNode(node)).pods;
}

const spec = (name: string, node?: string, emptyDir = false): V1PodSpec => ({
  containers: [
    { name, image: `registry.example.com/${name}:1.0`, resources: { requests: { cpu: '50m', memory: '32Mi' } } },
  ],
  terminationGracePeriodSeconds: 30,
  ...(node ? { nodeSelector: { 'kubernetes.io/hostname': node } } : {}),
  ...(emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
});

/** A Deployment whose pods all land on `node` (a nodeSelector), so a drain of `node` evicts all of them. */
export async function deploymentOn(
  env: Env,
  ns: string,
  name: string,
  replicas: number,
  node?: string,
  emptyDir = false,
): Promise<void> {
  await env.apps.createNamespacedDeployment({
    namespace: ns,
    body: {
      metadata: { name },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: spec(name, node, emptyDir) },
      },
    },
  });
}

export async function barePodOn(env: Env, ns: string, name: string, node: string): Promise<void> {
  await env.core.createNamespacedPod({
    namespace: ns,
    body: { metadata: { name, labels: { app: name } }, spec: { ...spec(name), nodeName: node } },
  });
}

export async function pdb(
  env: Env,
  ns: string,
  name: string,
  app: string,
  budget: { minAvailable: number } | { maxUnavailable: number },
): Promise<void> {
  await env.policy.createNamespacedPodDisruptionBudget({
    namespace: ns,
    body: { metadata: { name }, spec: { ...budget, selector: { matchLabels: { app } } } },
  });
}

export async function namespace(env: Env, name: string): Promise<void> {
  await env.core.createNamespace({ body: { metadata: { name } } });
}

/** Cordons and drains, collecting the events. */
export async function drain(
  env: Env,
  node: string,
  opts: Partial<DrainOptions> = {},
): Promise<{ result?: DrainResult; error?: unknown; events: DrainEvent[] }> {
  const events: DrainEvent[] = [];
  await cordonNode(env.client, node);
  try {
    const result = await drainNode(env.client, node, { ...OPTS, ...opts }, (e) => events.push(e));
    return { result, events };
  } catch (error) {
    return { error, events };
  }
}

export type Stats = Map<string, number>;

/** The sandbox's request counters (`verb resource` → count). */
export async function stats(env: Env): Promise<Stats> {
  const r = await raw(env.t, '/sandbox/v1/stats');
  const body = JSON.parse(r.text) as { requests: { verb: string; resource: string; count: number }[] };
  return new Map(body.requests.map((x) => [`${x.verb} ${x.resource}`, x.count]));
}

export async function resetStats(env: Env): Promise<void> {
  await raw(env.t, '/sandbox/v1/stats', { method: 'DELETE' });
}

export async function fault(env: Env, spec: Record<string, unknown>): Promise<void> {
  const r = await raw(env.t, '/sandbox/v1/faults', { method: 'POST', body: spec });
  if (r.status !== 201) throw new Error(`fault: ${r.status} ${r.text}`);
}

export { waitFor };
