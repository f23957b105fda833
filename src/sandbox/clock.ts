/**
 * Scaled timers for every simulated delay (pod start-up, termination, kubelet restart, heartbeats). A time
 * scale of 0.1 makes every delay ten times shorter, so tests run fast with the same behaviour. All timers are
 * tracked so that stopping the sandbox leaves nothing behind.
 */
export class Clock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(readonly scale: number) {
    if (!(scale > 0)) throw new Error(`time scale must be > 0, got ${scale}`);
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
}

export const DEFAULT_TIMINGS: Timings = {
  podStartupMs: 2_000,
  podTerminationMs: 1_500,
  kubeletRestartMs: 6_000,
  staticPodRestartMs: 2_000,
  upgradeCommandMs: 3_000,
  heartbeatMs: 10_000,
};

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
