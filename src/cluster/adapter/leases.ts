/**
 * coordination.k8s.io/v1 Leases as plain views: read, create, replace with optimistic concurrency
 * (resourceVersion; a 409 surfaces as ClusterApiError.isConflict) and delete. What a lease means (the run
 * lock, its expiry and takeover rules) is decided in src/upgrade/run/lock.ts, not here.
 */
import { CoordinationV1Api, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { call, getOrUndefined } from './api-errors.js';
import type { KubeClusterClient } from './kube-cluster-client.js';
import type { LeaseInfo, LeaseSpecInput } from '../port/index.js';

const api = (client: KubeClusterClient) => client.api(CoordinationV1Api);

/** client-node hands MicroTime back as the wire string (its type says Date): accept both. */
function toDate(v: unknown): Date | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** MicroTime on the wire is RFC 3339 with exactly six fractional digits. */
const micro = (d: Date | undefined) => (d ? new V1MicroTime(d.getTime()) : undefined);

function toLeaseInfo(l: V1Lease): LeaseInfo {
  return {
    namespace: l.metadata?.namespace ?? '',
    name: l.metadata?.name ?? '',
    resourceVersion: l.metadata?.resourceVersion ?? '',
    holderIdentity: l.spec?.holderIdentity ?? '',
    leaseDurationSeconds: l.spec?.leaseDurationSeconds ?? 0,
    acquireTime: toDate(l.spec?.acquireTime),
    renewTime: toDate(l.spec?.renewTime),
    leaseTransitions: l.spec?.leaseTransitions ?? 0,
  };
}

function body(
  namespace: string,
  name: string,
  spec: LeaseSpecInput,
  resourceVersion?: string,
  labels?: Record<string, string>,
): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { namespace, name, ...(resourceVersion ? { resourceVersion } : {}), ...(labels ? { labels } : {}) },
    spec: {
      holderIdentity: spec.holderIdentity,
      leaseDurationSeconds: spec.leaseDurationSeconds,
      acquireTime: micro(spec.acquireTime),
      renewTime: micro(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}

export async function getLease(
  client: KubeClusterClient,
  namespace: string,
  name: string,
): Promise<LeaseInfo | undefined> {
  const l = await getOrUndefined(`read lease ${namespace}/${name}`, () =>
    api(client).readNamespacedLease({ namespace, name }),
  );
  return l && toLeaseInfo(l);
}

/** Creates the lease; a 409 (AlreadyExists) means someone created it first. */
export async function createLease(
  client: KubeClusterClient,
  namespace: string,
  name: string,
  spec: LeaseSpecInput,
  labels?: Record<string, string>,
): Promise<LeaseInfo> {
  const l = await call(`create lease ${namespace}/${name}`, () =>
    api(client).createNamespacedLease({ namespace, body: body(namespace, name, spec, undefined, labels) }),
  );
  return toLeaseInfo(l);
}

/** Replaces the lease only if it is still at `resourceVersion` (409 otherwise). */
export async function replaceLease(
  client: KubeClusterClient,
  lease: Pick<LeaseInfo, 'namespace' | 'name' | 'resourceVersion'>,
  spec: LeaseSpecInput,
  labels?: Record<string, string>,
): Promise<LeaseInfo> {
  const { namespace, name, resourceVersion } = lease;
  const l = await call(`update lease ${namespace}/${name}`, () =>
    api(client).replaceNamespacedLease({ namespace, name, body: body(namespace, name, spec, resourceVersion, labels) }),
  );
  return toLeaseInfo(l);
}

/** Deletes the lease; with `resourceVersion`, only if it is still at that version (409 otherwise). Absent is fine. */
export async function deleteLease(
  client: KubeClusterClient,
  namespace: string,
  name: string,
  resourceVersion?: string,
): Promise<void> {
  await getOrUndefined(`delete lease ${namespace}/${name}`, () =>
    api(client).deleteNamespacedLease({
      namespace,
      name,
      ...(resourceVersion ? { body: { preconditions: { resourceVersion } } } : {}),
    }),
  );
}
