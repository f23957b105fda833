/**
 * Helm v3 releases (`removed-api-helm`): Helm keeps each release revision in a Secret of type
 * `helm.sh/release.v1`, labelled `owner=helm`, `name`, `version`, `status`, whose `data.release` is
 * base64(base64(gzip(JSON))). The JSON's `manifest` is the rendered multi-document YAML; `helm upgrade` diffs
 * against it and fails once it names an API the cluster no longer serves. The newest revision of each
 * release is decoded (secrets are read a page of 50 at a time and dropped after decoding).
 */
import { gunzipSync } from 'node:zlib';
import type { SecretInfo } from '../cluster/index.js';
import type { Finding } from '../plan/index.js';
import { obj } from './finding.js';
import { scanManifestText } from './manifests.js';
import {
  hopRange,
  reason,
  removalFindings,
  removalOf,
  sourceUnavailable,
  type RemovalHit,
} from './removed-apis-common.js';
import type { PreflightContext } from './types.js';

export const HELM_SECRET_TYPE = 'helm.sh/release.v1';

export interface HelmRelease {
  name: string;
  namespace: string;
  version: number;
  status: string;
  chart: string;
  manifest: string;
}

/** Decodes a release record as stored in `data.release` (Secret data is base64 itself). */
export function decodeHelmRelease(dataRelease: string): HelmRelease {
  const inner = Buffer.from(dataRelease, 'base64').toString('utf8');
  const bytes = Buffer.from(inner, 'base64');
  const json = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  const r = JSON.parse(json) as {
    name?: string;
    namespace?: string;
    version?: number;
    info?: { status?: string };
    chart?: { metadata?: { name?: string; version?: string } };
    manifest?: string;
  };
  const chart = r.chart?.metadata ? `${r.chart.metadata.name ?? ''}-${r.chart.metadata.version ?? ''}` : '';
  return {
    name: r.name ?? '',
    namespace: r.namespace ?? '',
    version: r.version ?? 0,
    status: r.info?.status ?? '',
    chart,
    manifest: r.manifest ?? '',
  };
}

/** Removed APIs in one release's manifest (anything the target no longer serves). */
export function helmReleaseHits(release: HelmRelease, range: { from: number; to: number }): RemovalHit[] {
  const { objects } = scanManifestText(release.manifest);
  return objects.flatMap((o) => {
    const api = removalOf(o.apiVersion, o.kind, range, true);
    if (!api) return [];
    const what = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} as ${o.apiVersion}`;
    return [
      {
        api,
        kind: o.kind,
        object: obj(
          'HelmRelease',
          release.name,
          release.namespace,
          `revision ${release.version}${release.chart ? ` (${release.chart})` : ''}: ${what}`,
        ),
      },
    ];
  });
}

export async function checkRemovedApisHelm(ctx: PreflightContext): Promise<Finding[]> {
  const range = hopRange(ctx);
  const newest = new Map<string, { version: number; hits: RemovalHit[] }>();
  const broken: { s: SecretInfo; why: string }[] = [];
  try {
    await ctx.client.forEachSecret('owner=helm', (s) => {
      if (s.type !== HELM_SECRET_TYPE || !s.data.release) return;
      const key = `${s.namespace}/${s.labels.name ?? s.name}`;
      const labelled = Number(s.labels.version ?? NaN);
      const seen = newest.get(key);
      if (seen && Number.isFinite(labelled) && labelled <= seen.version) return;
      try {
        const release = decodeHelmRelease(s.data.release);
        if (seen && release.version <= seen.version) return;
        newest.set(key, { version: release.version, hits: helmReleaseHits(release, range) });
      } catch (e) {
        broken.push({ s, why: reason(e) });
      }
    });
  } catch (e) {
    return [
      sourceUnavailable(
        'Helm release secrets',
        reason(e),
        [obj('Collection', 'secrets (owner=helm)', undefined, reason(e))],
        'Grant `list` on secrets to the planning user, or run `helm mapkubeapis --dry-run` on each release.',
      ),
    ];
  }
  const hits = [...newest.values()].flatMap((r) => r.hits);
  return [
    ...removalFindings(
      'removed-api-helm',
      'blocker',
      hits,
      ctx.target.minor,
      'in the stored manifest of Helm releases',
      (_api, _kind, objects) => {
        const first = objects[0];
        return `Update the chart to the new apiVersion, and rewrite the stored release so that \`helm upgrade\` keeps working: \`helm mapkubeapis ${first?.name ?? 'RELEASE'} --namespace ${first?.namespace ?? 'NS'}\` (the helm-mapkubeapis plugin), before or right after the upgrade.`;
      },
    ),
    ...(broken.length > 0
      ? [
          sourceUnavailable(
            'Helm release secrets',
            `${broken.length} could not be decoded`,
            broken.map((b) => obj('Secret', b.s.name, b.s.namespace, b.why)),
            'Inspect them with `helm history`; a corrupt release record also breaks `helm upgrade`.',
          ),
        ]
      : []),
  ];
}
