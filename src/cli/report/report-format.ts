/** Wording shared by the report renderers: headlines, UTC times, step and link labels. Pure. */
import type { CriticalLink, RunReport, StepCategory } from '../../upgrade/report/index.js';
import { formatDuration } from '../render/progress/format.js';

export { formatDuration };

export const CATEGORY_LABEL: Record<StepCategory | 'pdb', string> = {
  cordon: 'cordon',
  drain: 'drain',
  driver: 'node driver (upgrade / downgrade)',
  'wait-ready': 'wait Ready',
  uncordon: 'uncordon',
  gate: 'health gate',
  pdb: 'blocked by a PDB',
};

export const headline = (r: RunReport): string => {
  const what = r.rollbackStatus ? 'Rollback' : 'Upgrade';
  switch (r.outcome) {
    case 'done':
      return r.rollbackStatus ? 'Rolled back' : 'Upgrade done';
    case 'paused':
      return `${what} paused (resumable)`;
    case 'running':
      return `${what} running or interrupted`;
    default:
      return `${what} ${r.outcome}`;
  }
};

/** `2026-08-21 19:40:05 UTC` */
export const utc = (ms: number | undefined): string =>
  ms === undefined || !Number.isFinite(ms) ? '-' : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** `19:40:05` */
export const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

export const linkLabel = (l: CriticalLink): string => {
  switch (l.kind) {
    case 'node':
      return `${l.node} (${l.phase})`;
    case 'phase':
      return `${l.phase}`;
    case 'between-nodes':
      return l.phase ? `${l.phase}: between nodes (gates, window, engine)` : 'between phases';
    case 'startup':
      return 'start-up (preflight, lock, watch caches)';
    case 'idle':
      return 'stopped between attempts';
  }
};

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `3 done, 1 skipped, 1 failed` (only the statuses present). */
export const nodeCounts = (r: RunReport): string =>
  (['done', 'skipped', 'failed', 'paused', 'in-progress', 'pending'] as const)
    .filter((s) => r.totals.nodes[s] > 0)
    .map((s) => `${r.totals.nodes[s]} ${s}`)
    .join(', ') || 'none';

export const nodeRows = (r: RunReport): number => r.phases.reduce((s, p) => s + p.nodes.length, 0);
