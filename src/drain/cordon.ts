/**
 * Cordon and uncordon, idempotent like kubectl's CordonHelper: the node is read first and patched only when
 * `spec.unschedulable` differs, so a re-run after a crash is not an error.
 */
import { ClusterApiError } from '../cluster/index.js';
import type { CordonClient } from './client.js';

async function setUnschedulable(client: CordonClient, node: string, value: boolean): Promise<{ changed: boolean }> {
  const n = await client.getNode(node);
  if (!n) throw new ClusterApiError(`node ${node} not found: check the node name (kubectl get nodes)`, 404, 'NotFound');
  if (n.unschedulable === value) return { changed: false };
  await client.setUnschedulable(node, value);
  return { changed: true };
}

/** Marks the node unschedulable; `changed: false` when it already was. */
export function cordonNode(client: CordonClient, node: string): Promise<{ changed: boolean }> {
  return setUnschedulable(client, node, true);
}

/** Makes the node schedulable again; `changed: false` when it already was. */
export function uncordonNode(client: CordonClient, node: string): Promise<{ changed: boolean }> {
  return setUnschedulable(client, node, false);
}
