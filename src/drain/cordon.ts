/**
 * Cordon and uncordon, idempotent like kubectl's CordonHelper: the node is read first and patched only when
 * `spec.unschedulable` differs, so a re-run after a crash is not an error.
 */
import { ClusterApiError } from '../cluster/index.js';
import type { CordonClient } from './client.js';

export interface CordonOptions {
  /**
   * The node's `spec.unschedulable` as the caller already knows it (from a watch cache): the read is skipped
   * and the patch sent unless it is already as wanted. The patch is idempotent, so a stale value costs at
   * most a patch that changes nothing.
   */
  current?: boolean;
}

async function setUnschedulable(
  client: CordonClient,
  node: string,
  value: boolean,
  opts: CordonOptions,
): Promise<{ changed: boolean }> {
  let current = opts.current;
  if (current === undefined) {
    const n = await client.getNode(node);
    if (!n)
      throw new ClusterApiError(`node ${node} not found: check the node name (kubectl get nodes)`, 404, 'NotFound');
    current = n.unschedulable;
  }
  if (current === value) return { changed: false };
  await client.setUnschedulable(node, value);
  return { changed: true };
}

/** Marks the node unschedulable; `changed: false` when it already was. */
export function cordonNode(
  client: CordonClient,
  node: string,
  opts: CordonOptions = {},
): Promise<{ changed: boolean }> {
  return setUnschedulable(client, node, true, opts);
}

/** Makes the node schedulable again; `changed: false` when it already was. */
export function uncordonNode(
  client: CordonClient,
  node: string,
  opts: CordonOptions = {},
): Promise<{ changed: boolean }> {
  return setUnschedulable(client, node, false, opts);
}
