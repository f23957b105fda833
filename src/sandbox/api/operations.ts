/**
 * The API verbs on the store: get, list (selectors, pagination), create, update, patch, delete (graceful for
 * pods), with the apiserver's error semantics. The HTTP layer maps URLs to these; controllers never use them
 * (they write the store directly, like controllers owning their objects' status).
 */
import type { SandboxCluster } from '../cluster.js';
import type { KObject } from '../store/types.js';
import { StoreError, isoSeconds } from '../store/object-store.js';
import { type ResourceDef, storageKey, qualifiedName } from './resources.js';
import { ApiError, notFound, alreadyExists, conflict, badRequest } from './status.js';
import { prepareCreate, recordManager, validate } from './defaults.js';
import { applyPatch, PatchError, type PatchType } from './patch.js';
import { parseLabelSelector, parseFieldSelector, matchFields, SelectorError } from './selectors.js';
import { keepClusterIP, prepareService } from './services.js';

export interface WriteContext {
  manager: string;
  gv: string;
  dryRun?: boolean;
  /**
   * Field validation of the object about to be stored (unknown fields dropped, reported, or refused by
   * throwing); `patch` is given when `obj` is a patch's result.
   */
  checkFields?: (obj: KObject, patch?: unknown) => void;
}

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export class ApiOperations {
  constructor(private readonly cluster: SandboxCluster) {}

  private get store() {
    return this.cluster.store;
  }

  get(def: ResourceDef, ns: string | undefined, name: string): KObject {
    const obj = this.store.get(storageKey(def), ns, name);
    if (!obj) throw notFound(qualifiedName(def), name, def.group, def.plural);
    return obj;
  }

  /** Builds a filter for watch and list from the selector query parameters. */
  filter(q: ListQuery): (o: KObject) => boolean {
    try {
      const lm = q.labelSelector ? parseLabelSelector(q.labelSelector) : undefined;
      const fr = q.fieldSelector ? parseFieldSelector(q.fieldSelector) : undefined;
      return (o) => (!lm || lm(o.metadata.labels)) && (!fr || matchFields(fr, o));
    } catch (e) {
      if (e instanceof SelectorError) throw badRequest(e.message);
      throw e;
    }
  }

  list(def: ResourceDef, ns: string | undefined, q: ListQuery): ListResult {
    const key = storageKey(def);
    const match = this.filter(q);
    let start = '';
    let rv = String(this.store.resourceVersion);
    if (q.continue) {
      const tok = decodeContinue(q.continue);
      if (Number(tok.rv) < this.store.oldestWatchableRv) {
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      start = tok.start;
      rv = tok.rv;
    }
    const limit = q.limit && q.limit > 0 ? q.limit : Infinity;
    const nodeName = /(?:^|,)spec\.nodeName=([^,]*)/.exec(q.fieldSelector ?? '')?.[1];
    const result: ListResult = { items: [], resourceVersion: rv };
    if (key === 'pods' && nodeName !== undefined && nodeName !== '') {
      // Pods of one node come from the node index (kubectl drain's query), not a scan of every pod.
      const candidates = this.store
        .byIndex('pods', 'node', nodeName)
        .filter((p) => (!ns || p.metadata.namespace === ns) && keyOf(p) > start && match(p));
      candidates.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
      result.items = candidates.slice(0, limit);
      if (candidates.length > result.items.length) {
        result.continue = encodeContinue(rv, keyOf(result.items[result.items.length - 1]));
        result.remainingItemCount = candidates.length - result.items.length;
      }
      return result;
    }
    const page = this.store.page(key, start, limit, match, ns);
    result.items = page.items;
    if (page.more && page.items.length > 0) {
      result.continue = encodeContinue(rv, keyOf(page.items[page.items.length - 1]));
      // Like the apiserver, the count is only given when no selector filters the list.
      if (!q.labelSelector && !q.fieldSelector && page.remaining !== undefined)
        result.remainingItemCount = page.remaining;
    }
    return result;
  }

  create(def: ResourceDef, ns: string | undefined, body: KObject, ctx: WriteContext): KObject {
    if (def.namespaced) this.requireNamespace(ns!);
    const obj = prepareCreate(def, ctx.gv, ns, body, this.cluster.random);
    if (def.kind === 'Service' && !ctx.dryRun) prepareService(this.cluster, obj);
    ctx.checkFields?.(obj);
    recordManager(obj, ctx.manager, 'Update', ctx.gv);
    if (ctx.dryRun) return obj;
    try {
      return this.store.create(storageKey(def), obj);
    } catch (e) {
      if (e instanceof StoreError && e.reason === 'AlreadyExists')
        throw alreadyExists(qualifiedName(def), obj.metadata.name, def.group, def.plural);
      throw e;
    }
  }

  /** PUT. The main resource keeps its status; the status subresource changes only status. */
  update(
    def: ResourceDef,
    ns: string | undefined,
    name: string,
    body: KObject,
    ctx: WriteContext,
    subresource?: string,
  ): KObject {
    const cur = this.get(def, ns, name);
    if (!body?.metadata) throw badRequest('the body of the request was not a Kubernetes object');
    if (body.metadata.name && body.metadata.name !== name)
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    const next: KObject =
      subresource === 'status' ? { ...structuredClone(cur), status: body.status } : { ...body, status: cur.status };
    next.metadata = {
      ...(subresource === 'status' ? next.metadata : body.metadata),
      name,
      namespace: ns,
      deletionTimestamp: cur.metadata.deletionTimestamp,
    };
    if (!next.metadata.deletionTimestamp) delete next.metadata.deletionTimestamp;
    if (!def.namespaced) delete next.metadata.namespace;
    next.apiVersion = cur.apiVersion;
    next.kind = def.kind;
    if (def.kind === 'Service') keepClusterIP(cur, next);
    ctx.checkFields?.(next);
    validate(def, next);
    next.metadata.managedFields = cur.metadata.managedFields ? structuredClone(cur.metadata.managedFields) : undefined;
    recordManager(next, ctx.manager, 'Update', ctx.gv, subresource);
    if (ctx.dryRun) return next;
    return this.write(def, next, body.metadata.resourceVersion);
  }

  patch(
    def: ResourceDef,
    ns: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    ctx: WriteContext,
    subresource?: string,
  ): KObject {
    const cur = this.get(def, ns, name);
    let next: KObject;
    try {
      next = applyPatch(type, structuredClone(cur), patch) as KObject;
    } catch (e) {
      if (e instanceof PatchError) throw new ApiError(e.code, e.code === 422 ? 'Invalid' : 'BadRequest', e.message);
      throw e;
    }
    if (!next || typeof next !== 'object' || !next.metadata)
      throw new ApiError(422, 'Invalid', 'the patch removed metadata');
    const precondition = (patch as KObject)?.metadata?.resourceVersion;
    next.metadata.name = name;
    next.metadata.uid = cur.metadata.uid;
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    if (subresource === 'status') next = { ...structuredClone(cur), status: next.status };
    else if (def.subresources?.some((s) => s.name === 'status')) next.status = cur.status;
    if (def.kind === 'Service') keepClusterIP(cur, next);
    ctx.checkFields?.(next, patch);
    validate(def, next);
    recordManager(next, ctx.manager, 'Update', ctx.gv, subresource);
    if (ctx.dryRun) return next;
    return this.write(def, next, typeof precondition === 'string' ? precondition : undefined);
  }

  /**
   * DELETE. Pods are deleted gracefully (deletionTimestamp now + grace; the kubelet removes them), unless
   * unscheduled, finished, or grace 0. Everything else goes at once; owners' dependents are collected by the
   * garbage collector.
   */
  delete(def: ResourceDef, ns: string | undefined, name: string, opts: DeleteOptions): KObject {
    const cur = this.get(def, ns, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== cur.metadata.uid) {
      throw new ApiError(
        409,
        'Conflict',
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
        { name, kind: def.plural },
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`,
        { name, kind: def.plural },
      );
    }
    if (opts.dryRun) return cur;
    if (def.kind === 'Pod') return this.deletePod(cur, opts.gracePeriodSeconds);
    if (def.kind === 'Namespace') return this.deleteNamespace(cur);
    return this.store.remove(storageKey(def), ns, name);
  }

  deletePod(pod: KObject, gracePeriodSeconds?: number): KObject {
    const phase = pod.status?.phase;
    let grace = gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
    if (grace < 0) grace = 1;
    const { namespace, name } = pod.metadata;
    if (grace === 0) return this.store.remove('pods', namespace, name);
    const existing = pod.metadata.deletionGracePeriodSeconds;
    if (pod.metadata.deletionTimestamp && existing !== undefined && existing <= grace) return pod;
    return this.store.mutate('pods', namespace, name, (p) => {
      p.metadata.deletionTimestamp = isoSeconds(new Date(Date.now() + grace * 1000));
      p.metadata.deletionGracePeriodSeconds = grace;
      p.metadata.generation = (p.metadata.generation ?? 1) + 1;
    })!;
  }

  private deleteNamespace(ns: KObject): KObject {
    const name = ns.metadata.name;
    if (['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(name)) {
      throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, {
        name,
        kind: 'namespaces',
      });
    }
    const tables = [
      'pods',
      'configmaps',
      'secrets',
      'apps/deployments',
      'apps/replicasets',
      'apps/daemonsets',
      'apps/statefulsets',
      'policy/poddisruptionbudgets',
      'coordination.k8s.io/leases',
      'services',
      'endpoints',
      'discovery.k8s.io/endpointslices',
      'events',
    ];
    for (const key of [...tables, ...this.cluster.customResources.namespacedTables()]) {
      for (const o of this.store.list(key, name)) this.store.remove(key, name, o.metadata.name);
    }
    return this.store.remove('namespaces', undefined, name);
  }

  requireNamespace(ns: string): void {
    if (!this.store.get('namespaces', undefined, ns)) throw notFound('namespaces', ns, '', 'namespaces');
  }

  private write(def: ResourceDef, obj: KObject, expectRv?: string): KObject {
    try {
      return this.store.update(storageKey(def), obj, expectRv);
    } catch (e) {
      if (e instanceof StoreError && e.reason === 'Conflict')
        throw conflict(qualifiedName(def), obj.metadata.name, def.group, def.plural);
      if (e instanceof StoreError && e.reason === 'NotFound')
        throw notFound(qualifiedName(def), obj.metadata.name, def.group, def.plural);
      throw e;
    }
  }
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

function keyOf(o: KObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

function encodeContinue(rv: string, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(tok: string): { rv: string; start: string } {
  try {
    const t = JSON.parse(Buffer.from(tok, 'base64url').toString('utf8'));
    if (typeof t.rv === 'string' && typeof t.start === 'string') return t;
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}
