/** The plain statement `rollback` makes before it asks: what goes back, and what is lost. */
import type { RollbackConfirmInfo } from '../../upgrade/rollback/index.js';
import { makeStyle } from './style.js';

export function renderRollbackWarning(info: RollbackConfirmInfo, opts: { color: boolean }): string {
  const s = makeStyle(opts.color);
  const lines = [`Rollback of ${info.plan.metadata.name}${info.resumed ? ' (resuming)' : ''}:`];
  if (info.workers.length > 0) {
    const byVersion = new Map<string, string[]>();
    for (const w of info.workers) byVersion.set(w.to, [...(byVersion.get(w.to) ?? []), w.node]);
    for (const [v, nodes] of byVersion) lines.push(`  workers back to ${v}: ${nodes.join(', ')}`);
  }
  if (info.controlPlane && info.snapshot) {
    const snap = info.snapshot;
    lines.push(`  control plane: etcd restored from ${snap.path}`);
    lines.push(
      `    taken ${snap.takenAt} at revision ${snap.revision} (${snap.totalKeys} keys, sha256 ${snap.sha256.slice(0, 16)}…)`,
    );
    lines.push(`  then the control-plane nodes back to their versions before the run.`);
    lines.push(
      s.red(
        `  EVERY WRITE TO THE CLUSTER AFTER ${snap.takenAt} IS LOST: objects created, changed or deleted since then`,
      ),
    );
    lines.push(s.red('  (by people, controllers and workloads) return to their state at the snapshot.'));
  } else if (!info.controlPlane) {
    lines.push('  the control plane was not changed by this run: it stays as it is, and etcd is not restored.');
  }
  return lines.join('\n');
}
