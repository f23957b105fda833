/** Creating workloads in a sandbox through client-node, as a user would with kubectl apply. */
import type { V1Deployment, V1PodDisruptionBudget, V1PodSpec } from '@kubernetes/client-node';
import type { Env } from './helpers.js';

export interface AppSpec {
  replicas: number;
  cpu?: string;
  memory?: string;
  emptyDir?: boolean;
  nodeSelector?: Record<string, string>;
}

const podSpec = (name: string, o: Omit<AppSpec, 'replicas'>): V1PodSpec => ({
  containers: [
    {
      name,
      image: `registry.example.com/${name}:1.0`,
      resources: { requests: { cpu: o.cpu ?? '100m', memory: o.memory ?? '64Mi' } },
      ...(o.emptyDir ? { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] } : {}),
    },
  ],
  ...(o.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
  ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
});

export async function ensureNamespace(env: Env, name: string): Promise<void> {
  await env.core.createNamespace({ body: { metadata: { name } } }).catch((e: { code?: number }) => {
    if (e.code !== 409) throw e;
  });
}

export async function createApp(env: Env, namespace: string, name: string, spec: AppSpec): Promise<V1Deployment> {
  return env.apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels: { app: name } },
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: podSpec(name, spec) },
      },
    },
  });
}

export async function createPdb(
  env: Env,
  namespace: string,
  name: string,
  matchLabels: Record<string, string>,
  budget: { minAvailable: number | string } | { maxUnavailable: number | string },
): Promise<V1PodDisruptionBudget> {
  return env.policy.createNamespacedPodDisruptionBudget({
    namespace,
    body: { metadata: { name }, spec: { ...budget, selector: { matchLabels } } },
  });
}

export async function createBarePod(
  env: Env,
  namespace: string,
  name: string,
  o: Omit<AppSpec, 'replicas'> = {},
): Promise<void> {
  await env.core.createNamespacedPod({
    namespace,
    body: { metadata: { name, labels: { app: name } }, spec: podSpec(name, o) },
  });
}
