/**
 * The pods/eviction subresource, following kube-apiserver's EvictionREST.Create (kubernetes-facts §5):
 * terminal, pending or terminating pods are deleted without a budget check; more than one matching PDB is a
 * 500; an unhealthy pod may go when the budget is healthy (or the policy is AlwaysAllow); otherwise the PDB's
 * disruptionsAllowed is checked and decremented (429 with the DisruptionBudget cause when it is 0), the pod
 * gets the DisruptionTarget condition and is deleted gracefully.
 */
import type { SandboxCluster } from '../cluster.js';
import type { KObject } from '../store/types.js';
import { isoSeconds } from '../store/object-store.js';
import { selectorObjectMatcher } from './selectors.js';
import { ApiError, badRequest, notFound, successStatus, type StatusBody } from './status.js';
import type { ApiOperations } from './operations.js';

interface EvictionBody {
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: { gracePeriodSeconds?: number; dryRun?: string[]; preconditions?: { uid?: string } };
}

export function isPodReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );
}

export function evictPod(
  cluster: SandboxCluster,
  ops: ApiOperations,
  ns: string,
  name: string,
  body: EvictionBody,
): StatusBody {
  if (body?.metadata?.name && body.metadata.name !== name)
    throw badRequest(`name in URL does not match name in Eviction object`);
  const pod = cluster.store.get('pods', ns, name);
  if (!pod) throw notFound('pods', name, '', 'pods');
  const opts = body?.deleteOptions ?? {};
  if (opts.preconditions?.uid && opts.preconditions.uid !== pod.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${pod.metadata.uid}`,
    );
  }
  const dryRun = (opts.dryRun ?? []).includes('All');
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp) {
    if (!dryRun) ops.deletePod(pod, opts.gracePeriodSeconds);
    return successStatus(201);
  }
  // The namespace's budgets only (a key range of the table), not a scan of every budget in the cluster.
  const pdbs = cluster.store.page(
    'policy/poddisruptionbudgets',
    '',
    Infinity,
    (p) => selectorObjectMatcher(p.spec?.selector)(pod.metadata.labels),
    ns,
  ).items;
  if (pdbs.length > 1) {
    throw new ApiError(
      500,
      '',
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    );
  }
  if (pdbs.length === 1) {
    const pdb = pdbs[0];
    const st = pdb.status ?? {};
    const unhealthyMayGo =
      !isPodReady(pod) &&
      (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' ||
        ((st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0));
    if (!unhealthyMayGo) checkAndDecrement(cluster, pdb, pod, dryRun);
  }
  if (!dryRun) {
    cluster.store.mutate('pods', ns, name, (p) => {
      const conds = (p.status.conditions ?? []).filter((c: { type: string }) => c.type !== 'DisruptionTarget');
      conds.push({
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'EvictionByEvictionAPI',
        message: 'Eviction API: evicting',
        lastTransitionTime: isoSeconds(new Date()),
        lastProbeTime: null,
      });
      p.status.conditions = conds;
    });
    ops.deletePod(cluster.store.get('pods', ns, name)!, opts.gracePeriodSeconds);
  }
  return successStatus(201);
}

function checkAndDecrement(cluster: SandboxCluster, pdb: KObject, pod: KObject, dryRun: boolean): void {
  const st = pdb.status ?? {};
  const pdbName = pdb.metadata.name;
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
      causes: [
        {
          reason: 'DisruptionBudget',
          message: `The disruption budget ${pdbName} is still being processed by the server.`,
        },
      ],
      retryAfterSeconds: 10,
    });
  }
  const allowed = st.disruptionsAllowed ?? 0;
  if (allowed < 0) throw new ApiError(403, 'Forbidden', 'pdb disruptions allowed is negative');
  if (Object.keys(st.disruptedPods ?? {}).length > 2000)
    throw new ApiError(
      403,
      'Forbidden',
      'DisruptedPods map too big - too many evictions not confirmed by PDB controller',
    );
  if (allowed === 0) {
    throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
      causes: [
        {
          reason: 'DisruptionBudget',
          message: `The disruption budget ${pdbName} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`,
        },
      ],
    });
  }
  if (dryRun) return;
  cluster.store.mutate('policy/poddisruptionbudgets', pdb.metadata.namespace, pdbName, (p) => {
    p.status = {
      ...p.status,
      disruptionsAllowed: allowed - 1,
      disruptedPods: { ...(p.status?.disruptedPods ?? {}), [pod.metadata.name]: isoSeconds(new Date()) },
    };
  });
}
