/**
 * The optional fleet Lease on a management cluster (`--lease-kubeconfig`/`--lease-context`): two `fleet apply`
 * runs of one fleet cannot drive it at once. The same lock as a cluster run (`acquireRunLock`), under the Lease
 * name `k8s-upgrade-fleet-<fleet>` so it never collides with a cluster run's own lock.
 */
import { connect, type AccessOptions } from '../../cluster/index.js';
import { acquireRunLock, type RunLock } from '../../upgrade/run/index.js';

export function fleetLeaseName(fleet: string): string {
  const slug = fleet
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200);
  return `k8s-upgrade-fleet-${slug || 'fleet'}`;
}

/** Takes the fleet Lease (throws LockHeldError when another live run holds it); release() closes the client too. */
export async function acquireFleetLease(
  access: AccessOptions,
  fleet: string,
  runId: string,
  onLost: (err: Error) => void,
): Promise<RunLock> {
  const client = connect(access);
  try {
    const lock = await acquireRunLock(client, { runId, name: fleetLeaseName(fleet), onLost });
    return {
      ...lock,
      release: async () => {
        try {
          await lock.release();
        } finally {
          client.close();
        }
      },
    };
  } catch (e) {
    client.close();
    throw e;
  }
}
