/**
 * The stage scheduler as a pure state machine: given the stage's clusters and their states, its policy and `now`,
 * decide which clusters start now and what the stage is waiting for. At most `maxConcurrency` clusters run; every
 * Failed cluster counts against the budget; once the budget is exceeded no new cluster starts, the running ones are
 * left to finish, and then the stage's verdict is its `onFailure`. A cluster outside its maintenance window waits
 * (and says when its window opens). No I/O and no clock of its own: the caller re-decides after every change.
 */
import type { MaintenanceWindow, OnFailure } from '../file/fleet-file-types.js';
import type { ClusterState } from './states.js';
import { isInWindow, nextWindowOpening } from './window.js';

export interface StagePolicy {
  /** Resolved (resolveConcurrency), ≥ 1. */
  maxConcurrency: number;
  /** Resolved (resolveFailureBudget), ≥ 0. */
  failureBudget: number;
  onFailure: OnFailure;
}

export interface ScheduledCluster {
  name: string;
  state: ClusterState;
  maintenanceWindow?: MaintenanceWindow;
}

/**
 * - `run`: clusters are running or start now (`start`); call again after one finishes.
 * - `wait-window`: nothing runs and every remaining cluster waits for its window (`opensAt`: the earliest).
 * - `draining`: the budget is spent; the running clusters finish, nothing starts.
 * - `done`: every cluster settled within the budget (`paused` clusters make it `paused` instead).
 * - `stop` | `pause` | `continue`: the budget is spent and nothing runs any more: the stage's onFailure.
 */
export type StageVerdict = 'run' | 'wait-window' | 'draining' | 'done' | 'paused' | OnFailure;

export interface StageDecision {
  verdict: StageVerdict;
  /** Start these now (in the stage's order), never more than the free slots. */
  start: string[];
  /** Clusters held by their maintenance window, with the next opening. */
  waiting: { name: string; opensAt?: Date }[];
  opensAt?: Date;
  running: number;
  failed: number;
  budget: number;
}

export function decideStage(clusters: ScheduledCluster[], policy: StagePolicy, now: Date): StageDecision {
  const running = clusters.filter((c) => c.state === 'Running').length;
  const failed = clusters.filter((c) => c.state === 'Failed').length;
  const base = { running, failed, budget: policy.failureBudget };
  if (failed > policy.failureBudget) {
    if (running > 0) return { ...base, verdict: 'draining', start: [], waiting: [] };
    return { ...base, verdict: policy.onFailure, start: [], waiting: [] };
  }
  let free = policy.maxConcurrency - running;
  const start: string[] = [];
  const waiting: { name: string; opensAt?: Date }[] = [];
  for (const c of clusters) {
    if (c.state !== 'NotStarted' && c.state !== 'Waiting') continue;
    if (c.maintenanceWindow && !isInWindow(c.maintenanceWindow, now)) {
      const opensAt = nextWindowOpening(c.maintenanceWindow, now);
      waiting.push({ name: c.name, ...(opensAt ? { opensAt } : {}) });
      continue;
    }
    if (free > 0) {
      start.push(c.name);
      free--;
    }
  }
  const opensAt = waiting
    .map((w) => w.opensAt)
    .filter((d): d is Date => d !== undefined)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  const remaining = clusters.filter((c) => c.state === 'NotStarted' || c.state === 'Waiting').length;
  if (running > 0 || start.length > 0)
    return { ...base, verdict: 'run', start, waiting, ...(opensAt ? { opensAt } : {}) };
  if (remaining > 0) return { ...base, verdict: 'wait-window', start, waiting, ...(opensAt ? { opensAt } : {}) };
  const paused = clusters.some((c) => c.state === 'Paused');
  return { ...base, verdict: paused ? 'paused' : 'done', start, waiting };
}
