/**
 * Rollback's etcd restore phase with a recording node driver: a driver with `prepareEtcdRestore` has every member
 * stopped before any is restored (journalled and announced with the step detail), members already done are left
 * alone on resume, a failed prepare restores nothing; a driver without it restores member by member as before.
 * The snapshot verification (src/etcd) is stubbed: it has its own tests.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DriverIo, NodeDriver, NodeTarget } from '../../../src/nodes/index.js';
import type { SnapshotRecord } from '../../../src/etcd/index.js';
import type { ApplyContext } from '../../../src/upgrade/run/context.js';
import { PREPARE_DETAIL, restoreEtcdPhase } from '../../../src/upgrade/rollback/etcd-restore-phase.js';
import type { NodeRunState, PhaseRunState } from '../../../src/upgrade/run/run-state-types.js';

vi.mock('../../../src/etcd/index.js', async (orig) => ({
  ...(await orig<typeof import('../../../src/etcd/index.js')>()),
  verifySnapshot: vi.fn(async () => ({})),
}));

const snapshot = { path: '/backups/snap.db', revision: 42 } as SnapshotRecord;
const node = (name: string, status: NodeRunState['status'] = 'pending'): NodeRunState => ({
  node: name,
  role: 'control-plane',
  to: 'v1.31.4',
  status,
  cordonedByUs: false,
  evictions: 0,
  blockedMs: 0,
  driverRuns: 0,
});

const setup = (opts: { prepare: boolean; failPrepareOn?: string; done?: string[] }) => {
  const log: string[] = [];
  const events: Record<string, unknown>[] = [];
  const phase = {
    id: 'rollback/etcd-restore',
    nodes: ['cp-1', 'cp-2', 'cp-3'].map((n) => node(n, opts.done?.includes(n) ? 'done' : 'pending')),
  } as unknown as PhaseRunState;
  const driver: NodeDriver = {
    type: 'kubeadm-ssh',
    upgrade: async () => ({ durationMs: 0, commands: [] }),
    restoreEtcd: async (t: NodeTarget, path: string, _io: DriverIo, members) => {
      log.push(`restore ${t.node} ${path} ${members?.map((m) => m.node).join(',')}`);
      return { durationMs: 0, commands: [] };
    },
    ...(opts.prepare
      ? {
          prepareEtcdRestore: async (t: NodeTarget, path: string) => {
            log.push(`prepare ${t.node} ${path}`);
            // What the journal says while the member is stopped.
            const ns = phase.nodes.find((n) => n.node === t.node)!;
            log.push(`  journal ${ns.status} ${ns.step} ${ns.detail}`);
            if (t.node === opts.failPrepareOn) throw new Error('crictl still lists etcd');
            return { durationMs: 0, commands: [] };
          },
        }
      : {}),
  };
  const ips: Record<string, string> = { 'cp-1': '10.0.0.1', 'cp-2': '10.0.0.2', 'cp-3': '10.0.0.3' };
  const ctx = {
    driver,
    plan: { from: 'v1.30.6' },
    signal: new AbortController().signal,
    advice: { resume: () => ['k8s-upgrade apply --plan p.yaml'] },
    cache: { nodes: new Map(Object.entries(ips).map(([n, ip]) => [n, { labels: {}, internalIP: ip }])) },
    journal: { update: (f: () => void) => f(), commit: (f: () => void) => f() },
    emit: (e: Record<string, unknown>) => events.push(e),
  } as unknown as ApplyContext;
  const hooks = {
    beforeRestore: async () => void log.push('beforeRestore'),
    afterRestore: async () => void log.push('afterRestore'),
  };
  return { log, events, phase, run: () => restoreEtcdPhase(ctx, phase, snapshot, hooks) };
};

describe('etcd restore phase', () => {
  it('prepares (stops) every member before restoring any', async () => {
    const { log, events, phase, run } = setup({ prepare: true });
    expect(await run()).toBeUndefined();
    const journal = `  journal in-progress restore-etcd ${PREPARE_DETAIL}`;
    expect(log).toEqual([
      'beforeRestore',
      'prepare cp-1 /backups/snap.db',
      journal,
      'prepare cp-2 /backups/snap.db',
      journal,
      'prepare cp-3 /backups/snap.db',
      journal,
      'restore cp-1 /backups/snap.db cp-1,cp-2,cp-3',
      'restore cp-2 /backups/snap.db cp-1,cp-2,cp-3',
      'restore cp-3 /backups/snap.db cp-1,cp-2,cp-3',
      'afterRestore',
    ]);
    const steps = events.filter((e) => e.type === 'node-step' && e.node === 'cp-2').map((e) => e.detail);
    expect(steps).toEqual([PREPARE_DETAIL, '/backups/snap.db']);
    expect(events.filter((e) => e.type === 'node-started').length).toBe(3);
    for (const n of phase.nodes) {
      expect(n.status).toBe('done');
      expect(n.detail).toBeUndefined();
      expect(n.driverRuns).toBe(2);
    }
  });

  it('on resume, prepares and restores only the members not done', async () => {
    const { log, run } = setup({ prepare: true, done: ['cp-1'] });
    expect(await run()).toBeUndefined();
    expect(log.filter((l) => !l.startsWith('  '))).toEqual([
      'beforeRestore',
      'prepare cp-2 /backups/snap.db',
      'prepare cp-3 /backups/snap.db',
      'restore cp-2 /backups/snap.db cp-1,cp-2,cp-3',
      'restore cp-3 /backups/snap.db cp-1,cp-2,cp-3',
      'afterRestore',
    ]);
  });

  it('a failed prepare restores nothing and names the member', async () => {
    const { log, events, phase, run } = setup({ prepare: true, failPrepareOn: 'cp-2' });
    const stop = await run();
    expect(stop).toMatchObject({ outcome: 'failed', node: 'cp-2', step: 'etcd-restore' });
    expect(stop?.message).toBe(
      'stopping etcd and the apiserver for the restore on cp-2 failed: crictl still lists etcd',
    );
    expect(log.some((l) => l.startsWith('restore '))).toBe(false);
    expect(log).not.toContain('afterRestore');
    expect(phase.nodes.map((n) => n.status)).toEqual(['in-progress', 'failed', 'pending']);
    expect(events.some((e) => e.type === 'node-failed' && e.node === 'cp-2')).toBe(true);
  });

  it('a driver without prepareEtcdRestore restores member by member', async () => {
    const { log, events, phase, run } = setup({ prepare: false });
    expect(await run()).toBeUndefined();
    expect(log).toEqual([
      'beforeRestore',
      ...['cp-1', 'cp-2', 'cp-3'].map((n) => `restore ${n} /backups/snap.db cp-1,cp-2,cp-3`),
      'afterRestore',
    ]);
    expect(events.some((e) => e.detail === PREPARE_DETAIL)).toBe(false);
    expect(phase.nodes.every((n) => n.driverRuns === 1 && n.detail === undefined)).toBe(true);
  });
});
