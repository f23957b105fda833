/**
 * The part of the cluster adapter the drain library uses (a port: KubeClusterClient satisfies it, and unit
 * tests may hand in a small fake).
 */
import type { KubeClusterClient } from '../cluster/index.js';

export type DrainClient = Pick<KubeClusterClient, 'listPodsOnNode' | 'watchPods' | 'evictPod' | 'deletePod' | 'daemonSetExists' | 'listPdbs'>;

export type CordonClient = Pick<KubeClusterClient, 'getNode' | 'setUnschedulable'>;

/** `namespace/name`, the way every event, result and error names a pod. */
export const podKey = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;
