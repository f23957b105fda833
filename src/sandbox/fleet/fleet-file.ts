/**
 * The fleet file `sandbox up --clusters N --fleet-file PATH` writes for its fleet (`kind: Fleet`, the format
 * `k8s-upgrade fleet plan` reads): every cluster with the fleet kubeconfig, its context and its labels (ring,
 * region), the exec driver's argv per cluster pointing at that cluster's context, and three stages — canary (the
 * 2 `ring=canary` clusters, one at a time), early (`ring=early`, 10%) and main (the rest, 10% at a time), each
 * only when it has clusters. Worker groups `pool=blue` then `pool=green`, 25% of a group at a time; no etcd
 * snapshot (the fleet has no etcd).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import type { SandboxFleet } from './start-fleet.js';

export interface FleetFileOptions {
  /** The fleet's name (metadata.name: names plans/<fleet>/). */
  name?: string;
  /** The kubeconfig path the fleet file names (absolute, or relative to the fleet file's folder). */
  kubeconfig: string;
  /**
   * The exec driver's argv prefix that upgrades a node of a cluster, before `--kubeconfig K --context C {node}
   * {version}` (e.g. the CLI's `[node, bin/run.js, 'sandbox', 'node', 'upgrade']`).
   */
  upgradeArgv: (context: string) => string[];
  maxConcurrency?: string | number;
}

export function renderSandboxFleetFile(fleet: Pick<SandboxFleet, 'members'>, o: FleetFileOptions): string {
  const doc = {
    apiVersion: 'k8s-upgrade/v1',
    kind: 'Fleet',
    metadata: { name: o.name ?? 'sandbox' },
    defaults: {
      workers: ['pool=blue', 'pool=green'],
      maxUnavailable: '25%',
      deleteEmptydirData: true,
      driver: 'exec',
      etcdSnapshot: 'none',
    },
    clusters: fleet.members.map((m) => ({
      name: m.shape.name,
      kubeconfig: o.kubeconfig,
      context: m.context,
      labels: m.shape.labels,
      settings: { execCommand: o.upgradeArgv(m.context) },
    })),
    // A ring without clusters (a fleet of 1–3) gets no stage: a stage that selects nothing is a warning.
    stages: [
      { name: 'canary', selector: 'ring=canary', maxConcurrency: 1 },
      { name: 'early', selector: 'ring=early', maxConcurrency: o.maxConcurrency ?? '100%' },
      { name: 'main', selector: 'ring=main', maxConcurrency: o.maxConcurrency ?? '10%', failureBudget: '1%' },
    ].filter((st) => fleet.members.some((m) => `ring=${m.shape.labels.ring}` === st.selector)),
  };
  return `# Written by \`k8s-upgrade sandbox up --clusters ${fleet.members.length}\`: valid while that sandbox runs.\n${stringify(doc, { lineWidth: 0 })}`;
}

/** Writes the fleet file atomically (it names a kubeconfig path, never a token). */
export function writeSandboxFleetFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
