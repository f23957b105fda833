/**
 * Permissions (`permissions-missing`): one SelfSubjectAccessReview per verb apply needs — cordon and watch
 * nodes, list/evict/delete pods, read budgets and workloads, hold the Lease and write the state ConfigMap in
 * kube-system — sent a few at a time (a fixed number of requests; at most REVIEWS_AT_ONCE in flight, so a plan
 * does not open a connection per review: a fleet plan of 570 clusters paid ~16 TLS handshakes per cluster), and
 * every missing one listed in one finding with the RBAC rule that grants it.
 */
import { ClusterApiError, type AccessCheck } from '../cluster/index.js';
import type { Finding } from '../plan/index.js';
import { count, finding, obj } from './finding.js';
import { APPLY_ACCESS } from './required-access.js';
import type { PreflightContext } from './types.js';

/** What apply does with the API, as access checks (the list lives in required-access.ts). */
export const REQUIRED_ACCESS: readonly AccessCheck[] = APPLY_ACCESS.map(({ why: _why, ...a }) => a);

export const describeAccess = (a: AccessCheck): string =>
  `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}${a.namespace ? ` in ${a.namespace}` : ''}`;

const REVIEWS_AT_ONCE = 4;

type Answer = { a: AccessCheck; allowed: boolean; reason?: string; unknown?: true };

export async function checkPermissions(ctx: PreflightContext): Promise<Finding[]> {
  const review = async (a: AccessCheck): Promise<Answer> => {
    try {
      return { a, ...(await ctx.client.canI(a)) };
    } catch (e) {
      if (e instanceof ClusterApiError && e.isForbidden)
        return { a, allowed: false, reason: 'the access review itself was refused', unknown: true };
      throw e;
    }
  };
  const answers: Answer[] = new Array(REQUIRED_ACCESS.length);
  let next = 0;
  const lane = async () => {
    while (next < REQUIRED_ACCESS.length) {
      const i = next++;
      answers[i] = await review(REQUIRED_ACCESS[i]!);
    }
  };
  await Promise.all(Array.from({ length: REVIEWS_AT_ONCE }, lane));
  const missing = answers.filter((x) => !x.allowed);
  if (missing.length === 0) return [];
  const unverifiable = missing.some((x) => 'unknown' in x);
  return [
    finding(
      'permissions-missing',
      'blocker',
      `The kubeconfig user ${unverifiable ? 'could not confirm' : 'lacks'} ${count(missing.length, 'permission')} apply needs: ${missing.map((x) => describeAccess(x.a)).join('; ')}. Apply would stop half-way at the first of them.`,
      missing.map((x) => obj('Permission', describeAccess(x.a), x.a.namespace, x.reason)),
      `Run with a user bound to a role granting these (e.g. a ClusterRole with ${rules(missing.map((x) => x.a))}, and a Role in kube-system for leases and configmaps), or with cluster-admin. Check with \`kubectl auth can-i ${missing[0]!.a.verb} ${missing[0]!.a.resource}${missing[0]!.a.subresource ? `/${missing[0]!.a.subresource}` : ''}${missing[0]!.a.namespace ? ` -n ${missing[0]!.a.namespace}` : ''}\`.`,
    ),
  ];
}

/** `rules: [{apiGroups: [""], resources: ["nodes"], verbs: ["patch"]}, …]` in short form. */
const rules = (missing: AccessCheck[]): string => {
  const byResource = new Map<string, Set<string>>();
  for (const a of missing) {
    const key = `${a.group || '""'}:${a.resource}${a.subresource ? `/${a.subresource}` : ''}`;
    byResource.set(key, (byResource.get(key) ?? new Set()).add(a.verb));
  }
  return [...byResource].map(([k, verbs]) => `${k} [${[...verbs].join(',')}]`).join(', ');
};
