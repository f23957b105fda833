/**
 * Parsers for what etcdctl/etcdutl print: `version`, `snapshot status -w json`, `endpoint health -w json`.
 * Pure; they return undefined (or throw a TypeError) on output they do not recognise.
 */
import type { SnapshotStatus } from './types.js';

/** `etcdctl version: 3.4.23` / `etcdutl version: 3.5.9` → `3.4.23`. */
export const parseToolVersion = (stdout: string): string | undefined =>
  /\b(?:etcdctl|etcdutl) version:\s*v?(\d+\.\d+\.\d+\S*)/.exec(stdout)?.[1];

/** `{"hash":…,"revision":…,"totalKey":…,"totalSize":…}` (one JSON object; etcdutl may add a version field). */
export const parseSnapshotStatus = (stdout: string): SnapshotStatus => {
  const start = stdout.indexOf('{');
  const end = stdout.lastIndexOf('}');
  if (start < 0 || end < start)
    throw new TypeError(`snapshot status printed no JSON object: ${JSON.stringify(stdout.slice(0, 200))}`);
  let o: unknown;
  try {
    o = JSON.parse(stdout.slice(start, end + 1));
  } catch (e) {
    throw new TypeError(`snapshot status printed invalid JSON: ${(e as Error).message}`, { cause: e });
  }
  const r = o as Record<string, unknown>;
  const num = (k: string): number => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new TypeError(`snapshot status JSON has no numeric ${k}: ${JSON.stringify(o)}`);
    return v;
  };
  return { hash: num('hash'), revision: num('revision'), totalKeys: num('totalKey'), totalSize: num('totalSize') };
};

export interface EndpointHealth {
  endpoint: string;
  healthy: boolean;
  error?: string;
}

/** `[{"endpoint":"…","health":true,"took":"…"},{"endpoint":"…","health":false,"error":"…"}]`. */
export const parseEndpointHealth = (stdout: string): EndpointHealth[] | undefined => {
  const start = stdout.indexOf('[');
  const end = stdout.lastIndexOf(']');
  if (start < 0 || end < start) return undefined;
  let arr: unknown;
  try {
    arr = JSON.parse(stdout.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (!Array.isArray(arr)) return undefined;
  const out: EndpointHealth[] = [];
  for (const x of arr as Record<string, unknown>[]) {
    if (!x || typeof x.endpoint !== 'string') return undefined;
    const healthy = x.health === true || x.health === 'true';
    out.push({
      endpoint: x.endpoint,
      healthy,
      ...(healthy ? {} : { error: typeof x.error === 'string' && x.error ? x.error : 'unhealthy' }),
    });
  }
  return out;
};

/** The major and minor of a version string, or undefined. */
export const minorOf = (version: string): { major: number; minor: number } | undefined => {
  const m = /^(\d+)\.(\d+)\./.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
};
