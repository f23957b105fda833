/**
 * Serves one resource request: get, list (plain or Table), watch, create, update, patch, delete,
 * deletecollection, plus the eviction and status subresources and SelfSubjectAccessReview. Pod gets and
 * lists are answered in protobuf when the client asks for it (see ./protobuf/).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxCluster } from '../cluster.js';
import type { KObject } from '../store/types.js';
import { ApiOperations, type DeleteOptions, type WriteContext } from '../api/operations.js';
import { evictPod } from '../api/eviction.js';
import { ApiError } from '../api/status.js';
import { authorize, review, type User } from '../api/authz.js';
import { managerName } from '../api/defaults.js';
import { queryBool } from '../api/query.js';
import { fieldValidationOf, unknownFields, strictDecodingError, type OpenApi } from '../openapi/index.js';
import { applyPatch, PATCH_TYPES, PatchError, type PatchType } from '../api/patch.js';
import { groupVersion, storageKey, type ResourceDef } from '../api/resources.js';
import { parseJson, readBody, sendJson, sendStatus } from './respond.js';
import { toTable, wantsTable } from './tables.js';
import type { WatchHub } from './watch.js';
import { viewFor, type ObjectView } from './event-view.js';
import { getScale, patchScale, updateScale } from '../api/scale.js';
import {
  negotiate,
  POD_PROTOBUF,
  PodList,
  ProtobufEncodeError,
  ProtobufStats,
  sendProtobufObject,
  streamProtobufList,
  type Negotiated,
  type PodEncoding,
} from './protobuf/index.js';

/** Items encoded per event-loop turn while a protobuf list is prepared (cold caches only). */
const ENCODE_SLICE = 2000;

export interface ResourceRequest {
  def: ResourceDef;
  group: string;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  user: User;
}

export function verbOf(method: string, r: ResourceRequest): string {
  if (method === 'GET') return r.name ? 'get' : queryBool(r.query, 'watch') ? 'watch' : 'list';
  if (method === 'POST') return 'create';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return r.name ? 'delete' : 'deletecollection';
  return method.toLowerCase();
}

export class ResourceHandler {
  readonly ops: ApiOperations;

  constructor(
    private readonly cluster: SandboxCluster,
    private readonly watches: WatchHub,
    readonly protobufStats = new ProtobufStats(),
    private readonly openapi?: OpenApi,
  ) {
    this.ops = new ApiOperations(cluster);
  }

  async handle(req: IncomingMessage, res: ServerResponse, r: ResourceRequest): Promise<void> {
    const method = req.method ?? 'GET';
    const verb = verbOf(method, r);
    const resourceName = r.subresource ? `${r.def.plural}/${r.subresource}` : r.def.plural;
    // Every authenticated user may ask what it may do (as with the real system:basic-user role).
    if (!r.def.virtual) authorize(r.user, verb, r.group, resourceName, r.namespace, r.name);
    const view = viewFor(r.def, r.group, r.version);
    const gv = view?.storedGv ?? groupVersion(r.group, r.version);
    const ctx: WriteContext = {
      manager: managerName(r.query.get('fieldManager'), req.headers['user-agent']),
      gv,
      dryRun: r.query.get('dryRun') === 'All',
    };
    if (['create', 'update', 'patch'].includes(verb)) ctx.checkFields = this.fieldChecker(res, r);
    const sub = r.subresource;
    if (sub && !(r.def.subresources ?? []).some((s) => s.name === sub))
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (r.def.virtual) {
      if (verb !== 'create') throw methodNotAllowed(verb, r.def.plural);
      const body = parseJson(await readBody(req), true) as Parameters<typeof review>[1] | undefined;
      if (!body)
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: application/json (the sandbox does not decode protobuf)',
        );
      return sendJson(res, 201, review(r.user, body));
    }
    if (sub === 'eviction') {
      if (verb !== 'create') throw methodNotAllowed(verb, 'pods/eviction');
      const body = parseJson(await readBody(req)) as Parameters<typeof evictPod>[4];
      const delay = this.cluster.faults.evictionDelayMs();
      if (delay > 0) await this.cluster.clock.sleep(delay);
      return sendStatus(res, evictPod(this.cluster, this.ops, r.namespace!, r.name!, body ?? {}));
    }
    if (sub === 'scale') return this.scale(req, res, r, verb, ctx);
    if (view && verb === 'patch') return this.patchView(req, res, r, view, ctx);
    switch (verb) {
      case 'get': {
        const obj = this.ops.get(r.def, r.namespace, r.name!);
        const mode = this.protobufMode(req, r);
        if (mode !== 'json') {
          const enc = this.cluster.store.encoded<PodEncoding>(storageKey(r.def), obj, POD_PROTOBUF);
          if (!(enc instanceof ProtobufEncodeError)) {
            this.protobufStats.responses++;
            return sendProtobufObject(res, 200, groupVersion(r.group, r.version), r.def.kind, enc);
          }
          this.protobufFailed(mode, `pod "${obj.metadata.name}"`, enc);
        }
        return this.sendObject(req, res, r, obj);
      }
      case 'list':
        return this.list(req, res, r);
      case 'watch':
        return this.watch(req, res, r);
      case 'create': {
        if (r.name) throw methodNotAllowed('create', r.def.plural);
        const body = parseJson(await readBody(req)) as KObject;
        return this.sendObject(req, res, r, this.ops.create(r.def, r.namespace, view ? view.in(body) : body, ctx), 201);
      }
      case 'update': {
        const body = parseJson(await readBody(req)) as KObject;
        const next = view ? view.in(body) : body;
        return this.sendObject(req, res, r, this.ops.update(r.def, r.namespace, r.name!, next, ctx, sub));
      }
      case 'patch': {
        const type = (req.headers['content-type'] ?? '').split(';')[0].trim() as PatchType;
        if (!PATCH_TYPES.includes(type)) {
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
          );
        }
        const body = parseJson(await readBody(req));
        return this.sendObject(req, res, r, this.ops.patch(r.def, r.namespace, r.name!, type, body, ctx, sub));
      }
      case 'delete': {
        const opts = deleteOptions(parseJson(await readBody(req), true), r.query);
        return this.sendObject(req, res, r, this.ops.delete(r.def, r.namespace, r.name!, opts));
      }
      case 'deletecollection': {
        const opts = deleteOptions(parseJson(await readBody(req), true), r.query);
        const fieldSelector = fieldSelectorOf(r.query, view);
        const labelSelector = r.query.get('labelSelector') ?? undefined;
        const { items } = this.ops.list(r.def, r.namespace, { labelSelector, fieldSelector });
        for (const o of items) this.ops.delete(r.def, o.metadata.namespace, o.metadata.name, opts);
        return sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
      }
      default:
        throw methodNotAllowed(verb, r.def.plural);
    }
  }

  /**
   * `fieldValidation` as kube-apiserver applies it (Warn when absent): Strict refuses a write with unknown
   * fields with the strict decoding error, Warn adds a `Warning` header per field, Ignore says nothing (the
   * sandbox stores the fields either way: see openapi/field-validation.ts).
   */
  private fieldChecker(res: ServerResponse, r: ResourceRequest): WriteContext['checkFields'] {
    const directive = fieldValidationOf(r.query);
    if (!directive) {
      throw new ApiError(
        400,
        'BadRequest',
        `fieldValidation must be one of "Ignore", "Warn", "Strict", got "${r.query.get('fieldValidation')}"`,
      );
    }
    const schema = this.openapi?.schemaOf(r.def, r.version);
    if (!schema) return undefined;
    return (obj, patch) => {
      const unknown = unknownFields(obj, schema.root, schema.definitions);
      if (unknown.length === 0 || directive === 'Ignore') return;
      if (directive === 'Warn')
        return addWarnings(
          res,
          unknown.map((p) => `unknown field "${p}"`),
        );
      const text = strictDecodingError(unknown);
      if (patch !== undefined) {
        const message = `Invalid value: "${goMap(patch)}": ${text}`;
        throw new ApiError(422, 'Invalid', ` "" is invalid: patch: ${message}`, {
          causes: [{ reason: 'FieldValueInvalid', message, field: 'patch' }],
        });
      }
      throw new ApiError(
        400,
        'BadRequest',
        `${r.def.kind} in version "${r.version}" cannot be handled as a ${r.def.kind}: ${text}`,
      );
    };
  }

  private sendObject(req: IncomingMessage, res: ServerResponse, r: ResourceRequest, obj: KObject, code = 200): void {
    if (wantsTable(req.headers.accept))
      return sendJson(res, code, toTable(r.def.kind, [obj], { resourceVersion: obj.metadata.resourceVersion }));
    const view = viewFor(r.def, r.group, r.version);
    if (view) return sendJson(res, code, view.out(obj));
    const gv = groupVersion(r.group, r.version);
    if (obj.apiVersion !== gv) return sendJson(res, code, { ...obj, apiVersion: gv });
    sendJson(res, code, this.cluster.store.json(storageKey(r.def), obj));
  }

  /** Whether this get/list is answered in protobuf: pods only, never Tables, when the Accept header asks for it. */
  private protobufMode(req: IncomingMessage, r: ResourceRequest): Negotiated {
    if (r.group !== '' || r.def.plural !== 'pods' || r.subresource || wantsTable(req.headers.accept)) return 'json';
    return negotiate(req.headers.accept);
  }

  /** Counts an object that could not be encoded; throws 406 when the client accepts nothing but protobuf. */
  private protobufFailed(mode: Negotiated, what: string, e: ProtobufEncodeError): void {
    const refused = mode === 'protobuf-only';
    this.protobufStats.failed(`${what}: ${e.message}`, refused);
    if (refused) {
      throw new ApiError(
        406,
        'NotAcceptable',
        `the sandbox cannot encode ${what} as application/vnd.kubernetes.protobuf (${e.message}); accepted media types include: application/json`,
      );
    }
  }

  /** Every item's protobuf encoding (cached by the store), a slice per event-loop turn; the first failure ends it. */
  private async encodeItems(
    key: string,
    items: KObject[],
  ): Promise<{ buffers: Buffer[] } | { failed: KObject; error: ProtobufEncodeError }> {
    const store = this.cluster.store;
    const buffers: Buffer[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      if (i > 0 && i % ENCODE_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const enc = store.encoded<PodEncoding>(key, items[i], POD_PROTOBUF);
      if (enc instanceof ProtobufEncodeError) return { failed: items[i], error: enc };
      buffers[i] = enc;
    }
    return { buffers };
  }

  private async list(req: IncomingMessage, res: ServerResponse, r: ResourceRequest): Promise<void> {
    const q = r.query;
    const limit = q.get('limit') ? Number(q.get('limit')) : undefined;
    const view = viewFor(r.def, r.group, r.version);
    const result = this.ops.list(r.def, r.namespace, {
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: fieldSelectorOf(q, view),
      limit,
      continue: q.get('continue') ?? undefined,
    });
    const meta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continue) {
      meta.continue = result.continue;
      meta.remainingItemCount = result.remainingItemCount;
    }
    if (wantsTable(req.headers.accept))
      return sendJson(res, 200, toTable(r.def.kind, result.items, meta as { resourceVersion: string }));
    const key = storageKey(r.def);
    const mode = this.protobufMode(req, r);
    if (mode !== 'json') {
      const encoded = await this.encodeItems(key, result.items);
      if ('buffers' in encoded) {
        this.protobufStats.responses++;
        return streamProtobufList(res, groupVersion(r.group, r.version), PodList, meta, encoded.buffers);
      }
      this.protobufFailed(
        mode,
        `pod "${encoded.failed.metadata.namespace}/${encoded.failed.metadata.name}"`,
        encoded.error,
      );
    }
    const store = this.cluster.store;
    const head = `{"kind":"${r.def.kind}List","apiVersion":"${groupVersion(r.group, r.version)}","metadata":${JSON.stringify(meta)},"items":[`;
    // Streamed in chunks with back-pressure: a list of 100,000 pods is never held as one string.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const items = result.items;
    let i = 0;
    const pump = () => {
      while (i < items.length) {
        const end = Math.min(items.length, i + 256);
        const parts: string[] = i === 0 ? [head] : [];
        for (; i < end; i++) {
          const json = view ? JSON.stringify(view.out(items[i])) : store.json(key, items[i]);
          parts.push(i === 0 ? json : `,${json}`);
        }
        if (!res.write(parts.join(''))) return void res.once('drain', pump);
      }
      res.end(items.length === 0 ? `${head}]}` : ']}');
    };
    pump();
  }

  private watch(req: IncomingMessage, res: ServerResponse, r: ResourceRequest): void {
    const q = r.query;
    const sendInitialEvents = queryBool(q, 'sendInitialEvents');
    if (sendInitialEvents && q.get('resourceVersionMatch') !== 'NotOlderThan') {
      throw new ApiError(
        422,
        'Invalid',
        'sendInitialEvents is forbidden for watch unless resourceVersionMatch is NotOlderThan',
      );
    }
    const view = viewFor(r.def, r.group, r.version);
    const filter = { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: fieldSelectorOf(q, view) };
    const match = this.ops.filter(filter);
    const timeoutSeconds = Number(q.get('timeoutSeconds') ?? parseGoDuration(q.get('timeout')) ?? 1800);
    this.watches.serve(req, res, {
      resource: storageKey(r.def),
      kind: r.def.kind,
      apiVersion: groupVersion(r.group, r.version),
      namespace: r.namespace,
      match,
      filtered: !!(filter.labelSelector || filter.fieldSelector),
      resourceVersion: q.get('resourceVersion') ?? undefined,
      allowBookmarks: queryBool(q, 'allowWatchBookmarks'),
      sendInitialEvents,
      timeoutMs: Math.max(1, timeoutSeconds) * 1000,
      table: wantsTable(req.headers.accept),
      ...(view ? { encode: (o: KObject) => JSON.stringify(view.out(o)) } : {}),
    });
  }

  /** GET, PUT and PATCH of the `/scale` subresource (see api/scale.ts). */
  private async scale(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    verb: string,
    ctx: WriteContext,
  ): Promise<void> {
    if (verb === 'get') return sendJson(res, 200, getScale(this.ops, r.def, r.namespace, r.name!));
    if (verb === 'update') {
      const body = parseJson(await readBody(req)) as KObject;
      return sendJson(res, 200, updateScale(this.ops, r.def, r.namespace, r.name!, body, ctx));
    }
    if (verb === 'patch') {
      const type = patchTypeOf(req);
      const patch = parseJson(await readBody(req));
      return sendJson(res, 200, patchScale(this.ops, r.def, r.namespace, r.name!, type, patch, ctx));
    }
    throw methodNotAllowed(verb, `${r.def.plural}/scale`);
  }

  /** PATCH through a view: the patch applies to the object as the client sees it, the result is stored converted. */
  private async patchView(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceRequest,
    view: ObjectView,
    ctx: WriteContext,
  ): Promise<void> {
    const type = patchTypeOf(req);
    const patch = parseJson(await readBody(req));
    const cur = view.out(this.ops.get(r.def, r.namespace, r.name!));
    let next: KObject;
    try {
      next = applyPatch(type, structuredClone(cur), patch) as KObject;
    } catch (e) {
      if (e instanceof PatchError) throw new ApiError(e.code, e.code === 422 ? 'Invalid' : 'BadRequest', e.message);
      throw e;
    }
    return this.sendObject(req, res, r, this.ops.update(r.def, r.namespace, r.name!, view.in(next), ctx));
  }
}

function patchTypeOf(req: IncomingMessage): PatchType {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim() as PatchType;
  if (!PATCH_TYPES.includes(type)) {
    const accepted = PATCH_TYPES.join(', ');
    const message = `the body of the request was in an unknown format - accepted media types include: ${accepted}`;
    throw new ApiError(415, 'UnsupportedMediaType', message);
  }
  return type;
}

function fieldSelectorOf(q: URLSearchParams, view: ObjectView | undefined): string | undefined {
  const s = q.get('fieldSelector') ?? undefined;
  return view ? view.fieldSelector(s) : s;
}

/** Appends `Warning: 299 - "…"` headers (kept with a deprecation warning already set). */
function addWarnings(res: ServerResponse, messages: string[]): void {
  const prev = res.getHeader('Warning');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  res.setHeader('Warning', [...list, ...messages.map((m) => `299 - ${JSON.stringify(m)}`)]);
}

/** A value as Go's `%+v` prints a decoded JSON map (kube-apiserver quotes the patch this way). */
function goMap(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goMap).join(' ')}]`;
  if (v && typeof v === 'object') {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goMap((v as Record<string, unknown>)[k])}`)
      .join(' ')}]`;
  }
  return v === null ? '<nil>' : String(v);
}

function methodNotAllowed(verb: string, resource: string): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource (${verb} ${resource})`,
  );
}

function deleteOptions(body: unknown, q: URLSearchParams): DeleteOptions {
  const b = (body && typeof body === 'object' ? body : {}) as DeleteOptions & { dryRun?: string[] | boolean };
  const grace = q.get('gracePeriodSeconds') ?? b.gracePeriodSeconds;
  return {
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    propagationPolicy: q.get('propagationPolicy') ?? b.propagationPolicy,
    preconditions: b.preconditions,
    dryRun: q.get('dryRun') === 'All' || (Array.isArray(b.dryRun) && b.dryRun.includes('All')),
  };
}

/** kubectl sends `timeout=4s` (a Go duration) on watches. */
function parseGoDuration(s: string | null): number | undefined {
  if (!s) return undefined;
  const m = /^(\d+)(s|m|h)?$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'm' ? 60 : m[2] === 'h' ? 3600 : 1);
}
