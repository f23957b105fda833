/**
 * Scaled timers for every simulated delay (pod start-up, termination, kubelet restart, heartbeats). A time
 * scale of 0.1 makes every delay ten times shorter, so tests run fast with the same behaviour. All timers are
 * tracked so that stopping the sandbox leaves nothing behind. Clocks of a sandbox fleet share one Ticker, so
 * that the periodic work of 570 clusters runs from one interval timer per period, not one per cluster.
 */

/** One interval timer per distinct period, shared by many clocks: every subscriber of a period runs in its tick. */
export class Ticker {
  private readonly periods = new Map<number, { timer: NodeJS.Timeout; fns: Set<() => void> }>();

  /** Runs `fn` every `realMs` real milliseconds; returns a cancel function. */
  every(realMs: number, fn: () => void): () => void {
    let p = this.periods.get(realMs);
    if (!p) {
      const fns = new Set<() => void>();
      const timer = setInterval(() => {
        for (const f of fns) f();
      }, realMs);
      timer.unref();
      p = { timer, fns };
      this.periods.set(realMs, p);
    }
    const entry = () => fn();
    p.fns.add(entry);
    return () => {
      const cur = this.periods.get(realMs);
      if (!cur) return;
      cur.fns.delete(entry);
      if (cur.fns.size === 0) {
        clearInterval(cur.timer);
        this.periods.delete(realMs);
      }
    };
  }

  /** Interval timers running (one per period in use): what a fleet costs the event loop. */
  timerCount(): number {
    return this.periods.size;
  }
}

export class Clock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tickerSubscriptions = new Set<() => void>();
  private stopped = false;
  private readonly startedAt = performance.now();

  constructor(
    readonly scale: number,
    private readonly ticker?: Ticker,
  ) {
    if (!(scale > 0)) throw new Error(`time scale must be > 0, got ${scale}`);
  }

  /** Simulated milliseconds since the clock was created (real elapsed time divided by the scale). */
  now(): number {
    return (performance.now() - this.startedAt) / this.scale;
  }

  /** Simulated milliseconds → real milliseconds. */
  real(ms: number): number {
    return Math.max(0, Math.round(ms * this.scale));
  }

  /** Runs `fn` once after `ms` simulated milliseconds; returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.real(ms));
    t.unref();
    this.timers.add(t);
    return () => {
      clearTimeout(t);
      this.timers.delete(t);
    };
  }

  /** Runs `fn` every `ms` simulated milliseconds until cancelled or stopped. */
  every(ms: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    if (this.ticker) {
      const cancel = this.ticker.every(Math.max(1, this.real(ms)), fn);
      this.tickerSubscriptions.add(cancel);
      return () => {
        cancel();
        this.tickerSubscriptions.delete(cancel);
      };
    }
    const t = setInterval(fn, Math.max(1, this.real(ms)));
    t.unref();
    this.timers.add(t);
    return () => {
      clearInterval(t);
      this.timers.delete(t);
    };
  }

  /** Resolves after `ms` simulated milliseconds. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const cancel of this.tickerSubscriptions) cancel();
    this.tickerSubscriptions.clear();
  }
}

/** Simulated durations in milliseconds (before scaling). */
export interface Timings {
  /** From binding to Ready for a new pod. */
  podStartupMs: number;
  /** From deletionTimestamp to removal (capped by the pod's grace period). */
  podTerminationMs: number;
  /** How long the kubelet is NotReady while it restarts after an upgrade. */
  kubeletRestartMs: number;
  /** How long each control-plane static pod is not Ready while kubeadm replaces it. */
  staticPodRestartMs: number;
  /** Package installation and kubeadm work before the kubelet restarts. */
  upgradeCommandMs: number;
  /** Node lease renewal interval. */
  heartbeatMs: number;
  /**
   * Spread of the per-node upgrade time (upgradeCommandMs + kubeletRestartMs), a fraction in [0, 1). 0: every
   * node takes the same time. j > 0: each node's multiplier is drawn uniformly in [1 − j, 1 + j], deterministically
   * from the seed and the node's name (the same node gets the same multiplier on every run with that seed).
   * Not a duration: `--timing` does not accept it (`sandbox up --node-time-jitter F` sets it).
   */
  nodeTimeJitter: number;
}

/** The timings that are durations in simulated milliseconds (what `sandbox up --timing NAME=MS` sets). */
export const TIMING_NAMES = [
  'podStartupMs',
  'podTerminationMs',
  'kubeletRestartMs',
  'staticPodRestartMs',
  'upgradeCommandMs',
  'heartbeatMs',
] as const;
export type TimingName = (typeof TIMING_NAMES)[number];

export const DEFAULT_TIMINGS: Timings = {
  podStartupMs: 2_000,
  podTerminationMs: 1_500,
  kubeletRestartMs: 6_000,
  staticPodRestartMs: 2_000,
  upgradeCommandMs: 3_000,
  heartbeatMs: 10_000,
  nodeTimeJitter: 0,
};

/** Throws when a timing is not a finite duration ≥ 0 (heartbeatMs > 0) or the jitter is outside [0, 1). */
export function validateTimings(t: Timings): void {
  for (const name of TIMING_NAMES) {
    const v = t[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (name === 'heartbeatMs' && v === 0)) {
      throw new Error(
        `timing ${name} must be a finite number of milliseconds ${name === 'heartbeatMs' ? '> 0' : '≥ 0'}, got ${String(v)}`,
      );
    }
  }
  const j = t.nodeTimeJitter;
  if (typeof j !== 'number' || !(j >= 0 && j < 1))
    throw new Error(`nodeTimeJitter must be in [0, 1), got ${String(j)}`);
}

/** FNV-1a hash of a string (32 bits), to derive per-object seeds that do not depend on call order. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Deterministic PRNG (mulberry32) so a seed reproduces names, zones and fault decisions. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
