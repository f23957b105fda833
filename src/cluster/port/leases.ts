/**
 * coordination.k8s.io/v1 Leases as plain views: read, create, replace with optimistic concurrency
 * (resourceVersion; a 409 surfaces as ClusterApiError.isConflict) and delete. What a lease means (the run
 * lock, its expiry and takeover rules) is decided in src/upgrade/run/lock.ts, not here.
 */
export interface LeaseInfo {
  namespace: string;
  name: string;
  /** Required by replaceLease: the write fails with 409 when the lease changed since this read. */
  resourceVersion: string;
  /** Empty when nobody holds it (released). */
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: Date;
  renewTime?: Date;
  leaseTransitions: number;
}

export interface LeaseSpecInput {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: Date;
  renewTime?: Date;
  leaseTransitions?: number;
}

export interface LeaseStore {
  /** `undefined` when there is no such lease. */
  getLease(namespace: string, name: string): Promise<LeaseInfo | undefined>;
  /** Creates the lease; a 409 (AlreadyExists) means someone created it first. */
  createLease(
    namespace: string,
    name: string,
    spec: LeaseSpecInput,
    labels?: Record<string, string>,
  ): Promise<LeaseInfo>;
  /** Replaces the lease only if it is still at `resourceVersion` (409 otherwise). */
  replaceLease(
    lease: Pick<LeaseInfo, 'namespace' | 'name' | 'resourceVersion'>,
    spec: LeaseSpecInput,
    labels?: Record<string, string>,
  ): Promise<LeaseInfo>;
  /** Deletes the lease; with `resourceVersion`, only if it is still at that version. Absent is fine. */
  deleteLease(namespace: string, name: string, resourceVersion?: string): Promise<void>;
}
