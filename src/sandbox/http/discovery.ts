/**
 * Discovery documents, legacy (/api, /apis, /api/v1, /apis/{g}/{v}) and aggregated (apidiscovery.k8s.io v2
 * and v2beta1, negotiated from the Accept header), listing exactly the group-versions the cluster's version
 * serves according to the removed-API table.
 */
import { RESOURCES, groupVersion, servedGroups, servedVersions, type ResourceDef } from '../api/resources.js';

export type DiscoveryFlavour = 'legacy' | 'v2' | 'v2beta1';

/** kubectl 1.30+ asks for v2 then v2beta1; 1.26–1.29 only v2beta1. Anything else gets legacy JSON. */
export function negotiateDiscovery(accept: string | undefined): DiscoveryFlavour {
  if (!accept || !accept.includes('as=APIGroupDiscoveryList')) return 'legacy';
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList')) continue;
    if (/v=v2(;|$)/.test(part.replace(/\s/g, ''))) return 'v2';
    if (/v=v2beta1(;|$)/.test(part.replace(/\s/g, ''))) return 'v2beta1';
  }
  return 'legacy';
}

export function discoveryContentType(f: DiscoveryFlavour): string {
  return f === 'legacy' ? 'application/json' : `application/json;g=apidiscovery.k8s.io;v=${f};as=APIGroupDiscoveryList`;
}

export function legacyApiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function legacyApiGroupList(minor: number, defs: readonly ResourceDef[] = RESOURCES) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups(minor, defs)
      .filter((g) => g.group !== '')
      .map((g) => ({
        name: g.group,
        versions: g.versions.map((v) => ({ groupVersion: groupVersion(g.group, v), version: v })),
        preferredVersion: { groupVersion: groupVersion(g.group, g.versions[0]), version: g.versions[0] },
      })),
  };
}

/** APIResourceList for one group-version, or undefined when that group-version is not served. */
export function apiResourceList(
  group: string,
  version: string,
  minor: number,
  all: readonly ResourceDef[] = RESOURCES,
) {
  const defs = all.filter((d) => d.group === group && servedVersions(d, minor).some((v) => v.version === version));
  if (defs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const d of defs) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
      ...(d.categories ? { categories: d.categories } : {}),
    });
    for (const s of d.subresources ?? []) {
      resources.push({
        name: `${d.plural}/${s.name}`,
        singularName: '',
        namespaced: d.namespaced,
        ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

function aggregatedResource(d: ResourceDef, version: string) {
  return {
    resource: d.plural,
    responseKind: { group: d.group, version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: d.verbs,
    ...(d.shortNames ? { shortNames: d.shortNames } : {}),
    ...(d.categories ? { categories: d.categories } : {}),
    ...(d.subresources
      ? {
          subresources: d.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group ?? d.group, version: s.version ?? version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

/** The aggregated document for `/api` (core only) or `/apis` (every named group). */
export function aggregatedDiscovery(
  flavour: 'v2' | 'v2beta1',
  core: boolean,
  minor: number,
  defs: readonly ResourceDef[] = RESOURCES,
) {
  const groups = servedGroups(minor, defs).filter((g) => (core ? g.group === '' : g.group !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${flavour}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: core ? {} : { name: g.group },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: defs
          .filter((d) => d.group === g.group && servedVersions(d, minor).some((sv) => sv.version === v))
          .map((d) => aggregatedResource(d, v)),
      })),
    })),
  };
}
