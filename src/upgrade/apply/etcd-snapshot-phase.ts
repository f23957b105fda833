/**
 * The etcd-snapshot phase that precedes a control-plane hop: one verified snapshot (`snapshot status` +
 * sha256) taken from one healthy member, through etcdctl here (`local`) or on a control-plane node over ssh
 * (`ssh`, the file copied back so the operator holds it, and a copy kept on the node), recorded in the run
 * state with where it lives before the control plane is touched; a snapshot that exists only on the runner's
 * disk (no `--etcd-snapshot-dir`, no node copy) is warned about. A snapshot already recorded for the phase is not taken again on resume. Without a snapshot the
 * control plane is not touched, unless the operator said `--skip-etcd-snapshot` (recorded, warned).
 */
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { localRunner, saveSnapshot, type CommandRunner, type EtcdConnection } from '../../etcd/index.js';
import { sshAddress, sshRunner } from '../../nodes/index.js';
import type { ApplyContext, PhaseRunState, RunStop } from '../run/index.js';

/** Where a copy of an ssh-taken snapshot stays on the control-plane node. */
export const NODE_SNAPSHOT_DIR = '/var/lib/k8s-upgrade/snapshots';

export const snapshotDirFor = (planPath: string, configured?: string): string =>
  configured ?? join(dirname(planPath), `${basename(planPath).replace(/\.ya?ml$/i, '')}.etcd`);

export async function takeEtcdSnapshot(ctx: ApplyContext, phase: PhaseRunState): Promise<RunStop | undefined> {
  const cfg = ctx.plan.options.etcdSnapshot;
  const state = ctx.journal.state;
  if (state.snapshots?.some((s) => s.phase === phase.id && s.record.verified)) return undefined;
  if (cfg.mode === 'none') {
    ctx.emit({
      type: 'warning',
      message:
        'no etcd snapshot (apply --skip-etcd-snapshot): if the control-plane upgrade goes wrong, rollback cannot restore etcd',
    });
    ctx.journal.update((s) => {
      s.snapshotSkipped ??= { at: new Date().toISOString(), reason: 'apply --skip-etcd-snapshot' };
      phase.status = 'skipped';
    });
    return undefined;
  }
  const conn: EtcdConnection = {
    endpoints: [...(cfg.endpoints ?? [])],
    ...(cfg.cacert ? { cacert: cfg.cacert } : {}),
    ...(cfg.cert ? { cert: cfg.cert } : {}),
    ...(cfg.key ? { key: cfg.key } : {}),
  };
  let runner: CommandRunner;
  let takenOn = 'local';
  try {
    if (cfg.mode === 'ssh') {
      const r = sshRunnerFor(ctx, phase);
      runner = r.runner;
      takenOn = `ssh:${r.node}`;
    } else {
      runner = localRunner();
    }
    const durableDir = ctx.settings.etcdSnapshotDir ?? cfg.dir;
    const dir = snapshotDirFor(ctx.planPath, durableDir);
    const name = `${ctx.plan.metadata.name}-before-${(phase.to ?? 'control-plane').replace(/[^a-z0-9.]+/gi, '-')}-${new Date().toISOString().replace(/[:.]/g, '-')}.db`;
    const saved = await saveSnapshot(conn, { dir, name }, runner, {
      timeoutMs: 300_000,
      signal: ctx.signal,
      takenOn,
      ...(cfg.mode === 'ssh' ? { keepRemoteCopyIn: NODE_SNAPSHOT_DIR } : {}),
    });
    const runnerOnly = durableDir === undefined && !saved.nodeCopy;
    const record = { ...saved, host: hostname(), runnerOnly };
    ctx.journal.update((s) => {
      s.snapshots = [...(s.snapshots ?? []), { phase: phase.id, record }];
    });
    ctx.emit({
      type: 'snapshot-taken',
      phase: phase.id,
      path: record.path,
      revision: record.revision,
      sizeBytes: record.sizeBytes,
      sha256: record.sha256,
      takenOn: record.takenOn,
    });
    if (runnerOnly)
      ctx.emit({
        type: 'warning',
        message: `the etcd snapshot ${record.path} exists only on this machine's disk (${record.host}): if this runner goes away, rollback cannot restore etcd. Copy it somewhere durable now, or next time apply with --etcd-snapshot-dir <durable folder> (or plan with --etcd-snapshot ssh, which keeps a copy on the control-plane node)`,
      });
    return undefined;
  } catch (e) {
    return {
      outcome: ctx.signal.aborted ? 'paused' : 'failed',
      phase: phase.id,
      step: 'etcd-snapshot',
      message: `no verified etcd snapshot, so the control plane was not touched: ${(e as Error).message}`,
      next: ["Check etcd (etcdctl endpoint health) and the plan's etcd settings, then resume:", ...ctx.advice.resume()],
    };
  }
}

function sshRunnerFor(ctx: ApplyContext, phase: PhaseRunState): { runner: CommandRunner; node: string } {
  const driver = ctx.plan.driver;
  if (driver.type !== 'kubeadm-ssh')
    throw new Error(
      'etcd snapshot mode ssh needs the kubeadm-ssh driver (its ssh settings); re-plan with --etcd-snapshot local or --driver kubeadm-ssh',
    );
  const cpPhase = ctx.journal.state.phases[ctx.journal.state.phases.indexOf(phase) + 1];
  const node = ctx.plan.options.etcdSnapshot.node ?? cpPhase?.nodes[0]?.node ?? ctx.plan.controlPlane.nodes[0];
  if (!node) throw new Error('no control-plane node to take the etcd snapshot on');
  const info = ctx.cache.nodes.get(node);
  const address = sshAddress(driver.ssh, {
    node,
    role: 'control-plane',
    version: ctx.plan.to,
    first: false,
    labels: info?.labels ?? {},
    ...(info?.internalIP ? { internalIP: info.internalIP } : {}),
  });
  return {
    runner: sshRunner(driver.ssh, address, { ...ctx.driverOptions, label: node }) as unknown as CommandRunner,
    node,
  };
}
