/**
 * Rollback's etcd restore: the recorded snapshot is verified again (sha256, `snapshot status`) before
 * anything is touched, then restored on every etcd member through the node driver (stop the apiserver and
 * etcd, restore into a new data dir, start them again — the node side's procedure). A driver that can
 * (`prepareEtcdRestore`) first stops etcd and the apiserver on EVERY member, so no member keeps serving the
 * old cluster (and accepting writes the restore discards) while another is restored. The API server is away
 * meanwhile, and what it serves afterwards is the cluster as it was at the snapshot: the caller releases the
 * run lock before and takes it again after (the Lease itself is rewound), and re-writes the state mirror.
 */
import { localRunner, verifySnapshot, type SnapshotRecord } from '../../etcd/index.js';
import type { DriverIo, NodeTarget } from '../../nodes/index.js';
import type { ApplyContext, NodeRunState, PhaseRunState, RunStop } from '../run/index.js';

/** The step detail (events and journal) while a member is stopped and waits for its restore. */
export const PREPARE_DETAIL = 'stopping etcd and the apiserver';

export interface RestoreHooks {
  /** Before the first member is touched (release the lock). */
  beforeRestore(): Promise<void>;
  /** After every member is restored (wait for the API, take the lock again, re-write the mirror). */
  afterRestore(): Promise<void>;
}

export async function restoreEtcdPhase(
  ctx: ApplyContext,
  phase: PhaseRunState,
  snapshot: SnapshotRecord,
  hooks: RestoreHooks,
): Promise<RunStop | undefined> {
  const resume = ctx.advice.resume();
  if (phase.nodes.some((n) => n.status !== 'done')) {
    try {
      await verifySnapshot(snapshot.path, localRunner(), snapshot);
    } catch (e) {
      return {
        outcome: 'failed',
        phase: phase.id,
        step: 'etcd-restore',
        message: `the etcd snapshot ${snapshot.path} failed verification, so nothing was restored: ${(e as Error).message}`,
        next: [
          'Find the verified copy (its sha256 is in the run state) and put it back at that path, then run rollback again.',
        ],
      };
    }
    const driver = ctx.driver;
    if (!driver.restoreEtcd)
      return {
        outcome: 'failed',
        phase: phase.id,
        step: 'etcd-restore',
        message: `the ${driver.type} node driver cannot restore etcd`,
        next: [
          'Restore the snapshot by hand (kubernetes-facts: etcdctl snapshot restore on every member), then run rollback again.',
        ],
      };
    // Every member of the restore, for each member's --initial-cluster (kubeadm: member = node, peer https://<InternalIP>:2380).
    const ips = phase.nodes.map((n) => ({ node: n.node, ip: ctx.cache.nodes.get(n.node)?.internalIP }));
    const members = ips.every((m) => m.ip)
      ? ips.map((m) => ({ node: m.node, peerUrl: `https://${m.ip!.includes(':') ? `[${m.ip}]` : m.ip}:2380` }))
      : undefined;
    const targetOf = (ns: NodeRunState): NodeTarget => {
      const info = ctx.cache.nodes.get(ns.node);
      return {
        node: ns.node,
        role: 'control-plane',
        version: ctx.plan.from,
        first: ns === phase.nodes[0],
        labels: info?.labels ?? {},
        ...(info?.internalIP ? { internalIP: info.internalIP } : {}),
      };
    };
    const ioOf = (ns: NodeRunState): DriverIo => ({
      signal: ctx.signal,
      onOutput: (stream, line) => ctx.emit({ type: 'driver-output', node: ns.node, stream, line }),
    });
    const failed = async (ns: NodeRunState, e: unknown, what: string): Promise<RunStop> => {
      await ctx.journal.commit(() => {
        ns.status = 'failed';
        ns.error = (e as Error).message;
      });
      ctx.emit({
        type: 'node-failed',
        phase: phase.id,
        node: ns.node,
        step: 'restore-etcd',
        message: (e as Error).message,
      });
      return {
        outcome: ctx.signal.aborted ? 'paused' : 'failed',
        phase: phase.id,
        node: ns.node,
        step: 'etcd-restore',
        message: `${what} on ${ns.node} failed: ${(e as Error).message}`,
        next: [
          `Check the member on ${ns.node} (its data dir, etcd's log), then run rollback again: ${resume[0]?.replace(' apply ', ' rollback ')}`,
        ],
      };
    };
    const todo = phase.nodes.filter((n) => n.status !== 'done');
    await hooks.beforeRestore();
    if (driver.prepareEtcdRestore) {
      // Every member stopped before any is restored; on resume the ones not done are stopped again (harmless).
      for (const ns of todo) {
        await ctx.journal.commit(() => {
          ns.status = 'in-progress';
          ns.step = 'restore-etcd';
          ns.detail = PREPARE_DETAIL;
          ns.startedAt ??= new Date().toISOString();
          ns.driverRuns++;
        });
        ctx.emit({
          type: 'node-started',
          phase: phase.id,
          node: ns.node,
          role: 'control-plane',
          version: `snapshot r${snapshot.revision}`,
        });
        ctx.emit({ type: 'node-step', phase: phase.id, node: ns.node, step: 'restore-etcd', detail: PREPARE_DETAIL });
        try {
          await driver.prepareEtcdRestore(targetOf(ns), snapshot.path, ioOf(ns));
        } catch (e) {
          return failed(ns, e, 'stopping etcd and the apiserver for the restore');
        }
      }
    }
    for (const ns of todo) {
      await ctx.journal.commit(() => {
        ns.status = 'in-progress';
        ns.step = 'restore-etcd';
        delete ns.detail;
        ns.startedAt ??= new Date().toISOString();
        ns.driverRuns++;
      });
      if (!driver.prepareEtcdRestore)
        ctx.emit({
          type: 'node-started',
          phase: phase.id,
          node: ns.node,
          role: 'control-plane',
          version: `snapshot r${snapshot.revision}`,
        });
      ctx.emit({ type: 'node-step', phase: phase.id, node: ns.node, step: 'restore-etcd', detail: snapshot.path });
      const started = Date.now();
      try {
        await driver.restoreEtcd(targetOf(ns), snapshot.path, ioOf(ns), members);
      } catch (e) {
        return failed(ns, e, 'restoring etcd');
      }
      const durationMs = Date.now() - started;
      await ctx.journal.commit(() => {
        ns.status = 'done';
        ns.finishedAt = new Date().toISOString();
        ns.durationMs = durationMs;
      });
      ctx.emit({ type: 'etcd-restored', phase: phase.id, node: ns.node, snapshot: snapshot.path });
      ctx.emit({
        type: 'node-finished',
        phase: phase.id,
        node: ns.node,
        status: 'done',
        durationMs,
        evictions: 0,
        blockedMs: 0,
      });
    }
  }
  await hooks.afterRestore();
  return undefined;
}
