/**
 * The sandbox's HTTPS front: bearer-token authentication, injected API faults (5xx answers, stalled
 * requests), routing to discovery, /version, /metrics, the resource handler and the admin API, and
 * request accounting.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxCluster } from '../cluster.js';
import { parseVersion } from '../cluster.js';
import type { Controllers } from '../controllers/index.js';
import { ApiError } from '../api/status.js';
import type { User } from '../api/authz.js';
import { route } from './routes.js';
import { isWatchUrl } from '../api/query.js';
import { sendError, sendJson, sendStatus } from './respond.js';
import {
  aggregatedDiscovery,
  apiResourceList,
  discoveryContentType,
  legacyApiGroupList,
  legacyApiVersions,
  negotiateDiscovery,
} from './discovery.js';
import { ResourceHandler, verbOf } from './resource-handler.js';
import { RequestMetrics } from './metrics.js';
import { WatchHub } from './watch.js';
import { handleAdmin } from './admin.js';
import { handleOpenApi } from './openapi.js';
import { OpenApi } from '../openapi/index.js';

export interface ServerOptions {
  cert: string;
  key: string;
  adminToken: string;
  readonlyToken: string;
  port?: number;
  host?: string;
}

export class SandboxServer {
  readonly watches: WatchHub;
  readonly metrics: RequestMetrics;
  readonly openapi: OpenApi;
  private readonly resources: ResourceHandler;
  private server?: Server;
  private address = '';

  constructor(
    private readonly cluster: SandboxCluster,
    private readonly controllers: Controllers,
    private readonly opts: ServerOptions,
  ) {
    this.metrics = new RequestMetrics(cluster);
    this.watches = new WatchHub(cluster, this.metrics.watch);
    this.openapi = new OpenApi(cluster);
    this.resources = new ResourceHandler(cluster, this.watches, this.metrics.protobuf, this.openapi);
    cluster.faults.onDropWatches = () => this.watches.dropAll();
  }

  /** When the last request arrived or ended (ms since the epoch): background work waits for a quiet moment. */
  private lastRequestAt = 0;
  /** Requests being answered, watches aside. */
  private busy = 0;

  /**
   * Resolves once no request (other than a watch) is being answered and none has come or ended for `quietMs`:
   * the cache warm-up waits for this between slices, so that clients never wait behind it.
   */
  async quiet(quietMs = 300): Promise<void> {
    for (;;) {
      const wait = this.busy > 0 ? quietMs : quietMs - (Date.now() - this.lastRequestAt);
      if (wait <= 0) return;
      await new Promise((r) => setTimeout(r, wait).unref());
    }
  }

  async listen(): Promise<string> {
    const server = createServer({ cert: this.opts.cert, key: this.opts.key }, (req, res) => {
      this.lastRequestAt = Date.now();
      // Watches stay open for minutes: only other requests count as work in progress.
      if (!isWatchUrl(req.url ?? '')) {
        this.busy++;
        res.once('close', () => {
          this.busy--;
          this.lastRequestAt = Date.now();
        });
      }
      this.dispatch(req, res).catch((e) => {
        if (!res.headersSent) sendError(res, e);
        else res.end();
      });
    });
    server.keepAliveTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    const a = server.address() as AddressInfo;
    this.address = `127.0.0.1:${a.port}`;
    return `https://${this.address}`;
  }

  async close(): Promise<void> {
    this.watches.dropAll();
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private authenticate(req: IncomingMessage): User | undefined {
    const h = req.headers.authorization ?? '';
    const token = h.startsWith('Bearer ') ? h.slice(7).trim() : '';
    if (token && token === this.opts.adminToken) return 'admin';
    if (token && token === this.opts.readonlyToken) return 'readonly';
    return undefined;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sandbox');
    const path = url.pathname;
    const minor = this.cluster.apiserverMinor();
    const custom = this.cluster.customResources.list();
    const r = route(path, minor, custom);
    if (r.type === 'health') {
      if (this.cluster.apiserverStopped)
        return void res
          .writeHead(503, { 'Content-Type': 'text/plain' })
          .end(`kube-apiserver stopped: ${this.cluster.apiserverStopped}`);
      return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    }
    const user = this.authenticate(req);
    if (!user) return sendStatus(res, new ApiError(401, 'Unauthorized', 'Unauthorized').toStatus());
    if (r.type === 'admin') {
      if (user !== 'admin') return sendJson(res, 403, { error: 'the admin API needs the admin token' });
      return handleAdmin(req, res, r.parts, this.cluster, this.controllers, this.metrics, this.watches);
    }
    if (this.cluster.apiserverStopped) {
      return sendStatus(
        res,
        new ApiError(
          503,
          'ServiceUnavailable',
          `the kube-apiservers are stopped: ${this.cluster.apiserverStopped}`,
        ).toStatus(),
      );
    }
    const stall = this.cluster.faults.stall(path);
    if (stall) await stall;
    const injected = this.cluster.faults.apiError(path);
    if (injected) {
      const reason = injected === 503 ? 'ServiceUnavailable' : injected === 504 ? 'Timeout' : 'InternalError';
      return sendStatus(res, new ApiError(injected, reason, `sandbox: injected fault (HTTP ${injected})`).toStatus());
    }
    switch (r.type) {
      case 'version':
        return sendJson(res, 200, versionInfo(this.cluster.apiserverVersion()));
      case 'metrics':
        return void res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(this.metrics.render());
      case 'openapi':
        return handleOpenApi(req, res, path.split('/').filter(Boolean).slice(1), this.openapi);
      case 'notfound':
        return sendStatus(
          res,
          new ApiError(404, 'NotFound', 'the server could not find the requested resource').toStatus(),
        );
      case 'api':
      case 'apis': {
        const flavour = negotiateDiscovery(req.headers.accept);
        const body =
          flavour === 'legacy'
            ? r.type === 'api'
              ? legacyApiVersions(this.address)
              : legacyApiGroupList(minor, this.openapi.resources())
            : aggregatedDiscovery(flavour, r.type === 'api', minor, this.openapi.resources());
        const text = JSON.stringify(body);
        return void res
          .writeHead(200, {
            'Content-Type': discoveryContentType(flavour),
            Vary: 'Accept',
            'Content-Length': Buffer.byteLength(text),
          })
          .end(text);
      }
      case 'groupversion': {
        const list = apiResourceList(r.group, r.version, minor, this.openapi.resources());
        if (!list)
          return sendStatus(
            res,
            new ApiError(404, 'NotFound', 'the server could not find the requested resource').toStatus(),
          );
        return sendJson(res, 200, list);
      }
      case 'resource': {
        const rr = {
          def: r.def,
          group: r.group,
          version: r.version,
          namespace: r.namespace,
          name: r.name,
          subresource: r.subresource,
          query: url.searchParams,
          user,
        };
        const warning = this.metrics.deprecated(r.def, r.version, minor);
        if (warning) res.setHeader('Warning', warning);
        // Counted once, on 'finish' or on 'close': a watch the client aborts never finishes, but was a request.
        let counted = false;
        const count = () => {
          if (counted) return;
          counted = true;
          this.metrics.record(
            verbOf(req.method ?? 'GET', rr),
            r.group,
            r.version,
            r.subresource ? `${r.def.plural}/${r.subresource}` : r.def.plural,
            res.statusCode,
          );
        };
        res.on('finish', count);
        res.on('close', count);
        return this.resources.handle(req, res, rr);
      }
    }
  }
}

function versionInfo(v: string) {
  const p = parseVersion(v);
  return {
    major: String(p.major),
    minor: String(p.minor),
    gitVersion: v,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}
