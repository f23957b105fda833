/**
 * Live usage of removed APIs (`removed-api-in-use`): kube-apiserver's `apiserver_requested_deprecated_apis`
 * gauge on `/metrics` names every deprecated group-version/resource requested since that apiserver started,
 * with the release that removes it. Requests through an API a hop removes mean a client will break. The
 * gauge is per apiserver instance and is reset by a restart, so the evidence may be partial; a 403/404 (or any
 * failure) on `/metrics` is reported as an `info`, never as a crash.
 */
import type { Finding } from '../plan/index.js';
import { obj } from './finding.js';
import {
  hopRange,
  reason,
  removalFindings,
  removalOfResource,
  sourceUnavailable,
  type RemovalHit,
} from './removed-apis-common.js';
import type { PreflightContext } from './types.js';

export interface DeprecatedApiSample {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  removedRelease: string;
}

const METRIC = 'apiserver_requested_deprecated_apis';

/** The samples of `apiserver_requested_deprecated_apis` in a Prometheus text exposition. */
export function parseDeprecatedApiMetrics(text: string): DeprecatedApiSample[] {
  const out: DeprecatedApiSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${METRIC}{`)) continue;
    const close = line.lastIndexOf('}');
    const labels: Record<string, string> = {};
    for (const m of line.slice(METRIC.length + 1, close).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
    const value = Number(
      line
        .slice(close + 1)
        .trim()
        .split(/\s+/)[0],
    );
    if (!(value > 0)) continue;
    out.push({
      group: labels.group ?? '',
      version: labels.version ?? '',
      resource: labels.resource ?? '',
      subresource: labels.subresource ?? '',
      removedRelease: labels.removed_release ?? '',
    });
  }
  return out;
}

/** Samples whose API is removed by one of the hops, as hits (the metric's removed_release wins when set). */
export function liveHits(samples: readonly DeprecatedApiSample[], range: { from: number; to: number }): RemovalHit[] {
  const hits: RemovalHit[] = [];
  for (const s of samples) {
    const known = removalOfResource(s.group, s.version, s.resource);
    const removed = /^1\.(\d+)$/.exec(s.removedRelease);
    const removedIn = removed ? Number(removed[1]) : known?.api.removedIn;
    if (removedIn === undefined || removedIn <= range.from || removedIn > range.to) continue;
    const gv = s.group ? `${s.group}/${s.version}` : s.version;
    const api = known?.api ?? {
      group: s.group,
      version: s.version,
      groupVersion: gv,
      kinds: [s.resource],
      removedIn,
      replacements: [],
      source: 'deprecation-guide' as const,
    };
    const resource = s.subresource ? `${s.resource}/${s.subresource}` : s.resource;
    hits.push({
      api: { ...api, removedIn },
      kind: known?.kind ?? s.resource,
      object: obj(
        'APIResource',
        `${resource}.${gv}`,
        undefined,
        `requested through ${gv} (removed_release ${s.removedRelease || `1.${removedIn}`})`,
      ),
    });
  }
  return hits;
}

export async function checkRemovedApisInUse(ctx: PreflightContext): Promise<Finding[]> {
  const range = hopRange(ctx);
  if (range.to <= range.from) return [];
  let res: { status: number; body: string };
  try {
    res = await ctx.client.rawGet('/metrics');
  } catch (e) {
    return [unavailable(reason(e))];
  }
  if (res.status !== 200)
    return [
      unavailable(
        `GET /metrics answered HTTP ${res.status}${res.status === 403 ? ': the user may not read metrics' : ''}`,
      ),
    ];
  const hits = liveHits(parseDeprecatedApiMetrics(res.body), range);
  return removalFindings(
    'removed-api-in-use',
    'blocker',
    hits,
    ctx.target.minor,
    'still requested by clients (apiserver_requested_deprecated_apis)',
    () =>
      'Find the clients — the apiserver audit log marks their requests with the annotation k8s.io/deprecated="true", and they receive a deprecation Warning header — and move them to the new API before the upgrade. The gauge only resets when the apiserver restarts: if the last client is already fixed, waive with --ignore-check removed-api-in-use.',
  );
}

const unavailable = (why: string): Finding =>
  sourceUnavailable(
    'live API usage (/metrics)',
    why,
    [obj('Endpoint', '/metrics', undefined, why)],
    'Grant `get` on the non-resource URL /metrics (e.g. the system:monitoring ClusterRole) to see which clients still use removed APIs, or check the apiserver audit log for k8s.io/deprecated="true".',
  );
