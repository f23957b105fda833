/**
 * The REST operations of each served kind, as data for both OpenAPI documents: paths (namespaced and cluster
 * scope, the status subresource, pods/eviction), verbs, their query parameters — `fieldValidation` on every write,
 * which is how kubectl learns that the server validates fields itself — and the group-version-kind each targets.
 */
import type { ServedKind } from './catalog.js';
import { META } from './catalog.js';

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

export interface Operation {
  path: string;
  method: Method;
  /** `x-kubernetes-action`: get, list, create, update, patch, delete, deletecollection. */
  action: string;
  operationId: string;
  gvk: { group: string; version: string; kind: string };
  tag: string;
  query: string[];
  pathParams: string[];
  /** Definition of the request body (create/update), or 'patch' for the patch types. */
  body?: string;
  /** Definition of the 200 response. */
  response: string;
}

export const QUERY_DESCRIPTIONS: Record<string, string> = {
  pretty: "If 'true', then the output is pretty printed.",
  dryRun: 'When present, indicates that modifications should not be persisted. Valid value: All.',
  fieldManager: 'fieldManager is a name associated with the actor or entity that is making these changes.',
  fieldValidation:
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. ' +
    'Valid values are: - Ignore: drops unknown fields silently. - Warn: sends a warning via the standard warning response header for each ' +
    'unknown field that is dropped (the default). - Strict: fails the request with a BadRequest error if any unknown fields would be dropped.',
  labelSelector: 'A selector to restrict the list of returned objects by their labels. Defaults to everything.',
  fieldSelector: 'A selector to restrict the list of returned objects by their fields. Defaults to everything.',
  limit: 'limit is a maximum number of responses to return for a list call.',
  continue: 'The continue option should be set when retrieving more results from the server.',
  resourceVersion: 'resourceVersion sets a constraint on what resource versions a request may be served from.',
  resourceVersionMatch: 'resourceVersionMatch determines how resourceVersion is applied to list calls.',
  timeoutSeconds: 'Timeout for the list/watch call.',
  watch:
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.',
  allowWatchBookmarks: 'allowWatchBookmarks requests watch events with type "BOOKMARK".',
  sendInitialEvents:
    'sendInitialEvents=true may be set together with watch=true to begin the stream with synthetic events.',
  gracePeriodSeconds: 'The duration in seconds before the object should be deleted.',
  propagationPolicy: "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.",
  name: 'name of the resource',
  namespace: 'object name and auth scope, such as for teams and projects',
};

const WRITE = ['pretty', 'dryRun', 'fieldManager', 'fieldValidation'];
const LIST = [
  'pretty',
  'labelSelector',
  'fieldSelector',
  'limit',
  'continue',
  'resourceVersion',
  'resourceVersionMatch',
  'timeoutSeconds',
  'watch',
  'allowWatchBookmarks',
  'sendInitialEvents',
];
const DELETE = ['pretty', 'dryRun', 'gracePeriodSeconds', 'propagationPolicy'];

const pascal = (s: string) => s.replace(/(^|[.-])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** The operations of one served kind. */
export function operationsOf(k: ServedKind): Operation[] {
  const { def, group, version, kind } = k;
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const tag = `${group ? pascal(group.replace(/\.k8s\.io$/, '')) : 'Core'}${pascal(version)}`;
  const id = (verb: string, scope: string, suffix = '') => `${verb}${tag}${scope}${kind}${suffix}`;
  const gvk = { group, version, kind };
  const ops: Operation[] = [];
  const collection = def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}` : `${base}/${def.plural}`;
  const item = `${collection}/{name}`;
  const scope = def.namespaced ? 'Namespaced' : '';
  const nsParam = def.namespaced ? ['namespace'] : [];
  const add = (o: Omit<Operation, 'gvk' | 'tag'>) => ops.push({ ...o, gvk, tag });
  const verbs = new Set(def.verbs);
  if (def.virtual) {
    add({
      path: `${base}/${def.plural}`,
      method: 'post',
      action: 'post',
      operationId: id('create', ''),
      query: WRITE,
      pathParams: [],
      body: k.definition,
      response: k.definition,
    });
    return ops;
  }
  if (verbs.has('list')) {
    add({
      path: collection,
      method: 'get',
      action: 'list',
      operationId: id('list', scope),
      query: LIST,
      pathParams: nsParam,
      response: k.listDefinition,
    });
    if (def.namespaced) {
      add({
        path: `${base}/${def.plural}`,
        method: 'get',
        action: 'list',
        operationId: id('list', '', 'ForAllNamespaces'),
        query: LIST,
        pathParams: [],
        response: k.listDefinition,
      });
    }
  }
  if (verbs.has('create')) {
    add({
      path: collection,
      method: 'post',
      action: 'post',
      operationId: id('create', scope),
      query: WRITE,
      pathParams: nsParam,
      body: k.definition,
      response: k.definition,
    });
  }
  if (verbs.has('deletecollection')) {
    add({
      path: collection,
      method: 'delete',
      action: 'deletecollection',
      operationId: id('deleteCollection', scope),
      query: [...DELETE, ...LIST.slice(1)],
      pathParams: nsParam,
      response: `${META}.Status`,
    });
  }
  const itemParams = ['name', ...nsParam];
  if (verbs.has('get'))
    add({
      path: item,
      method: 'get',
      action: 'get',
      operationId: id('read', scope),
      query: ['pretty'],
      pathParams: itemParams,
      response: k.definition,
    });
  if (verbs.has('update'))
    add({
      path: item,
      method: 'put',
      action: 'put',
      operationId: id('replace', scope),
      query: WRITE,
      pathParams: itemParams,
      body: k.definition,
      response: k.definition,
    });
  if (verbs.has('patch'))
    add({
      path: item,
      method: 'patch',
      action: 'patch',
      operationId: id('patch', scope),
      query: WRITE,
      pathParams: itemParams,
      body: 'patch',
      response: k.definition,
    });
  if (verbs.has('delete'))
    add({
      path: item,
      method: 'delete',
      action: 'delete',
      operationId: id('delete', scope),
      query: DELETE,
      pathParams: itemParams,
      response: `${META}.Status`,
    });
  for (const s of def.subresources ?? []) {
    const sub = `${item}/${s.name}`;
    const subId = pascal(s.name);
    if (s.name === 'eviction') {
      const evictionGvk = { group: s.group ?? group, version: s.version ?? version, kind: s.kind };
      const body = 'io.k8s.api.policy.v1.Eviction';
      ops.push({
        path: sub,
        method: 'post',
        action: 'post',
        operationId: id('create', scope, subId),
        gvk: evictionGvk,
        tag,
        query: WRITE,
        pathParams: itemParams,
        body,
        response: body,
      });
      continue;
    }
    if (s.name !== 'status') continue;
    add({
      path: sub,
      method: 'get',
      action: 'get',
      operationId: id('read', scope, subId),
      query: ['pretty'],
      pathParams: itemParams,
      response: k.definition,
    });
    add({
      path: sub,
      method: 'put',
      action: 'put',
      operationId: id('replace', scope, subId),
      query: WRITE,
      pathParams: itemParams,
      body: k.definition,
      response: k.definition,
    });
    add({
      path: sub,
      method: 'patch',
      action: 'patch',
      operationId: id('patch', scope, subId),
      query: WRITE,
      pathParams: itemParams,
      body: 'patch',
      response: k.definition,
    });
  }
  return ops;
}

/** The patch media types the sandbox accepts (no server-side apply). */
export const PATCH_MEDIA_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
