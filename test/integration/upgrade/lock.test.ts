/** The run lock against the sandbox: acquire, refusal naming the holder, expiry takeover, dead-pid takeover, renewal, loss, release. */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClusterClient, createLease, deleteLease, getLease, replaceLease } from '../../../src/cluster/index.js';
import { LockHeldError, LockLostError, acquireRunLock, defaultHolder } from '../../../src/upgrade/run/lock.js';
import { raw, startTestSandbox, waitFor, type TestSandbox } from '../../helpers/sandbox.js';

let t: TestSandbox;
let client: KubeClusterClient;
let n = 0;
/** A fresh lease name per test, so tests do not depend on each other. */
const lockName = () => `k8s-upgrade-test-${++n}`;

beforeAll(async () => {
  t = await startTestSandbox();
  client = new KubeClusterClient(t.kc, t.sandbox.url);
});
afterAll(async () => {
  client?.close();
  await t?.stop();
});

/** A pid that existed and is now gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('acquireRunLock', () => {
  it('creates the lease with holder <hostname>/<pid>/<runId> and defaults to kube-system/k8s-upgrade', async () => {
    const lock = await acquireRunLock(client, { runId: 'run-a' });
    try {
      expect(lock.holder).toBe(`${hostname()}/${process.pid}/run-a`);
      expect(lock.takenOverFrom).toBeUndefined();
      const l = await getLease(client, 'kube-system', 'k8s-upgrade');
      expect(l?.holderIdentity).toBe(lock.holder);
      expect(l?.leaseDurationSeconds).toBe(30);
      expect(l?.renewTime).toBeInstanceOf(Date);
      // MicroTime on the wire: RFC 3339 with six fractional digits, as kube-apiserver requires.
      const wire = JSON.parse(
        (await raw(t, '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/k8s-upgrade')).text,
      );
      expect(wire.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(wire.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'k8s-upgrade' });
    } finally {
      await lock.release();
    }
    expect((await getLease(client, 'kube-system', 'k8s-upgrade'))?.holderIdentity).toBe('');
  });

  it('refuses a second run while the first holds the lock, naming the holder and when it expires', async () => {
    const name = lockName();
    const first = await acquireRunLock(client, { runId: 'first', name, holder: 'ci-runner-7/4242/first' });
    try {
      const err = await acquireRunLock(client, { runId: 'second', name }).catch((e) => e);
      expect(err).toBeInstanceOf(LockHeldError);
      expect(err.holder).toBe('ci-runner-7/4242/first');
      expect(err.renewTime).toBeInstanceOf(Date);
      expect(err.expiresAt.getTime()).toBe(err.renewTime.getTime() + 30_000);
      expect(err.message).toContain('run first (host ci-runner-7, pid 4242)');
      expect(err.message).toContain(err.expiresAt.toISOString());
      expect(err.message).toMatch(/Wait for that run to finish/);
      // The refused attempt changed nothing.
      expect((await getLease(client, 'kube-system', name))?.holderIdentity).toBe('ci-runner-7/4242/first');
    } finally {
      await first.release();
    }
    // Released: the next run gets it without a takeover.
    const next = await acquireRunLock(client, { runId: 'third', name });
    expect(next.takenOverFrom).toBeUndefined();
    await next.release();
  });

  it('takes over an expired lease and says from whom', async () => {
    const name = lockName();
    const stale = await acquireRunLock(client, {
      runId: 'stale',
      name,
      holder: 'elsewhere/1/stale',
      leaseSeconds: 1,
      renewEveryMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 1200));
    const lock = await acquireRunLock(client, { runId: 'fresh', name });
    try {
      expect(lock.takenOverFrom).toBe('elsewhere/1/stale');
      const l = await getLease(client, 'kube-system', name);
      expect(l?.holderIdentity).toBe(lock.holder);
      expect(l?.leaseTransitions).toBe(1);
      // The old holder's release must not free a lease it no longer holds.
      await stale.release();
      expect((await getLease(client, 'kube-system', name))?.holderIdentity).toBe(lock.holder);
    } finally {
      await lock.release();
    }
  });

  it('takes over at once from a dead process on this host (resume after kill -9), but not from a live one', async () => {
    const name = lockName();
    const now = new Date();
    const dead = `${hostname()}/${await deadPid()}/killed-run`;
    await createLease(client, 'kube-system', name, {
      holderIdentity: dead,
      leaseDurationSeconds: 30,
      acquireTime: now,
      renewTime: now,
    });
    const lock = await acquireRunLock(client, { runId: 'resumed', name });
    expect(lock.takenOverFrom).toBe(dead);
    await lock.release();

    // A live process on this host (our parent) still holds its lease.
    const live = `${hostname()}/${process.ppid}/live-run`;
    const cur = (await getLease(client, 'kube-system', name))!;
    await replaceLease(client, cur, { holderIdentity: live, leaseDurationSeconds: 30, renewTime: new Date() });
    const err = await acquireRunLock(client, { runId: 'x', name }).catch((e) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect(err.holder).toBe(live);
    await deleteLease(client, 'kube-system', name);
  });

  it('renews while held, and reports the loss when another holder takes the lease', async () => {
    const name = lockName();
    const lost: Error[] = [];
    const lock = await acquireRunLock(client, {
      runId: 'renewing',
      name,
      renewEveryMs: 50,
      onLost: (e) => lost.push(e),
    });
    const first = (await getLease(client, 'kube-system', name))!.renewTime!.getTime();
    await waitFor(async () => (await getLease(client, 'kube-system', name))!.renewTime!.getTime() > first, 'a renewal');

    // Someone else forcibly takes it (as a takeover after expiry would).
    for (;;) {
      const cur = (await getLease(client, 'kube-system', name))!;
      try {
        await replaceLease(client, cur, {
          holderIdentity: 'other/1/thief',
          leaseDurationSeconds: 30,
          renewTime: new Date(),
        });
        break;
      } catch {
        // Raced with a renewal: read again.
      }
    }
    await waitFor(() => lost.length > 0, 'onLost');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(LockLostError);
    expect(lost[0].message).toContain('other/1/thief');
    await lock.release();
    expect((await getLease(client, 'kube-system', name))?.holderIdentity).toBe('other/1/thief');
  });

  it('re-acquires its own lease (same holder) without a takeover; release is idempotent', async () => {
    const name = lockName();
    const a = await acquireRunLock(client, { runId: 'same', name });
    const b = await acquireRunLock(client, { runId: 'same', name });
    expect(b.holder).toBe(defaultHolder('same'));
    expect(b.takenOverFrom).toBeUndefined();
    await a.release();
    await a.release();
    await b.release();
    expect((await getLease(client, 'kube-system', name))?.holderIdentity).toBe('');
  });
});
