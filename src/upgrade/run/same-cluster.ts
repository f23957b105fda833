/** The check that a plan is run against the cluster it was made for, before anything changes. */
import type { ClusterReads } from '../../cluster/index.js';
import type { UpgradePlan } from '../../plan/index.js';
import { ApplyInputError } from './errors.js';

/**
 * The plan is for the cluster the kubeconfig reaches: the kube-system namespace UID decides (a server URL may
 * differ — a load balancer, a new DNS name — and only warns). Throws ApplyInputError otherwise; nothing changed.
 */
export async function checkSameCluster(
  client: Pick<ClusterReads, 'identity'>,
  plan: UpgradePlan,
  warn: (message: string) => void,
): Promise<void> {
  const identity = await client.identity();
  if (identity.kubeSystemUid !== plan.cluster.kubeSystemUid) {
    throw new ApplyInputError(
      `this plan is for another cluster: it was made for ${plan.cluster.server} (kube-system uid ${plan.cluster.kubeSystemUid}), but the kubeconfig reaches ${identity.server} (kube-system uid ${identity.kubeSystemUid}). Check --kubeconfig/--context, or run k8s-upgrade plan against this cluster. Nothing was changed`,
    );
  }
  if (identity.server !== plan.cluster.server)
    warn(
      `the API server URL differs from the plan's (${identity.server} vs ${plan.cluster.server}); the cluster is the same (kube-system uid matches)`,
    );
}
