/**
 * Where the sandbox keeps each object in etcd, as kube-apiserver lays it out: `/registry/<resource>/<namespace>/<name>`
 * for namespaced objects and `/registry/<resource>/<name>` for cluster-scoped ones, where <resource> is the plural
 * without its group (`/registry/deployments/…`), nodes live under `/registry/minions/` like in a real cluster;
 * custom resources (tables of kinds CRDs registered) under `/registry/<group>/<plural>/…`, as kube-apiserver keeps them.
 */
import { RESOURCES, storageKey } from '../api/resources.js';

export const REGISTRY_PREFIX = '/registry/';

/** etcd directory names kube-apiserver uses instead of the plural. */
const SPECIAL_DIRS: Record<string, string> = { nodes: 'minions' };

/** The etcd directory of a store table (`apps/deployments` → `deployments`, `nodes` → `minions`). */
export function etcdDir(resource: string): string {
  if (resource.includes('/') && !BUILT_IN.has(resource)) return resource;
  const plural = resource.slice(resource.lastIndexOf('/') + 1);
  return SPECIAL_DIRS[plural] ?? plural;
}

export function etcdKey(resource: string, namespace: string | undefined, name: string): string {
  return `${REGISTRY_PREFIX}${etcdDir(resource)}/${namespace ? `${namespace}/` : ''}${name}`;
}

const BUILT_IN = new Set(RESOURCES.map(storageKey));

/** etcd directory → store table, for every built-in resource the sandbox serves. */
const TABLE_BY_DIR = new Map<string, string>(RESOURCES.map((def) => [etcdDir(storageKey(def)), storageKey(def)]));

/** The store table, namespace and name a registry key holds, or undefined for a key the sandbox does not know. */
export function parseEtcdKey(key: string): { resource: string; namespace?: string; name: string } | undefined {
  if (!key.startsWith(REGISTRY_PREFIX)) return undefined;
  let parts = key.slice(REGISTRY_PREFIX.length).split('/');
  let resource = TABLE_BY_DIR.get(parts[0]);
  if (!resource && parts[0].includes('.') && parts.length >= 3) {
    // A custom resource: /registry/<group>/<plural>/[<namespace>/]<name>.
    resource = `${parts[0]}/${parts[1]}`;
    parts = parts.slice(1);
  }
  if (!resource) return undefined;
  if (parts.length === 2) return { resource, name: parts[1] };
  if (parts.length === 3) return { resource, namespace: parts[1], name: parts[2] };
  return undefined;
}
