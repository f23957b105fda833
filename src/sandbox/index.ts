/**
 * The sandbox: a simulated Kubernetes cluster that real clients (kubectl, @kubernetes/client-node) use
 * unmodified over HTTPS on loopback, for demos, tests and rehearsals. It is not a conformant API server: it
 * serves what an upgrade touches (nodes, pods and their eviction, workloads, PDBs, leases, config maps,
 * secrets, discovery at the cluster's version) with the real wire formats and error bodies.
 *
 * Product code must never import this folder: it reaches the sandbox only through the kubeconfig it writes
 * (and the node driver's command templates, which call `k8s-upgrade sandbox node …`). It keeps its own copy of
 * the Kubernetes rules (quantities, label selectors, conditions, owner references, eviction and drain
 * semantics) on purpose and must not import src/kube/: a shared copy would make the tests prove nothing.
 */
import { SandboxCluster, DEFAULT_VERSION, type SandboxOptions } from './cluster.js';
import { startControllers, type Controllers } from './controllers/index.js';
import { buildCluster } from './workloads/index.js';
import { SandboxServer } from './http/server.js';
import { POD_PROTOBUF } from './http/protobuf/index.js';
import { generateServingCert, randomToken } from './tls.js';
import { renderKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { SandboxEtcd, type EtcdInfo } from './etcd-backend/sandbox-etcd.js';
import type { Ticker } from './clock.js';

export { SandboxCluster, DEFAULT_VERSION, type SandboxOptions, type WorkloadSpec, type PoolSpec } from './cluster.js';
export { FAULT_TYPES, type FaultSpec, type FaultType } from './faults.js';
export { SandboxAdminClient, AdminError } from './admin-client.js';
export { remediateDemo } from './workloads/index.js';
export type { EtcdInfo } from './etcd-backend/sandbox-etcd.js';
export type { RestoreEtcdResult } from './node-side/restore-etcd.js';
export { startSandboxFleet, type SandboxFleet, type FleetStartOptions, type FleetMember } from './fleet/start-fleet.js';
export { fleetShape, fleetTarget, type FleetClusterShape } from './fleet/fleet-shape.js';
export { renderSandboxFleetFile, writeSandboxFleetFile } from './fleet/fleet-file.js';

export interface StartOptions extends Partial<SandboxOptions> {
  port?: number;
  /** Where to write the kubeconfig (0600). Not written when absent. */
  kubeconfigPath?: string;
  /**
   * Keep every object in a real etcd (`etcd` from the PATH, one member named after the first control-plane
   * node, free loopback ports, data under `etcdWorkDir` or a temp dir removed on stop), as kube-apiserver
   * does; the in-memory store stays the serving cache and writes through to it.
   */
  etcd?: boolean;
  etcdWorkDir?: string;
  /** The serving certificate and key (default: a new one). A sandbox fleet shares one across its clusters. */
  serving?: { cert: string; key: string };
  /** The interval timers shared by the clusters of a sandbox fleet (default: the cluster's own). */
  ticker?: Ticker;
  /** Warm the list caches in the background once serving (default true; a fleet of small clusters skips it). */
  warmCaches?: boolean;
}

/** The sandbox's etcd as tests see it. */
export interface SandboxEtcdHandle {
  endpoints: string[];
  member: string;
  /** The current data dir (a new one after each restore). */
  dataDir(): string;
  info(): EtcdInfo;
  /** Resolves when every change committed so far has been written to etcd. */
  flushed(): Promise<void>;
}

export interface Sandbox {
  url: string;
  kubeconfig: string;
  kubeconfigPath?: string;
  adminToken: string;
  readonlyToken: string;
  /** The serving certificate (also the CA in the kubeconfig). */
  caPem: string;
  cluster: SandboxCluster;
  controllers: Controllers;
  server: SandboxServer;
  /** Present when started with `etcd: true`. */
  etcd?: SandboxEtcdHandle;
  stop(): Promise<void>;
}

export const DEFAULT_OPTIONS: SandboxOptions = {
  version: DEFAULT_VERSION,
  controlPlanes: 3,
  pools: [
    { name: 'blue', count: 3 },
    { name: 'green', count: 3 },
  ],
  workload: { kind: 'demo' },
  seed: 1,
  timeScale: 1,
};

export async function startSandbox(opts: StartOptions = {}): Promise<Sandbox> {
  const { port, kubeconfigPath, etcd: withEtcd, etcdWorkDir, serving, ticker, warmCaches = true, ...rest } = opts;
  const options: SandboxOptions = { ...DEFAULT_OPTIONS, ...stripUndefined(rest) };
  const cluster = new SandboxCluster(options, ticker);
  buildCluster(cluster);
  let etcd: SandboxEtcd | undefined;
  if (withEtcd) {
    const member = cluster.controlPlaneMachines()[0]?.name ?? 'sandbox';
    etcd = await SandboxEtcd.start({ member, workDir: etcdWorkDir });
    cluster.etcd = etcd;
    etcd.attach(cluster.store);
    try {
      await etcd.flushed();
    } catch (e) {
      await etcd.stop();
      throw e;
    }
  }
  const controllers = startControllers(cluster);
  const { cert, key } = serving ?? generateServingCert();
  const adminToken = randomToken();
  const readonlyToken = randomToken();
  const server = new SandboxServer(cluster, controllers, { cert, key, adminToken, readonlyToken, port });
  let url: string;
  try {
    url = await server.listen();
  } catch (e) {
    controllers.stop();
    cluster.clock.stop();
    await etcd?.stop();
    throw e;
  }
  const kc = { server: url, caPem: cert, adminToken, readonlyToken };
  // Every table, not only pods and nodes: a plan of a 5,000-node cluster also lists 10,000 Deployments and ReplicaSets.
  // Background cache warm-up, most wanted first: the JSON of pods and nodes (kubectl, as before), then — only
  // while no request comes in, so that clients never wait behind it — pods in protobuf (the product) and the JSON of
  // every other table (a 5,000-node plan lists 10,000 Deployments and ReplicaSets).
  if (warmCaches)
    void (async () => {
      const store = cluster.store;
      const quiet = () => server.quiet();
      await store.warmJsonCache('pods');
      await store.warmJsonCache('nodes');
      await store.warmEncodedCache('pods', POD_PROTOBUF, 2000, quiet);
      for (const r of store.resourceNames())
        if (r !== 'pods' && r !== 'nodes') await store.warmJsonCache(r, 2000, quiet);
    })();
  if (kubeconfigPath) writeKubeconfig(kubeconfigPath, kc);
  let stopped = false;
  const e = etcd;
  return {
    url,
    kubeconfig: renderKubeconfig(kc),
    kubeconfigPath,
    adminToken,
    readonlyToken,
    caPem: cert,
    cluster,
    controllers,
    server,
    etcd: e && {
      endpoints: e.info().endpoints,
      member: e.info().member,
      dataDir: () => e.info().dataDir,
      info: () => e.info(),
      flushed: () => e.flushed(),
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      controllers.stop();
      cluster.clock.stop();
      await server.close();
      await e?.stop();
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
