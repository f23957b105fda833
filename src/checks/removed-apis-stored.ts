/**
 * Stored objects touched through removed APIs (`removed-api-stored`): for every kind a hop removes, its whole
 * collection is listed once (paginated, through a group-version the cluster serves today) and each object's
 * `metadata.managedFields[].apiVersion` and `kubectl.kubernetes.io/last-applied-configuration` annotation
 * are read. A manager that wrote through the removed API, or a last `kubectl apply` made with it, points at a
 * pipeline or manifest that will fail after the upgrade. Kinds with no replacement (PodSecurityPolicy) are
 * listed through the removed API itself: every such object is a hit. Only collections of removed kinds are
 * listed — core/v1 objects (ConfigMaps, Secrets, Pods) can never name a removed API — so the request count
 * depends on the hops, not on the cluster's size. Events are skipped (short-lived, and huge).
 */
import type { ObjectMetaInfo } from '../cluster/index.js';
import { replacementFor, removedBetween, type Finding, type RemovedApi } from '../plan/index.js';
import { obj } from './finding.js';
import {
  hopRange,
  pluralOf,
  reason,
  removalFindings,
  sourceUnavailable,
  VIRTUAL_KINDS,
  type RemovalHit,
} from './removed-apis-common.js';
import type { PreflightContext } from './types.js';

export interface StoredCollection {
  /** `/apis/policy/v1/poddisruptionbudgets` */
  path: string;
  kind: string;
  /** The removed group-versions of this kind that the hops remove. */
  removals: RemovedApi[];
  /** Listed through a removed API because there is no replacement: every object is a hit. */
  listedThroughRemoved: boolean;
}

const SKIPPED_KINDS = new Set([...VIRTUAL_KINDS, 'Event']);

const collectionPath = (groupVersion: string, kind: string): string =>
  `${groupVersion.includes('/') ? '/apis' : '/api'}/${groupVersion}/${pluralOf(kind)}`;

/** The collections to list for the removals in (from, to], one per kind, through what `from` serves. */
export function storedCollections(range: { from: number; to: number }): StoredCollection[] {
  const byPath = new Map<string, StoredCollection>();
  for (const api of removedBetween(range.from, range.to)) {
    for (const kind of api.kinds) {
      if (SKIPPED_KINDS.has(kind)) continue;
      const via = replacementFor(api.groupVersion, kind, range.from);
      const path = collectionPath(via?.groupVersion ?? api.groupVersion, kind);
      const c = byPath.get(path) ?? { path, kind, removals: [], listedThroughRemoved: via === undefined };
      c.removals.push(api);
      byPath.set(path, c);
    }
  }
  return [...byPath.values()];
}

/** The hits among the listed objects of one collection. */
export function storedHits(c: StoredCollection, objects: readonly ObjectMetaInfo[]): RemovalHit[] {
  const hits: RemovalHit[] = [];
  for (const o of objects) {
    for (const api of c.removals) {
      const why: string[] = [];
      if (c.listedThroughRemoved) why.push(`stored ${c.kind}; the kind is not served from 1.${api.removedIn}`);
      for (const f of o.managedFields) {
        if (f.apiVersion === api.groupVersion)
          why.push(
            `managedFields: "${f.manager}" (${f.operation}${f.subresource ? ` ${f.subresource}` : ''}) wrote through ${f.apiVersion}`,
          );
      }
      if (o.lastAppliedApiVersion === api.groupVersion)
        why.push(`last-applied-configuration: applied as ${api.groupVersion}`);
      if (why.length > 0) hits.push({ api, kind: c.kind, object: obj(c.kind, o.name, o.namespace, why.join('; ')) });
    }
  }
  return hits;
}

export async function checkRemovedApisStored(ctx: PreflightContext): Promise<Finding[]> {
  const range = hopRange(ctx);
  if (range.to <= range.from) return [];
  const collections = storedCollections(range);
  const results = await Promise.all(
    collections.map(async (c) => {
      try {
        return { c, objects: (await ctx.client.listObjectMeta(c.path)) ?? [] };
      } catch (e) {
        return { c, error: reason(e) };
      }
    }),
  );
  const hits = results.flatMap((r) => ('objects' in r && r.objects ? storedHits(r.c, r.objects) : []));
  const failed = results.filter((r): r is { c: StoredCollection; error: string } => 'error' in r);
  return [
    ...removalFindings(
      'removed-api-stored',
      'warning',
      hits,
      ctx.target.minor,
      'how stored objects were last written or applied',
      (api, kind) =>
        `Whoever manages these objects (the manager names above; a CI pipeline, a GitOps controller, \`kubectl apply\` of old manifests) must switch to ${replacementFor(api.groupVersion, kind, ctx.target.minor)?.groupVersion ?? 'a replacement'} — re-applying with the new apiVersion records it. The objects themselves stay readable through the new API.`,
    ),
    ...(failed.length > 0
      ? [
          sourceUnavailable(
            'stored objects',
            failed.map((f) => `${f.c.path}: ${f.error}`).join('; '),
            failed.map((f) => obj('Collection', f.c.path, undefined, f.error)),
            'Grant `list` on these collections to the planning user, or check them by hand: `kubectl get <kind> -A --show-managed-fields -o yaml | grep apiVersion`.',
          ),
        ]
      : []),
  ];
}
