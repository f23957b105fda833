/**
 * The one adapter over @kubernetes/client-node, the implementation of the ClusterClient port: every read and
 * write the product makes, as the views of types.ts. Lists are paginated (`limit`/`continue`), so the number
 * of requests grows with pages, not with objects. Patches always set an explicit Content-Type (client-node
 * 1.x would otherwise send a JSON patch).
 */
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { createSecureContext } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { isAscii } from 'node:buffer';
import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  PatchStrategy,
  VersionApi,
  createConfiguration,
  ServerConfiguration,
  setHeaderOptions,
  type Configuration,
  type KubeConfig,
  type RequestContext,
  type V1Node,
  type V1Pod,
  type V1PodDisruptionBudget,
} from '@kubernetes/client-node';
import type { ClusterIdentity, NodeInfo, PdbInfo, PodInfo, WorkloadInfo } from '../types.js';
import {
  toObjectMetaInfo,
  type AccessAnswer,
  type AccessCheck,
  type ObjectMetaInfo,
  type SecretInfo,
} from '../preflight-types.js';
import {
  toDaemonSetInfo,
  toDeploymentInfo,
  toNodeInfo,
  toPdbInfo,
  toPodInfo,
  toReplicaSetInfo,
  toStatefulSetInfo,
} from './views.js';
import { call, getOrUndefined, toClusterError } from './api-errors.js';
import { evictionOutcomeOf } from './eviction.js';
import type {
  DeletePodOptions,
  EvictOptions,
  EvictionOutcome,
  PodWatchEvent,
  PodWatchOptions,
} from '../eviction-types.js';
import { apiFailure, ClusterApiError } from '../errors.js';
import type {
  ClusterClient,
  ConfigMapInfo,
  ConfigMapInput,
  LeaseInfo,
  LeaseSpecInput,
  NodeWatchEvent,
} from '../port/index.js';
import {
  attemptsOf,
  isConnectionError,
  isRepeatable,
  isStaleSocketError,
  pooledHttpLibrary,
  RequestTimeoutError,
  RetryPolicy,
  verdictOnStatus,
  rawPaginate,
  rawPaginateVersioned,
  rawWatch,
  toWatchError,
  type RawGet,
  type RawResponse,
  type RawWatch,
} from '../transport/index.js';
import { PROTOBUF_CONTENT_TYPE, podListDecoder } from '../protobuf/index.js';
import { createLease, deleteLease, getLease, replaceLease } from './leases.js';
import { deleteConfigMap, getConfigMap, listConfigMaps, putConfigMap } from './config-maps.js';

export const PAGE_SIZE = 500;

/** Secrets can be large (a Helm release is up to 1 MiB): smaller pages keep memory bounded. */
const SECRET_PAGE_SIZE = 50;

export class KubeClusterClient implements ClusterClient {
  readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  private readonly apis = new Map<unknown, unknown>();
  /** `rawGet` as the paged lists take it. */
  private readonly get: RawGet = (path, accept, onHead) => this.rawGet(path, accept, onHead);
  private agent: HttpsAgent | undefined;
  private watchAgent: HttpsAgent | undefined;
  private agentOptions: Promise<import('node:https').AgentOptions> | undefined;
  /** Watch streams (raw-watch.ts): every stream shares one TLS secure context and session cache. */
  readonly watch: RawWatch;

  /**
   * The one retry policy of this client's requests (typed clients, raw GETs, list pages): see
   * transport/retry-policy.ts. Its `retried` counts the attempts sent again.
   */
  readonly retries: RetryPolicy;

  constructor(
    readonly kc: KubeConfig,
    readonly server: string,
    retries: RetryPolicy = new RetryPolicy(),
  ) {
    this.retries = retries;
    this.core = this.api(CoreV1Api);
    this.apps = this.api(AppsV1Api);
    this.watch = rawWatch({
      server,
      requestOptions: async () => {
        const opts: import('node:https').RequestOptions = {};
        await this.kc.applyToHTTPSOptions(opts);
        return opts;
      },
      agent: () => this.streams(),
      timeoutMs: retries.options.timeoutMs,
    });
  }

  /**
   * A typed API client (one per class) whose requests share this client's keep-alive connection pool.
   * client-node builds a new agent for every request, so every request would pay a TLS handshake and a new
   * secure context — at hundreds of nodes that was a large share of apply's CPU. The transport is ours
   * (http-library.ts): node-fetch misreads chunked responses on reused sockets. Authentication is still
   * applied per request by the KubeConfig (tokens from exec plugins refresh as before); a proxy agent
   * (proxy-url in the kubeconfig) is left as client-node made it.
   */
  api<T>(cls: new (config: Configuration) => T): T {
    let api = this.apis.get(cls) as T | undefined;
    if (!api) {
      const auth = {
        getName: () => 'kubeconfig-pooled',
        applySecurityAuthentication: async (ctx: RequestContext) => {
          await this.kc.applySecurityAuthentication(ctx);
          const made = ctx.getAgent();
          if (made?.constructor === HttpsAgent) ctx.setAgent(await this.pool());
        },
      };
      api = new cls(
        createConfiguration({
          baseServer: new ServerConfiguration(this.server, {}),
          authMethods: { default: auth },
          httpApi: pooledHttpLibrary(this.retries),
        }),
      );
      this.apis.set(cls, api);
    }
    return api;
  }

  private async tlsOptions(): Promise<import('node:https').AgentOptions> {
    const opts: import('node:https').RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    return {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      rejectUnauthorized: opts.rejectUnauthorized,
      servername: opts.servername,
    };
  }

  /** The keep-alive HTTPS pool, made once from the kubeconfig's TLS settings (CA, client certificate, server name). */
  private async pool(): Promise<HttpsAgent> {
    const o = await (this.agentOptions ??= this.tlsOptions());
    // `timeout`: an idle pooled socket is closed after 15 s, well before an apiserver drops idle connections
    // (kube-apiserver 90 s, the sandbox 30 s), so a request is never written to a socket the server is closing.
    // One secure context for every pooled socket: made per socket from `ca`, it was a large share of a fleet plan's CPU.
    if (this.agent) return this.agent;
    const secureContext = createSecureContext({ ca: o.ca, cert: o.cert, key: o.key });
    return (this.agent ??= new HttpsAgent({ keepAlive: true, maxSockets: 16, timeout: 15_000, ...o, secureContext }));
  }

  /**
   * The agent of watch streams: no keep-alive (an open watch ends by closing its connection), no socket limit
   * (a window of drains holds one stream per node), one secure context made once and TLS sessions resumed, so
   * a new stream costs an abbreviated handshake.
   */
  private async streams(): Promise<HttpsAgent> {
    if (this.watchAgent) return this.watchAgent;
    const o = await (this.agentOptions ??= this.tlsOptions());
    const secureContext = createSecureContext({ ca: o.ca, cert: o.cert, key: o.key });
    return (this.watchAgent ??= new HttpsAgent({ keepAlive: false, maxCachedSessions: 100, ...o, secureContext }));
  }

  async version(): Promise<string> {
    const v = await call('read the server version', () => this.api(VersionApi).getCode());
    return v.gitVersion;
  }

  async identity(): Promise<ClusterIdentity> {
    const ns = await call('read namespace kube-system', () => this.core.readNamespace({ name: 'kube-system' }));
    return { server: this.server, kubeSystemUid: ns.metadata?.uid ?? '' };
  }

  /** Nodes as plain JSON page by page (5,000 nodes through the typed client cost a noticeable share of `plan`). */
  async listNodes(labelSelector?: string): Promise<NodeInfo[]> {
    return (
      (await rawPaginate(this.get, 'list nodes', '/api/v1/nodes', { labelSelector }, PAGE_SIZE, (n: V1Node) =>
        toNodeInfo(n),
      )) ?? []
    );
  }

  async getNode(name: string): Promise<NodeInfo | undefined> {
    const n = await getOrUndefined(`read node ${name}`, () => this.core.readNode({ name }));
    return n && toNodeInfo(n);
  }

  /** Cordon (true) or uncordon (false) with the strategic merge patch kubectl sends. */
  async setUnschedulable(name: string, value: boolean): Promise<NodeInfo> {
    const body = { spec: { unschedulable: value ? true : null } };
    const n = await call(`${value ? 'cordon' : 'uncordon'} node ${name}`, () =>
      this.core.patchNode({ name, body }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)),
    );
    return toNodeInfo(n);
  }

  /** Pods (all namespaces unless `namespace`), read as plain JSON page by page: at 100,000 pods the typed client costs seconds. */
  async listPods(opts: { nodeName?: string; namespace?: string; labelSelector?: string } = {}): Promise<PodInfo[]> {
    const fieldSelector = opts.nodeName ? `spec.nodeName=${opts.nodeName}` : undefined;
    const path = opts.namespace ? `/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods` : '/api/v1/pods';
    const pods = await rawPaginate(
      this.get,
      'list pods',
      path,
      { fieldSelector, labelSelector: opts.labelSelector },
      PAGE_SIZE,
      (p: V1Pod) => toPodInfo(p),
      podListDecoder(),
    );
    return pods ?? [];
  }

  async getPod(namespace: string, name: string): Promise<PodInfo | undefined> {
    const p = await getOrUndefined(`read pod ${namespace}/${name}`, () =>
      this.core.readNamespacedPod({ namespace, name }),
    );
    return p && toPodInfo(p);
  }

  /** PodDisruptionBudgets (policy/v1) as plain JSON; none when the API is not served. */
  async listPdbs(): Promise<PdbInfo[]> {
    return (
      (await rawPaginate(
        this.get,
        'list PodDisruptionBudgets',
        '/apis/policy/v1/poddisruptionbudgets',
        {},
        PAGE_SIZE,
        (b: V1PodDisruptionBudget) => toPdbInfo(b),
      )) ?? []
    );
  }

  /**
   * Deployments, ReplicaSets, StatefulSets and DaemonSets: desired vs ready replicas and their images. Read as
   * plain JSON like pods (10,000 ReplicaSets through the typed client cost a second), the four lists at once.
   */
  async listWorkloads(): Promise<WorkloadInfo[]> {
    const list = async <T>(resource: string, map: (item: T) => WorkloadInfo) =>
      (await rawPaginate(this.get, `list ${resource}`, `/apis/apps/v1/${resource}`, {}, PAGE_SIZE, map)) ?? [];
    const [deps, rss, stss, dss] = await Promise.all([
      list('deployments', toDeploymentInfo),
      list('replicasets', toReplicaSetInfo),
      list('statefulsets', toStatefulSetInfo),
      list('daemonsets', toDaemonSetInfo),
    ]);
    return [...deps, ...rss, ...stss, ...dss];
  }

  /**
   * Watches nodes from `resourceVersion` (or from a fresh list when absent). Returns a stop function. The
   * stream may end (server timeout, dropped connection): `onEnd` is told, and the caller re-watches.
   */
  async watchNodes(
    onEvent: (e: NodeWatchEvent) => void,
    onEnd: (err?: Error) => void,
    resourceVersion?: string,
  ): Promise<() => void> {
    const ac = await this.watch(
      '/api/v1/nodes',
      { allowWatchBookmarks: true, ...(resourceVersion ? { resourceVersion } : {}) },
      (type, obj: V1Node) => {
        if (type === 'BOOKMARK') onEvent({ type: 'BOOKMARK' });
        else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')
          onEvent({ type, node: toNodeInfo(obj) });
        else if (type === 'ERROR')
          onEnd(
            new ClusterApiError(
              `node watch: ${(obj as { message?: string }).message ?? 'error'}`,
              (obj as { code?: number }).code ?? 500,
              (obj as { reason?: string }).reason ?? '',
            ),
          );
      },
      (err) => onEnd(err ?? undefined),
    );
    return () => ac.abort();
  }

  /** The pods bound to `node` (one raw paged list) and the list's resourceVersion, where a watch resumes. */
  async listPodsOnNode(node: string): Promise<{ pods: PodInfo[]; resourceVersion: string }> {
    const r = await rawPaginateVersioned(
      this.get,
      `list pods on node ${node}`,
      '/api/v1/pods',
      { fieldSelector: `spec.nodeName=${node}` },
      PAGE_SIZE,
      (p: V1Pod) => toPodInfo(p),
      podListDecoder(),
    );
    return { pods: r?.items ?? [], resourceVersion: r?.resourceVersion ?? '' };
  }

  /**
   * Watches pods (all namespaces unless `namespace`). Returns a stop function. `onEnd` is called once, when
   * the stream ends for any reason other than stop(): an ERROR event (410 Expired: re-list) arrives as a
   * ClusterApiError with its status; a plain close (server timeout, dropped connection) has no error.
   */
  async watchPods(
    opts: PodWatchOptions,
    onEvent: (e: PodWatchEvent) => void,
    onEnd: (err?: Error) => void,
  ): Promise<() => void> {
    const path = opts.namespace ? `/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods` : '/api/v1/pods';
    let ended = false;
    // Held in an object: `end` may run inside watch() (a refused request) before the controller is returned.
    const handle: { ac?: AbortController } = {};
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      handle.ac?.abort();
      onEnd(err);
    };
    const ac = (handle.ac = await this.watch(
      path,
      {
        allowWatchBookmarks: true,
        fieldSelector: opts.fieldSelector,
        labelSelector: opts.labelSelector,
        ...(opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {}),
      },
      (type, obj: V1Pod & { code?: number; reason?: string; message?: string }) => {
        if (ended) return;
        const resourceVersion = obj?.metadata?.resourceVersion ?? '';
        if (type === 'BOOKMARK') onEvent({ type: 'BOOKMARK', resourceVersion });
        else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')
          onEvent({ type, pod: toPodInfo(obj), resourceVersion });
        else if (type === 'ERROR')
          end(new ClusterApiError(`pod watch: ${obj.message ?? 'error'}`, obj.code ?? 500, obj.reason ?? ''));
      },
      (err) => end(err ? toWatchError(err) : undefined),
    ));
    if (ended) ac.abort();
    return () => {
      ended = true;
      ac?.abort();
    };
  }

  /** POST pods/{name}/eviction (policy/v1). PDB refusals and the other documented answers are outcomes; other failures throw. */
  async evictPod(namespace: string, name: string, opts: EvictOptions = {}): Promise<EvictionOutcome> {
    const deleteOptions = {
      ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
      ...(opts.uid ? { preconditions: { uid: opts.uid } } : {}),
    };
    try {
      await this.core.createNamespacedPodEviction({
        namespace,
        name,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions },
      });
      return { result: 'evicted' };
    } catch (e) {
      const outcome = evictionOutcomeOf(e);
      if (outcome) return outcome;
      throw toClusterError(e, `evict pod ${namespace}/${name}`);
    }
  }

  /** DELETE a pod (bypasses PodDisruptionBudgets). With `uid`, a newer pod that took the same name is left alone ('not-found'). */
  async deletePod(namespace: string, name: string, opts: DeletePodOptions = {}): Promise<'deleted' | 'not-found'> {
    const body = {
      ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
      ...(opts.uid ? { preconditions: { uid: opts.uid } } : {}),
    };
    try {
      await this.core.deleteNamespacedPod({
        namespace,
        name,
        body,
        ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
      });
      return 'deleted';
    } catch (e) {
      if (evictionOutcomeOf(e)?.result === 'not-found') return 'not-found';
      throw toClusterError(e, `delete pod ${namespace}/${name}`);
    }
  }

  async daemonSetExists(namespace: string, name: string): Promise<boolean> {
    return (
      (await getOrUndefined(`read DaemonSet ${namespace}/${name}`, () =>
        this.apps.readNamespacedDaemonSet({ namespace, name }),
      )) !== undefined
    );
  }

  /** Whether the current user may do `check` (one SelfSubjectAccessReview, authorization.k8s.io/v1). */
  async canI(check: AccessCheck): Promise<AccessAnswer> {
    const { verb, group, resource, subresource, namespace, name } = check;
    const what = `review access to ${verb} ${resource}${subresource ? `/${subresource}` : ''}`;
    const r = await call(what, () =>
      this.api(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb, group, resource, subresource, namespace, name } },
        },
      }),
    );
    return { allowed: r.status?.allowed === true, ...(r.status?.reason ? { reason: r.status.reason } : {}) };
  }

  /**
   * Lists a whole collection by its path (`/apis/policy/v1/poddisruptionbudgets`), paginated, keeping only each
   * object's name and field-management metadata. `undefined` when the server does not serve that collection.
   */
  async listObjectMeta(collectionPath: string): Promise<ObjectMetaInfo[] | undefined> {
    return rawPaginate(this.get, `list ${collectionPath}`, collectionPath, {}, PAGE_SIZE, toObjectMetaInfo);
  }

  /** Secrets in every namespace matching `labelSelector`, handed to `visit` one page at a time (pages of 50). */
  async forEachSecret(labelSelector: string, visit: (s: SecretInfo) => void): Promise<void> {
    let cont: string | undefined;
    do {
      const page = await call('list secrets', () =>
        this.core.listSecretForAllNamespaces({ labelSelector, limit: SECRET_PAGE_SIZE, _continue: cont }),
      );
      for (const s of page.items) {
        visit({
          namespace: s.metadata?.namespace ?? '',
          name: s.metadata?.name ?? '',
          type: s.type ?? '',
          labels: s.metadata?.labels ?? {},
          data: s.data ?? {},
        });
      }
      cont = page.metadata?._continue || undefined;
    } while (cont);
  }

  getLease(namespace: string, name: string): Promise<LeaseInfo | undefined> {
    return getLease(this, namespace, name);
  }

  createLease(
    namespace: string,
    name: string,
    spec: LeaseSpecInput,
    labels?: Record<string, string>,
  ): Promise<LeaseInfo> {
    return createLease(this, namespace, name, spec, labels);
  }

  replaceLease(
    lease: Pick<LeaseInfo, 'namespace' | 'name' | 'resourceVersion'>,
    spec: LeaseSpecInput,
    labels?: Record<string, string>,
  ): Promise<LeaseInfo> {
    return replaceLease(this, lease, spec, labels);
  }

  deleteLease(namespace: string, name: string, resourceVersion?: string): Promise<void> {
    return deleteLease(this, namespace, name, resourceVersion);
  }

  getConfigMap(namespace: string, name: string): Promise<ConfigMapInfo | undefined> {
    return getConfigMap(this, namespace, name);
  }

  listConfigMaps(namespace: string, labelSelector: string): Promise<ConfigMapInfo[]> {
    return listConfigMaps(this, namespace, labelSelector);
  }

  putConfigMap(cm: ConfigMapInput): Promise<ConfigMapInfo> {
    return putConfigMap(this, cm);
  }

  deleteConfigMap(namespace: string, name: string): Promise<void> {
    return deleteConfigMap(this, namespace, name);
  }

  /** Closes pooled connections (the CLI calls it before exiting). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
    this.watchAgent?.destroy();
    this.watchAgent = undefined;
  }

  /** A raw GET (e.g. /metrics, list pages) with the kubeconfig's credentials and TLS settings, over the pool. */
  async rawGet(
    path: string,
    accept = 'text/plain, application/json',
    onHead?: (head: Buffer) => boolean,
  ): Promise<RawResponse> {
    // Joined, not resolved: a server URL with a path prefix (an API proxy) keeps it.
    const url = new URL(this.server.replace(/\/+$/, '') + path);
    const opts: import('node:https').RequestOptions = {
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method: 'GET',
      headers: { Accept: accept },
    };
    await this.kc.applyToHTTPSOptions(opts);
    const https = url.protocol === 'https:';
    // One keep-alive connection pool: a 200-page list must not pay 200 TLS handshakes.
    if (https) opts.agent = await this.pool();
    const req = https ? httpsRequest : httpRequest;
    const timeoutMs = this.retries.options.timeoutMs;
    const once = () =>
      new Promise<RawResponse>((resolve, reject) => {
        const r = req(opts, (res) => {
          const body = new BodyText(res.statusCode === 200 ? onHead : undefined);
          const protobuf = (res.headers['content-type'] ?? '').startsWith(PROTOBUF_CONTENT_TYPE);
          const retryAfter = res.headers['retry-after'];
          const extra = retryAfter ? { retryAfter } : {};
          res.on('data', (c: Buffer) => body.add(c));
          res.on('end', () =>
            resolve(
              protobuf
                ? { status: res.statusCode ?? 0, body: '', bytes: body.bytes(), ...extra }
                : { status: res.statusCode ?? 0, body: body.end(), ...extra },
            ),
          );
          res.on('error', (e) => reject(Object.assign(e, { reusedSocket: r.reusedSocket })));
        });
        r.on('error', (e) => reject(Object.assign(e, { reusedSocket: r.reusedSocket })));
        // Idle that long (no answer, or a body that stopped arriving): the attempt fails with a clear error.
        r.setTimeout(timeoutMs, () => r.destroy(new RequestTimeoutError(timeoutMs)));
        r.end();
      });
    // A pooled keep-alive socket the server closed meanwhile: a GET is sent once more at once, on a new one.
    const attempt = () => once().catch((e: unknown) => (isStaleSocketError(e) ? once() : Promise.reject(e)));
    try {
      return await this.retries.run(attempt, (res) => verdictOnStatus(res.status, res.retryAfter), {
        repeatable: isRepeatable('GET', path),
      });
    } catch (e) {
      const message = `GET ${path}: ${(e as Error).message}`;
      if (!isConnectionError(e)) throw new ClusterApiError(message, 0, 'Unreachable', [], { cause: e });
      throw apiFailure(`GET ${path}`, message, 0, 'Unreachable', [], { cause: e, attempts: attemptsOf(e) });
    }
  }
}

/**
 * A response body collected as bytes and decoded once at the end: an all-ASCII body (what an apiserver
 * sends unless an object holds non-ASCII text) by the one-byte latin1 copy, which together with JSON.parse
 * on the resulting one-byte string costs about half of a UTF-8 decode; a protobuf body is kept as bytes. The
 * head is handed to `onHead` as chunks arrive, until it says it has read enough.
 */
class BodyText {
  private chunks: Buffer[] = [];
  constructor(private onHead: ((head: Buffer) => boolean) | undefined) {}

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    if (!this.onHead) return;
    const head = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks);
    if (this.onHead(head) || head.length > HEAD_LIMIT) this.onHead = undefined;
  }

  bytes(): Buffer {
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    return body;
  }

  end(): string {
    const body = this.bytes();
    return isAscii(body) ? body.toString('latin1') : body.toString('utf8');
  }
}

/** How far into a body the list metadata is looked for before giving up on reading it early. */
const HEAD_LIMIT = 65536;
