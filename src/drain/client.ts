/**
 * The roles of the ClusterClient port the drain library uses (any ClusterClient satisfies them, and unit tests
 * may hand in a small fake of just these).
 */
import type { ClusterReads, NodeWrites, PodEviction } from '../cluster/index.js';

export type DrainClient = PodEviction & Pick<ClusterReads, 'daemonSetExists' | 'listPdbs'>;

export type CordonClient = NodeWrites & Pick<ClusterReads, 'getNode'>;

/** `namespace/name`, the way every event, result and error names a pod. */
export const podKey = (p: { namespace: string; name: string }): string => `${p.namespace}/${p.name}`;
