/** Parsing and validation of `sandbox up` options (pools, workload, version, time scale, timings, node-time jitter). */
import { invalidInput } from './errors.js';

export interface ParsedPool {
  name: string;
  count: number;
}

export function parsePools(values: string[] | undefined): ParsedPool[] | undefined {
  if (!values || values.length === 0) return undefined;
  const seen = new Set<string>();
  return values.map((v) => {
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=(\d+)$/.exec(v);
    if (!m)
      throw invalidInput(
        `--pool ${JSON.stringify(v)}: expected NAME=COUNT, e.g. --pool blue=3 (NAME lowercase letters, digits and dashes)`,
      );
    if (seen.has(m[1])) throw invalidInput(`--pool ${m[1]} is given twice`);
    seen.add(m[1]);
    const count = Number(m[3]);
    if (count < 0 || count > 10_000) throw invalidInput(`--pool ${v}: COUNT must be between 0 and 10000`);
    return { name: m[1], count };
  });
}

export type ParsedWorkload =
  { kind: 'demo' } | { kind: 'none' } | { kind: 'scale'; nodes: number; podsPerNode: number };

export function parseWorkload(v: string): ParsedWorkload {
  if (v === 'demo' || v === 'none') return { kind: v };
  const m = /^scale:(\d+)$/.exec(v);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 20_000) return { kind: 'scale', nodes: Number(m[1]), podsPerNode: 20 };
  throw invalidInput(`--workload ${JSON.stringify(v)}: expected demo, none or scale:N (N nodes, 1..20000)`);
}

export function parseKubeVersion(v: string): string {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v);
  if (!m) throw invalidInput(`--version ${JSON.stringify(v)}: expected a full version such as v1.31.4`);
  const minor = Number(m[2]);
  if (Number(m[1]) !== 1 || minor < 20 || minor > 40)
    throw invalidInput(`--version ${v}: the sandbox simulates Kubernetes 1.20 to 1.40`);
  return `v${m[1]}.${m[2]}.${m[3]}`;
}

export function parseTimeScale(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 100))
    throw invalidInput(
      `--time-scale ${JSON.stringify(v)}: expected a number in (0, 100], e.g. 0.1 for ten times faster`,
    );
  return n;
}

/**
 * `--timing NAME=MS` (repeatable) → simulated durations by name. `names` are the sandbox's timing names (passed in
 * by the command: this folder does not import the sandbox). A name given twice is refused.
 */
export function parseTimings(values: string[] | undefined, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values ?? []) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(v);
    if (!m)
      throw invalidInput(
        `--timing ${JSON.stringify(v)}: expected NAME=MS, e.g. --timing upgradeCommandMs=500 (names: ${names.join(', ')})`,
      );
    const [, name, ms] = m;
    if (!names.includes(name))
      throw invalidInput(`--timing ${name}: unknown timing; expected one of ${names.join(', ')}`);
    if (name in out) throw invalidInput(`--timing ${name} is given twice`);
    const n = Number(ms);
    const min = name === 'heartbeatMs' ? 1 : 0;
    if (!/^\d+(\.\d+)?$/.test(ms) || !(n >= min && n <= 86_400_000)) {
      throw invalidInput(`--timing ${v}: MS must be a number of simulated milliseconds between ${min} and 86400000`);
    }
    out[name] = n;
  }
  return out;
}

/** `--node-time-jitter F`: the spread of per-node upgrade times, in [0, 1). */
export function parseNodeTimeJitter(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n < 1)) {
    throw invalidInput(
      `--node-time-jitter ${JSON.stringify(v)}: expected a fraction in [0, 1), e.g. 0.5 for node times between 0.5× and 1.5×`,
    );
  }
  return n;
}
