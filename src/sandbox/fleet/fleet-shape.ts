/**
 * The shape of a sandbox fleet, drawn from a seed: N clusters named `c001…`, sizes (nodes per cluster) that sum
 * to the total asked for, skewed as real fleets are (many small clusters, a few big ones; at least 3 nodes each),
 * 1 control-plane node (3 from 20 nodes on), workers split over the pools `blue` and `green`, and a version per
 * cluster: a patch of the given minor, so that every cluster is exactly one minor below the common target (the
 * next minor) and a fleet plan is never blocked by version skew. Pure: the same options give the same fleet.
 */
import { seededRandom } from '../clock.js';
import { parseVersion } from '../cluster.js';
import type { PoolSpec } from '../cluster.js';

export interface FleetShapeOptions {
  clusters: number;
  /** Total nodes over every cluster (at least 3 per cluster). */
  nodes: number;
  seed: number;
  /** The newest version a cluster runs; every cluster runs a patch of its minor (at most this patch). */
  version: string;
}

export interface FleetClusterShape {
  /** `c001`, `c002`, … */
  name: string;
  /** The cluster's own seed (its kube-system UID, names and addresses derive from it). */
  seed: number;
  version: string;
  nodes: number;
  controlPlanes: number;
  pools: PoolSpec[];
  /** Labels for a fleet file: `ring` (canary, early, main) and `region`. */
  labels: Record<string, string>;
}

export const MIN_FLEET_CLUSTER_NODES = 3;
/** From this size on a cluster has three control-plane nodes. */
const HA_FROM_NODES = 20;
const REGIONS = ['eu', 'us', 'ap'];

/** Cluster names: `c001…c999`, then as many digits as needed. */
export function fleetClusterName(i: number, total: number): string {
  return `c${String(i + 1).padStart(Math.max(3, String(total).length), '0')}`;
}

/** The rings a fleet file's stages select: 2 canaries, then 10% early (at least 1 when there are more), the rest main. */
export function ringOf(i: number, total: number): 'canary' | 'early' | 'main' {
  const canaries = Math.min(2, total);
  const early = total > canaries ? Math.max(1, Math.round(total * 0.1)) : 0;
  if (i < canaries) return 'canary';
  if (i < canaries + early) return 'early';
  return 'main';
}

export function fleetShape(o: FleetShapeOptions): FleetClusterShape[] {
  if (!Number.isInteger(o.clusters) || o.clusters < 1) throw new Error(`clusters must be ≥ 1, got ${o.clusters}`);
  if (!Number.isInteger(o.nodes) || o.nodes < o.clusters * MIN_FLEET_CLUSTER_NODES)
    throw new Error(
      `${o.nodes} nodes cannot make ${o.clusters} clusters: each needs at least ${MIN_FLEET_CLUSTER_NODES} (1 control plane, 2 workers)`,
    );
  const v = parseVersion(o.version);
  const random = seededRandom(o.seed * 2654435761 + 7);
  // Log-normal weights (σ = 0.8): a median cluster of about the mean size, a long tail of big ones.
  const weights = Array.from({ length: o.clusters }, () => {
    const u = Math.max(1e-12, random());
    const g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return Math.exp(0.8 * g);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = o.nodes - o.clusters * MIN_FLEET_CLUSTER_NODES;
  const exact = weights.map((w) => (spare * w) / sum);
  const sizes = exact.map((x) => MIN_FLEET_CLUSTER_NODES + Math.floor(x));
  // Largest remainders first, so the sizes sum to the total exactly.
  let left = o.nodes - sizes.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) sizes[order[k][1]]++;

  return sizes.map((nodes, i) => {
    // Most clusters on the newest patch, the others spread over the older patches of the minor.
    const patch = v.patch === 0 || random() < 0.6 ? v.patch : Math.floor(random() * v.patch);
    const controlPlanes = nodes >= HA_FROM_NODES ? 3 : 1;
    const workers = nodes - controlPlanes;
    return {
      name: fleetClusterName(i, o.clusters),
      seed: o.seed * 100_003 + i + 1,
      version: `v${v.major}.${v.minor}.${patch}`,
      nodes,
      controlPlanes,
      pools: [
        { name: 'blue', count: Math.ceil(workers / 2) },
        { name: 'green', count: Math.floor(workers / 2) },
      ],
      labels: { ring: ringOf(i, o.clusters), region: REGIONS[i % REGIONS.length] },
    };
  });
}

/** The version every cluster of the fleet can be upgraded to in one hop: the next minor, patch 0. */
export function fleetTarget(version: string): string {
  const v = parseVersion(version);
  return `v${v.major}.${v.minor + 1}.0`;
}
