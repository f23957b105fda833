/**
 * Kubernetes resource quantities (`250m`, `1`, `1.5`, `512Mi`, `1Gi`, `2e3`) as plain numbers: CPU in
 * millicores, everything else in base units (bytes, pods). Also the request sum of a pod the scheduler uses:
 * the larger of the containers' sum and the largest init container, like kube-scheduler's NodeResourcesFit.
 */
import type { KObject } from '../store/types.js';

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a quantity in base units; undefined or unparsable → 0. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined || q === null) return 0;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return 0;
  const mult = SUFFIX[m[2]];
  if (mult === undefined) return 0;
  return Number(m[1]) * mult;
}

/** CPU quantity in millicores, rounded up like the apiserver's MilliValue. */
export function cpuMillis(q: string | number | undefined): number {
  return Math.ceil(Math.round(parseQuantity(q) * 1e6) / 1e3);
}

export interface Requests {
  /** millicores */
  cpu: number;
  /** bytes */
  memory: number;
}

function containerRequests(c: {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}): Requests {
  // A container with limits but no requests gets requests = limits (apiserver defaulting).
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  return { cpu: cpuMillis(req.cpu ?? lim.cpu), memory: parseQuantity(req.memory ?? lim.memory) };
}

/** What a pod asks of its node: max(Σ containers, max init container) per resource. */
export function podRequests(pod: KObject): Requests {
  const spec = pod.spec ?? {};
  const sum: Requests = { cpu: 0, memory: 0 };
  for (const c of spec.containers ?? []) {
    const r = containerRequests(c);
    sum.cpu += r.cpu;
    sum.memory += r.memory;
  }
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(c);
    sum.cpu = Math.max(sum.cpu, r.cpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  return sum;
}

/** Guaranteed / Burstable / BestEffort, from the containers' requests and limits. */
export function qosClass(spec: {
  containers?: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
}): string {
  const containers = spec.containers ?? [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      if (l === undefined || parseQuantity(req[r] ?? l) !== parseQuantity(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
