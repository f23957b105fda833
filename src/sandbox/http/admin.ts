/**
 * The sandbox's out-of-band admin API under /sandbox/v1, reached with the admin token from the kubeconfig:
 * the "machines" (what ssh to a node would reach: upgrade or downgrade a node, restore etcd on a control-plane
 * node), the sandbox's etcd endpoint (with --etcd), injected faults, and request counters.
 * It is not part of the Kubernetes API; product code never calls it (only the exec driver's templates do,
 * through `k8s-upgrade sandbox node …`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxCluster } from '../cluster.js';
import type { Controllers } from '../controllers/index.js';
import { upgradeMachine, NodeSideError } from '../node-side/upgrade.js';
import { downgradeMachine } from '../node-side/downgrade.js';
import { restoreEtcd } from '../node-side/restore-etcd.js';
import type { WatchHub } from './watch.js';
import type { FaultSpec } from '../faults.js';
import type { RequestMetrics } from './metrics.js';
import { parseJson, readBody, sendJson } from './respond.js';

export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  parts: string[],
  cluster: SandboxCluster,
  controllers: Controllers,
  metrics: RequestMetrics,
  watches: WatchHub,
): Promise<void> {
  const method = req.method ?? 'GET';
  const fail = (code: number, message: string) => sendJson(res, code, { error: message });
  const [what, id, action] = parts;
  if (what === 'machines' && method === 'GET' && !id) {
    return sendJson(res, 200, { version: cluster.apiserverVersion(), machines: [...cluster.machines.values()] });
  }
  if (what === 'machines' && method === 'POST' && id && (action === 'upgrade' || action === 'downgrade')) {
    const body = parseJson(await readBody(req), true) as { version?: string } | undefined;
    if (!body?.version) return fail(400, 'body must be {"version":"vX.Y.Z"}');
    try {
      const run = action === 'upgrade' ? upgradeMachine : downgradeMachine;
      return sendJson(res, 200, await run(cluster, controllers, id, body.version));
    } catch (e) {
      if (e instanceof NodeSideError) return fail(e.code, e.message);
      throw e;
    }
  }
  if (what === 'machines' && method === 'POST' && id && action === 'restore-etcd') {
    const body = parseJson(await readBody(req), true) as { snapshot?: string } | undefined;
    if (!body?.snapshot) return fail(400, 'body must be {"snapshot":"/absolute/path/snapshot.db"}');
    try {
      return sendJson(res, 200, await restoreEtcd(cluster, controllers, () => watches.dropAll(), id, body.snapshot));
    } catch (e) {
      if (e instanceof NodeSideError) return fail(e.code, e.message);
      throw e;
    }
  }
  if (what === 'etcd' && method === 'GET' && !id) {
    if (!cluster.etcd)
      return fail(404, 'this sandbox runs without etcd; start it with `k8s-upgrade sandbox up --etcd`');
    const { endpoints, dataDir, member, node, restores } = cluster.etcd.info();
    return sendJson(res, 200, { endpoints, dataDir, member, node, restores });
  }
  if (what === 'faults') {
    if (method === 'GET') return sendJson(res, 200, { faults: cluster.faults.list() });
    if (method === 'POST') {
      const spec = parseJson(await readBody(req), true) as FaultSpec | undefined;
      if (!spec) return fail(400, 'body must be a fault spec, e.g. {"type":"node-never-ready","node":"blue-1"}');
      try {
        return sendJson(res, 201, cluster.faults.add(spec));
      } catch (e) {
        return fail(400, (e as Error).message);
      }
    }
    if (method === 'DELETE') {
      cluster.faults.clear(id ? Number(id) : undefined);
      return sendJson(res, 200, { faults: cluster.faults.list() });
    }
  }
  if (what === 'stats') {
    if (method === 'GET')
      return sendJson(res, 200, { requests: metrics.summary(), protobuf: metrics.protobuf.snapshot() });
    if (method === 'DELETE') {
      metrics.reset();
      return sendJson(res, 200, { requests: [] });
    }
  }
  return fail(404, `no admin endpoint ${method} /sandbox/v1/${parts.join('/')}`);
}
