/**
 * Starts an in-process sandbox fleet (`startSandboxFleet`: N clusters, one kubeconfig with a context
 * `sandbox-<name>` each) in a temp dir, for integration tests and benchmarks; `kc(name)` is a client-node
 * KubeConfig on that cluster's context.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startSandboxFleet, type FleetStartOptions, type SandboxFleet } from '../../src/sandbox/index.js';

export interface TestSandboxFleet {
  fleet: SandboxFleet;
  dir: string;
  kubeconfigPath: string;
  /** client-node on one cluster's context. */
  kc(cluster: string): KubeConfig;
  stop(): Promise<void>;
}

export async function startTestSandboxFleet(
  opts: Omit<FleetStartOptions, 'kubeconfigPath'> = { clusters: 3 },
): Promise<TestSandboxFleet> {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-fleet-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const fleet = await startSandboxFleet({ timeScale: 0.05, ...opts, kubeconfigPath });
  return {
    fleet,
    dir,
    kubeconfigPath,
    kc(cluster) {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      kc.setCurrentContext(`sandbox-${cluster}`);
      return kc;
    },
    async stop() {
      await fleet.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
