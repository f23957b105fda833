/**
 * Faults that can be injected while the sandbox runs, through its admin endpoint (and so through
 * `k8s-upgrade sandbox fault`). Each is data; the HTTP layer, the node side and the kubelet simulation
 * consult the registry at the moment they act.
 */
export const FAULT_TYPES = [
  'node-never-ready',
  'upgrade-fails',
  'slow-eviction',
  'api-errors',
  'drop-watches',
  'stall-requests',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export interface FaultSpec {
  type: FaultType;
  /** node-never-ready, upgrade-fails: the node concerned. */
  node?: string;
  /** upgrade-fails: how many upgrade attempts fail (default: all until cleared). */
  times?: number;
  /** slow-eviction: extra simulated ms before an eviction answers and before the evicted pod terminates. */
  delayMs?: number;
  /** api-errors: fraction of API requests (0..1) answered with `code`; stall-requests: fraction stalled for `stallMs` until cleared (instead of `count`). */
  rate?: number;
  /** api-errors: 500, 502, 503 or 504 (default 503). */
  code?: number;
  /** api-errors: several of those, one picked at random per failed request (instead of `code`). */
  codes?: number[];
  /** drop-watches: keep dropping every open watch stream every this many real ms, until cleared (default: once, now). */
  everyMs?: number;
  /** api-errors, stall-requests: only requests whose path starts with this. */
  pathPrefix?: string;
  /** stall-requests: how many requests hang (default 1). */
  count?: number;
  /** stall-requests: how long they hang, in real ms (default: until the fault is cleared). */
  stallMs?: number;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  /** How many times the fault has acted. */
  hits: number;
}

export class FaultRegistry {
  private next = 1;
  private readonly active = new Map<number, ActiveFault>();
  private readonly waiters = new Set<() => void>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** Called when a drop-watches fault is injected. */
  onDropWatches: () => void = () => {};

  constructor(private readonly random: () => number) {}

  add(spec: FaultSpec): ActiveFault {
    validateFault(spec);
    const f: ActiveFault = { ...spec, id: this.next++, hits: 0 };
    if (spec.type === 'drop-watches') {
      this.onDropWatches();
      f.hits = 1;
      if (spec.everyMs === undefined) return f;
      const timer = setInterval(() => {
        f.hits++;
        this.onDropWatches();
      }, spec.everyMs);
      timer.unref();
      this.timers.set(f.id, timer);
    }
    this.active.set(f.id, f);
    return f;
  }

  list(): ActiveFault[] {
    return [...this.active.values()];
  }

  clear(id?: number): void {
    for (const [fid, timer] of this.timers)
      if (id === undefined || fid === id) {
        clearInterval(timer);
        this.timers.delete(fid);
      }
    if (id === undefined) this.active.clear();
    else this.active.delete(id);
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  nodeNeverReady(node: string): boolean {
    return this.find('node-never-ready', (f) => f.node === node) !== undefined;
  }

  /** True when this upgrade attempt of `node` must fail (consumes one `times`). */
  upgradeFails(node: string): boolean {
    const f = this.find('upgrade-fails', (x) => x.node === undefined || x.node === node);
    if (!f) return false;
    f.hits++;
    if (f.times !== undefined && f.hits >= f.times) this.active.delete(f.id);
    return true;
  }

  evictionDelayMs(): number {
    return this.find('slow-eviction')?.delayMs ?? 0;
  }

  /** An injected HTTP error code for this request, or undefined. */
  apiError(path: string): number | undefined {
    const f = this.find('api-errors', (x) => !x.pathPrefix || path.startsWith(x.pathPrefix));
    if (!f || this.random() >= (f.rate ?? 0)) return undefined;
    f.hits++;
    if (f.codes?.length) return f.codes[Math.floor(this.random() * f.codes.length)] ?? 503;
    return f.code ?? 503;
  }

  /** A promise that hangs this request, or undefined. */
  stall(path: string): Promise<void> | undefined {
    const f = this.find('stall-requests', (x) => !x.pathPrefix || path.startsWith(x.pathPrefix));
    if (!f) return undefined;
    if (f.rate !== undefined && this.random() >= f.rate) return undefined;
    f.hits++;
    if (f.rate === undefined && f.hits >= (f.count ?? 1)) this.active.delete(f.id);
    return new Promise((resolve) => {
      this.waiters.add(resolve);
      if (f.stallMs !== undefined) setTimeout(resolve, f.stallMs).unref();
    });
  }

  private find(type: FaultType, pred: (f: ActiveFault) => boolean = () => true): ActiveFault | undefined {
    for (const f of this.active.values()) if (f.type === type && pred(f)) return f;
    return undefined;
  }
}

export function validateFault(spec: FaultSpec): void {
  if (!FAULT_TYPES.includes(spec.type))
    throw new Error(`unknown fault type ${JSON.stringify(spec.type)}; one of ${FAULT_TYPES.join(', ')}`);
  if (spec.type === 'node-never-ready' && !spec.node) throw new Error(`fault ${spec.type} needs a node`);
  if (spec.type === 'api-errors' && !(typeof spec.rate === 'number' && spec.rate > 0 && spec.rate <= 1))
    throw new Error('fault api-errors needs a rate in (0, 1]');
  for (const code of [...(spec.code !== undefined ? [spec.code] : []), ...(spec.codes ?? [])])
    if (spec.type === 'api-errors' && ![500, 502, 503, 504].includes(code))
      throw new Error('fault api-errors code must be 500, 502, 503 or 504');
  if (
    spec.everyMs !== undefined &&
    !(spec.type === 'drop-watches' && Number.isInteger(spec.everyMs) && spec.everyMs >= 10)
  )
    throw new Error('fault option everyMs is for drop-watches, an integer of at least 10 ms');
  if (
    spec.type === 'stall-requests' &&
    spec.rate !== undefined &&
    !(typeof spec.rate === 'number' && spec.rate > 0 && spec.rate <= 1 && spec.stallMs !== undefined)
  )
    throw new Error('fault stall-requests with a rate needs a rate in (0, 1] and stallMs');
  if (spec.type === 'slow-eviction' && !(typeof spec.delayMs === 'number' && spec.delayMs > 0))
    throw new Error('fault slow-eviction needs delayMs > 0');
}
