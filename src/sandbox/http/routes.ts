/** Maps a request path to what it addresses: discovery, a resource collection or object, or the admin API. */
import { RESOURCES, isServed, type ResourceDef } from '../api/resources.js';

export type Route =
  | { type: 'version' | 'health' | 'metrics' | 'openapi' | 'api' | 'apis' | 'notfound' }
  | { type: 'groupversion'; group: string; version: string }
  | {
      type: 'resource';
      group: string;
      version: string;
      def: ResourceDef;
      namespace?: string;
      name?: string;
      subresource?: string;
    }
  | { type: 'admin'; parts: string[] };

/** `custom`: the resources CustomResourceDefinitions registered, served after the built-in ones. */
export function route(path: string, minor: number, custom: readonly ResourceDef[] = []): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (path === '/version' || path === '/version/') return { type: 'version' };
  if (['healthz', 'livez', 'readyz'].includes(parts[0] ?? '')) return { type: 'health' };
  if (parts[0] === 'metrics' && parts.length === 1) return { type: 'metrics' };
  if (parts[0] === 'openapi') return { type: 'openapi' };
  if (parts[0] === 'sandbox' && parts[1] === 'v1') return { type: 'admin', parts: parts.slice(2) };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'api' };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'apis' };
    if (parts.length === 2) return { type: 'notfound' };
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return { type: 'notfound' };
  if (rest.length === 0) return { type: 'groupversion', group, version };
  const find = (plural: string) => {
    const def =
      RESOURCES.find((r) => r.group === group && r.plural === plural) ??
      custom.find((r) => r.group === group && r.plural === plural);
    return def && def.versions.some((v) => v.version === version && isServed(v, minor)) ? def : undefined;
  };
  // /namespaces/{ns}/{plural}[/{name}[/{sub}]] addresses a namespaced resource.
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && rest[2] === 'status' && group === '' && !find('status'))
  ) {
    const def = find(rest[2]);
    if (!def || !def.namespaced || rest.length > 5) return { type: 'notfound' };
    return { type: 'resource', group, version, def, namespace: rest[1], name: rest[3], subresource: rest[4] };
  }
  const def = find(rest[0]);
  if (!def || rest.length > 3) return { type: 'notfound' };
  return { type: 'resource', group, version, def, name: rest[1], subresource: rest[2] };
}
