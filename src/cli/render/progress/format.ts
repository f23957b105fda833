/**
 * Shared wording of the progress renderers and the run summary/status: durations, wall-clock stamps, step
 * labels and the one-line text of the events that say why a node waits. Pure functions of their input (no
 * clock, no environment), so the plain-line output and the golden files are stable.
 */
import type { EventOf, NodeStep } from '../../../upgrade/run/index.js';

/** `850ms`, `3.2s`, `45s`, `2m05s`, `1h02m`. */
export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${Math.floor(ms / 100) / 10}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
};

/** `HH:MM:SS` (UTC) of an event's ISO-8601 `at`; stable whatever the machine's time zone. */
export const clockOf = (at: string): string => {
  const iso = /T(\d\d:\d\d:\d\d)/.exec(at);
  if (iso) return iso[1]!;
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '--:--:--' : d.toISOString().slice(11, 19);
};

/** `2026-08-21T19:40:00Z`: an event's `at` as ISO-8601 UTC to the second, with its zone, for CI logs. */
export const stampOf = (at: string): string => {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : `${d.toISOString().slice(0, 19)}Z`;
};

/** What a node is doing during a step, for live titles (`draining`, `waiting for Ready`). */
export const STEP_ACTIVITY: Record<NodeStep, string> = {
  cordon: 'cordoning',
  drain: 'draining',
  upgrade: 'upgrading',
  downgrade: 'downgrading',
  'restore-etcd': 'restoring etcd',
  'wait-ready': 'waiting for Ready',
  uncordon: 'uncordoning',
  'health-gate': 'health gate',
};

/** `eviction of shop/web-1 refused by PDB shop/web-pdb: needs 2 healthy, has 2 — retrying in 5s` */
export const blockedText = (e: EventOf<'eviction-blocked'>): string =>
  `eviction of ${e.pod} refused${e.pdb ? ` by PDB ${e.pdb}` : ''}: ${e.message}${e.retryInMs > 0 ? ` — retrying in ${formatDuration(e.retryInMs)}` : ''}`;

/** `health gate waiting: apiserver-ready, workloads-available` */
export const gateText = (e: EventOf<'gate-waiting'> | EventOf<'gate-failed'>): string =>
  `health gate ${e.type === 'gate-failed' ? 'failed' : 'waiting'}${e.failing.length > 0 ? `: ${e.failing.join(', ')}` : ''}`;

/** The evicted-pod count of a draining node, `3/5` when the drain step's detail gave the total (`5 pods`). */
export const evictedCount = (evicted: number, drainDetail?: string): string => {
  const total = drainDetail ? /(\d+) pods?\b/.exec(drainDetail)?.[1] : undefined;
  return total === undefined ? `${evicted}` : `${evicted}/${total}`;
};

/**
 * A running phase's progress in the live tree: `2/9 nodes · 3m10s · ETA 9m30s`. The ETA comes from the nodes
 * finished so far (the phase's throughput, so the window's parallelism is in it); skipped nodes (already at the
 * target) count as finished but not towards the rate. No ETA before the first node is done.
 */
export const phaseProgressText = (p: { done: number; skipped: number; total: number; elapsedMs: number }): string => {
  const finished = p.done + p.skipped;
  const parts = [p.total > 0 ? `${finished}/${p.total} nodes` : undefined, formatDuration(p.elapsedMs)];
  const remaining = p.total - finished;
  if (p.done > 0 && remaining > 0) parts.push(`ETA ${formatDuration((p.elapsedMs / p.done) * remaining)}`);
  return parts.filter(Boolean).join(' · ');
};
