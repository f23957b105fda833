/**
 * A sandbox fleet: N simulated clusters served from one process, each a full sandbox (its own store, machines,
 * controllers, faults, kube-system UID, tokens and HTTPS server on its own loopback port) so that kubectl,
 * client-node and the Python client reach each one through its own context `sandbox-<name>` in one kubeconfig.
 * Workloads: the `scale` workload at about 4 pods per worker, every Deployment with ≥ 2 replicas and a PDB (so a
 * fleet plan finds nothing to block and a drain never takes a workload down).
 * What the clusters share is what makes 570 of them cheap: one serving certificate, one Ticker (one interval
 * timer per period for every cluster's periodic work), no background cache warm-up, and kubelet lease renewals
 * relaxed with the fleet's size (at most about 100 renewals per real second over the whole fleet) unless the
 * caller sets `timings.heartbeatMs`.
 */
import { Ticker } from '../clock.js';
import { generateServingCert } from '../tls.js';
import { writeKubeconfig, type KubeconfigInput } from '../kubeconfig.js';
import { startSandbox, type Sandbox, type StartOptions } from '../index.js';
import { fleetShape, fleetTarget, type FleetClusterShape } from './fleet-shape.js';

export interface FleetStartOptions {
  clusters: number;
  /** Total nodes (default 10 per cluster). */
  nodes?: number;
  seed?: number;
  /** The newest version a cluster runs (default v1.31.4); the fleet's target is the next minor. */
  version?: string;
  /** Where to write the kubeconfig with every cluster's contexts (0600). */
  kubeconfigPath?: string;
  /** First port: cluster i listens on port + i (default: free ports). */
  port?: number;
  /** Deployment pods per worker (default 4); every Deployment has ≥ 2 replicas and a PDB. */
  podsPerNode?: number;
  timeScale?: number;
  timings?: StartOptions['timings'];
}

export interface FleetMember {
  shape: FleetClusterShape;
  /** Its context in the fleet kubeconfig (`sandbox-<name>`; read-only: `sandbox-<name>-readonly`). */
  context: string;
  sandbox: Sandbox;
}

export interface SandboxFleet {
  members: FleetMember[];
  /** The version every cluster can be planned to in one hop. */
  target: string;
  kubeconfig: KubeconfigInput[];
  kubeconfigPath?: string;
  ticker: Ticker;
  member(name: string): FleetMember | undefined;
  stop(): Promise<void>;
}

export const DEFAULT_NODES_PER_CLUSTER = 10;
/** Lease renewals per real second the whole fleet is allowed (the heartbeat is relaxed to stay under it). */
const RENEWALS_PER_SECOND = 100;

export const contextOf = (cluster: string): string => `sandbox-${cluster}`;

export async function startSandboxFleet(o: FleetStartOptions): Promise<SandboxFleet> {
  const version = o.version ?? 'v1.31.4';
  const totalNodes = o.nodes ?? o.clusters * DEFAULT_NODES_PER_CLUSTER;
  const shapes = fleetShape({ clusters: o.clusters, nodes: totalNodes, seed: o.seed ?? 1, version });
  const timeScale = o.timeScale ?? 1;
  const heartbeatMs =
    o.timings?.heartbeatMs ?? Math.max(10_000, ((totalNodes / RENEWALS_PER_SECOND) * 1000) / timeScale);
  const serving = generateServingCert();
  const ticker = new Ticker();
  const members: FleetMember[] = [];
  const stopAll = () => Promise.all(members.map((m) => m.sandbox.stop()));
  try {
    for (const [i, shape] of shapes.entries()) {
      const sandbox = await startSandbox({
        port: o.port === undefined ? undefined : o.port + i,
        version: shape.version,
        controlPlanes: shape.controlPlanes,
        pools: shape.pools,
        workload: { kind: 'scale', nodes: shape.nodes, podsPerNode: o.podsPerNode ?? 4, budgetEveryDeployment: true },
        seed: shape.seed,
        timeScale,
        timings: { ...o.timings, heartbeatMs },
        serving,
        ticker,
        warmCaches: false,
      });
      members.push({ shape, context: contextOf(shape.name), sandbox });
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  const kubeconfig = members.map((m) => ({
    name: m.context,
    server: m.sandbox.url,
    caPem: serving.cert,
    adminToken: m.sandbox.adminToken,
    readonlyToken: m.sandbox.readonlyToken,
  }));
  if (o.kubeconfigPath) writeKubeconfig(o.kubeconfigPath, kubeconfig);
  const byName = new Map(members.map((m) => [m.shape.name, m]));
  return {
    members,
    target: fleetTarget(version),
    kubeconfig,
    kubeconfigPath: o.kubeconfigPath,
    ticker,
    member: (name) => byName.get(name),
    async stop() {
      await stopAll();
    },
  };
}
