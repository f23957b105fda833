/**
 * The run lock: one coordination.k8s.io/v1 Lease (kube-system/k8s-upgrade) guards a cluster against two
 * `apply`/`rollback` runs at once. Holder identity is `<hostname>/<pid>/<runId>`. A live lease held by
 * someone else refuses the run (LockHeldError); an expired one, or one whose holder is a dead process on
 * this same host (a resume right after kill -9), is taken over with an optimistic (resourceVersion) write.
 * The lock renews itself on an unref'd timer and reports a loss through `onLost`; it never prints.
 */
import { hostname } from 'node:os';
import { ClusterApiError, type LeaseInfo, type LeaseStore } from '../../cluster/index.js';

export const LOCK_NAMESPACE = 'kube-system';
export const LOCK_NAME = 'k8s-upgrade';
const LABELS = { 'app.kubernetes.io/managed-by': 'k8s-upgrade' };

export interface AcquireRunLockOptions {
  runId: string;
  /** Defaults to `<hostname>/<pid>/<runId>`. */
  holder?: string;
  namespace?: string;
  name?: string;
  leaseSeconds?: number;
  renewEveryMs?: number;
  /** Called once when the lock can no longer be held (someone else took it, or it expired unrenewed). */
  onLost?: (err: Error) => void;
}

export interface RunLock {
  holder: string;
  /** The holder whose expired (or dead same-host) lease we took over. */
  takenOverFrom?: string;
  /** Stops renewing and frees the lease if we still hold it. Idempotent. */
  release(): Promise<void>;
}

/** Another run holds the lock and its lease has not expired. */
export class LockHeldError extends Error {
  override name = 'LockHeldError';

  constructor(
    readonly holder: string,
    readonly lease: string,
    readonly renewTime: Date | undefined,
    readonly expiresAt: Date | undefined,
    options?: { cause?: unknown },
  ) {
    const who = describeHolder(holder);
    const when = expiresAt
      ? ` It was last renewed at ${renewTime?.toISOString() ?? '?'} and expires at ${expiresAt.toISOString()} unless renewed.`
      : '';
    super(
      `Another k8s-upgrade run holds the lock (Lease ${lease}): ${who}.${when} ` +
        `Wait for that run to finish, or check on it${holderHost(holder) ? ` on host ${holderHost(holder)}` : ''}; if it is gone, a new run takes the lock over once the lease expires.`,
      options,
    );
  }
}

/** The lock was lost while we ran (another holder took it over, or it expired before we could renew it). */
export class LockLostError extends Error {
  override name = 'LockLostError';
}

export function defaultHolder(runId: string): string {
  return `${hostname()}/${process.pid}/${runId}`;
}

function holderHost(holder: string): string | undefined {
  const parts = holder.split('/');
  return parts.length >= 3 ? parts[0] : undefined;
}

function describeHolder(holder: string): string {
  const parts = holder.split('/');
  if (parts.length >= 3) return `run ${parts.slice(2).join('/')} (host ${parts[0]}, pid ${parts[1]})`;
  return holder;
}

/** When the lease stops being valid: renewTime (or acquireTime) + leaseDurationSeconds. */
export function leaseExpiry(l: LeaseInfo): Date | undefined {
  const base = l.renewTime ?? l.acquireTime;
  return base && new Date(base.getTime() + l.leaseDurationSeconds * 1000);
}

/** True when `holder` names a process on this host that no longer exists. */
export function holderIsDeadLocalProcess(holder: string): boolean {
  const [host, pidText] = holder.split('/');
  if (host !== hostname() || !/^\d+$/.test(pidText ?? '')) return false;
  const pid = Number(pidText);
  if (pid === process.pid || pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const isConflict = (e: unknown) => e instanceof ClusterApiError && e.isConflict;

/** True when the lease names a holder other than `holder` whose lease has not expired and is not a dead local process. */
function isHeldByLiveOther(cur: LeaseInfo, holder: string, now: Date): boolean {
  if (cur.holderIdentity === '' || cur.holderIdentity === holder) return false;
  const expiresAt = leaseExpiry(cur);
  const expired = !expiresAt || expiresAt.getTime() <= now.getTime();
  return !expired && !holderIsDeadLocalProcess(cur.holderIdentity);
}

/**
 * Throws LockHeldError when another live run holds the lock, changing nothing. Called before the preflight
 * re-run, so a second apply started during a run is refused for the lock, not for what that run's drains
 * look like from outside (a pod being recreated, a budget whose status lags).
 */
export async function assertRunLockFree(
  client: LeaseStore,
  opts: { runId: string; holder?: string; namespace?: string; name?: string },
): Promise<void> {
  const namespace = opts.namespace ?? LOCK_NAMESPACE;
  const name = opts.name ?? LOCK_NAME;
  const cur = await client.getLease(namespace, name);
  if (cur && isHeldByLiveOther(cur, opts.holder ?? defaultHolder(opts.runId), new Date())) {
    throw new LockHeldError(cur.holderIdentity, `${namespace}/${name}`, cur.renewTime, leaseExpiry(cur));
  }
}

export async function acquireRunLock(client: LeaseStore, opts: AcquireRunLockOptions): Promise<RunLock> {
  const namespace = opts.namespace ?? LOCK_NAMESPACE;
  const name = opts.name ?? LOCK_NAME;
  const leaseSeconds = opts.leaseSeconds ?? 30;
  const renewEveryMs = opts.renewEveryMs ?? 10_000;
  const holder = opts.holder ?? defaultHolder(opts.runId);
  const where = `${namespace}/${name}`;

  let lease: LeaseInfo | undefined;
  let takenOverFrom: string | undefined;
  for (let attempt = 0; !lease; attempt++) {
    const cur = await client.getLease(namespace, name);
    const now = new Date();
    const spec = { holderIdentity: holder, leaseDurationSeconds: leaseSeconds, acquireTime: now, renewTime: now };
    try {
      if (!cur) {
        lease = await client.createLease(namespace, name, spec, LABELS);
      } else if (cur.holderIdentity === holder) {
        lease = await client.replaceLease(
          cur,
          { ...spec, acquireTime: cur.acquireTime ?? now, leaseTransitions: cur.leaseTransitions },
          LABELS,
        );
      } else {
        const free = cur.holderIdentity === '';
        if (isHeldByLiveOther(cur, holder, now)) {
          throw new LockHeldError(cur.holderIdentity, where, cur.renewTime, leaseExpiry(cur));
        }
        lease = await client.replaceLease(cur, { ...spec, leaseTransitions: cur.leaseTransitions + 1 }, LABELS);
        if (!free) takenOverFrom = cur.holderIdentity;
      }
    } catch (e) {
      // 409: someone else created or took it between our read and our write. Look again; give up after a few.
      if (!isConflict(e)) throw e;
      if (attempt >= 2) {
        const now2 = await client.getLease(namespace, name);
        throw new LockHeldError(
          now2?.holderIdentity || 'another run',
          where,
          now2?.renewTime,
          now2 && leaseExpiry(now2),
          { cause: e },
        );
      }
    }
  }

  return startRenewing(client, lease, {
    holder,
    takenOverFrom,
    leaseSeconds,
    renewEveryMs,
    onLost: opts.onLost,
    where,
  });
}

function startRenewing(
  client: LeaseStore,
  initial: LeaseInfo,
  o: {
    holder: string;
    takenOverFrom?: string;
    leaseSeconds: number;
    renewEveryMs: number;
    onLost?: (err: Error) => void;
    where: string;
  },
): RunLock {
  let lease = initial;
  let lastRenewed = Date.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const retryMs = Math.max(50, Math.min(1000, Math.floor(o.renewEveryMs / 4)));

  const lost = (err: Error) => {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    o.onLost?.(err);
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = renew().finally(() => (inFlight = undefined));
    }, ms);
    timer.unref();
  };

  const renew = async (): Promise<void> => {
    try {
      let attempt = 0;
      for (;;) {
        try {
          const now = new Date();
          lease = await client.replaceLease(
            lease,
            {
              holderIdentity: o.holder,
              leaseDurationSeconds: o.leaseSeconds,
              acquireTime: lease.acquireTime,
              renewTime: now,
              leaseTransitions: lease.leaseTransitions,
            },
            LABELS,
          );
          lastRenewed = now.getTime();
          break;
        } catch (e) {
          if (!isConflict(e) || attempt++ >= 2) throw e;
          // Changed since our last write: still ours (someone touched it) → retry on the new version; else lost.
          const cur = await client.getLease(lease.namespace, lease.name);
          if (!cur || cur.holderIdentity !== o.holder) {
            lost(
              new LockLostError(
                `The run lock (Lease ${o.where}) was taken over by ${cur?.holderIdentity || 'nobody (it was deleted)'}; this run must stop: another run may now be changing the cluster.`,
                { cause: e },
              ),
            );
            return;
          }
          lease = cur;
        }
      }
      schedule(o.renewEveryMs);
    } catch (e) {
      if (stopped) return;
      if (Date.now() - lastRenewed >= o.leaseSeconds * 1000) {
        lost(
          new LockLostError(
            `The run lock (Lease ${o.where}) expired: it could not be renewed for ${o.leaseSeconds}s (${(e as Error).message}). Another run may take it over; this run must stop.`,
            { cause: e },
          ),
        );
        return;
      }
      schedule(retryMs);
    }
  };

  schedule(o.renewEveryMs);

  let released: Promise<void> | undefined;
  return {
    holder: o.holder,
    ...(o.takenOverFrom ? { takenOverFrom: o.takenOverFrom } : {}),
    release() {
      return (released ??= (async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await inFlight;
        await freeLease(client, lease.namespace, lease.name, (holder) => holder === o.holder);
      })());
    },
  };
}

/** The run id a holder identity names (`<host>/<pid>/<runId>`), or undefined for another shape. */
export function holderRunId(holder: string): string | undefined {
  const parts = holder.split('/');
  return parts.length >= 3 ? parts.slice(2).join('/') : undefined;
}

/**
 * Frees the lock when its holder names `runId` — a run whose journal says it is over, whose process was
 * killed before it could release the lease (any host: a finished run changes nothing more). Someone else's
 * lease is left alone. Returns the holder it freed, or undefined.
 */
export async function releaseRunLockOf(
  client: LeaseStore,
  runId: string,
  opts: { namespace?: string; name?: string } = {},
): Promise<string | undefined> {
  const namespace = opts.namespace ?? LOCK_NAMESPACE;
  const name = opts.name ?? LOCK_NAME;
  return freeLease(client, namespace, name, (holder) => holderRunId(holder) === runId);
}

/**
 * Empties the lease's holder while `owns` accepts it (a conflicting write is read again, three times at most);
 * returns the holder it freed, or undefined when the lease is gone or held by someone else.
 */
async function freeLease(
  client: LeaseStore,
  namespace: string,
  name: string,
  owns: (holder: string) => boolean,
): Promise<string | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const cur = await client.getLease(namespace, name);
    if (!cur || !owns(cur.holderIdentity)) return undefined;
    try {
      await client.replaceLease(
        cur,
        {
          holderIdentity: '',
          leaseDurationSeconds: cur.leaseDurationSeconds,
          acquireTime: cur.acquireTime,
          renewTime: cur.renewTime,
          leaseTransitions: cur.leaseTransitions,
        },
        LABELS,
      );
      return cur.holderIdentity;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
  return undefined;
}

/**
 * The holder of the lock when it is a live run `runId` (its lease not expired, and not a process of this host
 * that is gone); undefined otherwise.
 */
export async function liveHolderOf(
  client: LeaseStore,
  runId: string,
  opts: { namespace?: string; name?: string } = {},
): Promise<string | undefined> {
  const cur = await client.getLease(opts.namespace ?? LOCK_NAMESPACE, opts.name ?? LOCK_NAME);
  if (!cur || holderRunId(cur.holderIdentity) !== runId) return undefined;
  return isHeldByLiveOther(cur, '', new Date()) ? cur.holderIdentity : undefined;
}
