/**
 * Shared by the four removed-API sources (live requests, stored objects, Helm releases, manifest files):
 * which group-versions the control-plane hops remove, matching a (group-version, kind) or a resource name
 * against them, and one finding per removed API listing every object or file that uses it, with the release
 * that removes it and what to migrate to.
 */
import {
  findRemovedApi,
  formatMinor,
  REMOVED_APIS,
  replacementFor,
  type Finding,
  type FindingObject,
  type RemovedApi,
  type Severity,
} from '../plan/index.js';
import { count, finding, listNames } from './finding.js';
import type { PreflightContext } from './types.js';

/** Review kinds are never stored: they have no collection to list. */
export const VIRTUAL_KINDS = new Set([
  'TokenReview',
  'LocalSubjectAccessReview',
  'SelfSubjectAccessReview',
  'SubjectAccessReview',
  'SelfSubjectRulesReview',
  'SelfSubjectReview',
]);

/** The REST resource name of a kind: `NetworkPolicy` → `networkpolicies`, `Ingress` → `ingresses`. */
export const pluralOf = (kind: string): string => {
  const k = kind.toLowerCase();
  if (k.endsWith('y') && !/[aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (k.endsWith('s') || k.endsWith('x') || k.endsWith('ch')) return `${k}es`;
  return `${k}s`;
};

/** The minors the upgrade crosses: every removal in (from, target] takes effect at one of its control-plane hops. */
export const hopRange = (ctx: Pick<PreflightContext, 'path' | 'target'>): { from: number; to: number } => ({
  from: ctx.path.from.minor,
  to: ctx.target.minor,
});

export interface RemovalHit {
  api: RemovedApi;
  kind: string;
  object: FindingObject;
}

/** The removal of `kind` in `groupVersion` if it takes effect within (from, to]; with `upToTarget`, anything removed by `to`. */
export function removalOf(
  groupVersion: string,
  kind: string,
  range: { from: number; to: number },
  upToTarget = false,
): RemovedApi | undefined {
  const api = findRemovedApi(groupVersion, kind);
  if (!api || api.removedIn > range.to) return undefined;
  return upToTarget || api.removedIn > range.from ? api : undefined;
}

/** The removal of a resource (plural, as `/metrics` names it) in a group/version. */
export function removalOfResource(
  group: string,
  version: string,
  resource: string,
): { api: RemovedApi; kind: string } | undefined {
  const gv = group ? `${group}/${version}` : version;
  for (const api of REMOVED_APIS) {
    if (api.groupVersion !== gv) continue;
    const kind = api.kinds.find((k) => pluralOf(k) === resource);
    if (kind) return { api, kind };
  }
  return undefined;
}

/** What to move a removed kind to, as text. */
export function migrationText(api: RemovedApi, kind: string, targetMinor: number): string {
  const r = replacementFor(api.groupVersion, kind, targetMinor);
  const to = r
    ? `${r.groupVersion} ${kind}${r.availableSince !== undefined ? ` (served since ${formatMinor(r.availableSince)})` : ''}`
    : 'nothing: the API has no replacement';
  return `${api.groupVersion} ${kind} → ${to}${api.notes ? `. ${api.notes}` : ''}`;
}

/**
 * One finding per removed (group-version, kind), naming every hit. `what` describes the evidence
 * ("requested by clients"), `fix` says what to do for this source.
 */
export function removalFindings(
  id: string,
  severity: Severity,
  hits: readonly RemovalHit[],
  targetMinor: number,
  what: string,
  fix: (api: RemovedApi, kind: string, objects: FindingObject[]) => string,
): Finding[] {
  const groups = new Map<string, { api: RemovedApi; kind: string; objects: FindingObject[] }>();
  for (const h of hits) {
    const key = `${h.api.groupVersion} ${h.kind}`;
    const g = groups.get(key) ?? { api: h.api, kind: h.kind, objects: [] };
    g.objects.push(h.object);
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        a.api.removedIn - b.api.removedIn ||
        `${a.api.groupVersion} ${a.kind}`.localeCompare(`${b.api.groupVersion} ${b.kind}`),
    )
    .map(({ api, kind, objects }) => {
      const names = objects.map((o) => (o.namespace ? `${o.namespace}/${o.name}` : o.name));
      return finding(
        id,
        severity,
        `${api.groupVersion} ${kind} is removed in ${formatMinor(api.removedIn)} and is ${what} (${count(objects.length, 'use')}: ${listNames(names)}).`,
        objects,
        `Migrate ${migrationText(api, kind, targetMinor)}. ${fix(api, kind, objects)}`,
      );
    });
}

/** An `info` finding saying a source could not be read, so the check is incomplete (never a crash). */
export const sourceUnavailable = (
  source: string,
  why: string,
  objects: FindingObject[],
  remediation: string,
): Finding =>
  finding(
    'removed-api-source-unavailable',
    'info',
    `Removed-API check incomplete: ${source} could not be read (${why}).`,
    objects,
    remediation,
  );

/** Anything thrown, as a short reason. */
export const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));
