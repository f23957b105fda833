/**
 * Preflight: reads the cluster once (`gatherInventory`) and runs every check over that inventory, the
 * version path and the drain batches, returning findings as data — each with a stable id from `CHECKS`, a
 * severity, the objects concerned and a remediation. The checks read the live cluster only where the
 * inventory cannot answer (/metrics, collections of removed kinds, Helm release secrets, access reviews), and
 * always with a number of requests that does not grow with nodes or pods.
 *
 * Must not: change anything in the cluster (every request is a read or an access review), print, decide
 * whether to proceed (that is the caller's use of `blocking`/`applyWaivers`), or import anything but
 * `kube/`, `plan/`, `cluster/`, node built-ins and `yaml`.
 *
 * Not modelled (yet): pod (anti-)affinity, topology spread, host ports and volume topology in the capacity
 * simulation; PriorityClass preemption; webhooks that reject the new version; etcd health beyond its mirror pod.
 */
import { sortFindings, type Finding } from '../plan/index.js';
import { checkCapacity } from './capacity.js';
import { checkControlPlane } from './control-plane.js';
import { checkRemovedApisHelm } from './helm.js';
import { checkRemovedApisManifests } from './manifests.js';
import { checkCordoned, checkNotReady, checkRuntime } from './nodes.js';
import { checkPdbs } from './pdb.js';
import { checkPermissions } from './permissions.js';
import { checkEmptyDir, checkSingleReplica, checkUnmanaged } from './pods.js';
import { checkRemovedApisInUse } from './removed-apis-live.js';
import { checkRemovedApisStored } from './removed-apis-stored.js';
import { checkSkewByPath, checkSkewNow, checkTargetPrerelease } from './skew.js';
import type { Check, PreflightContext } from './types.js';

export * from './types.js';
export { CHECKS, checkInfo, isKnownCheck, isWaivable, type CheckInfo } from './registry.js';
export { gatherInventory, findComponents, imageTag } from './inventory.js';
export { apiserverVersions, batchNodes, versionPathInput, workerKubelets } from './context.js';
export { drainBatches, type DrainModel } from './drain-model.js';
export { simulateCapacity, type BatchCapacity } from './capacity.js';
export { budgetOf, PodSelectorIndex, type Budget } from './pdb-math.js';
export { decodeHelmRelease, type HelmRelease } from './helm.js';
export { scanManifestText, listManifestFiles, type ManifestObject } from './manifests.js';
export { parseDeprecatedApiMetrics, type DeprecatedApiSample } from './removed-apis-live.js';
export { REQUIRED_ACCESS, describeAccess } from './permissions.js';
export {
  APPLY_ACCESS,
  PLAN_NON_RESOURCE_ACCESS,
  planAccess,
  storedCollectionAccess,
  type NonResourceAccess,
  type ResourceAccess,
} from './required-access.js';

/** Every check family, in the order they run. */
export const CHECK_FUNCTIONS: readonly Check[] = [
  checkSkewNow,
  checkSkewByPath,
  checkTargetPrerelease,
  checkNotReady,
  checkCordoned,
  checkRuntime,
  checkControlPlane,
  checkPdbs,
  checkUnmanaged,
  checkEmptyDir,
  checkSingleReplica,
  checkCapacity,
  checkRemovedApisInUse,
  checkRemovedApisStored,
  checkRemovedApisHelm,
  checkRemovedApisManifests,
  checkPermissions,
];

/** Runs every check (the ones that read the cluster concurrently) and returns the findings sorted. */
export async function runPreflight(ctx: PreflightContext): Promise<Finding[]> {
  const results = await Promise.all(CHECK_FUNCTIONS.map(async (check) => check(ctx)));
  return sortFindings(results.flat());
}
export {
  evaluateHealth,
  waitForHealth,
  CONTROL_PLANE_COMPONENTS,
  DEFAULT_GATE_INTERVAL_MS,
  type HealthInput,
  type HealthResult,
  type WaitForHealthInput,
  type HttpGateSpec,
  type CommandGateSpec,
  type RunGateCommand,
} from './health-gates.js';
export { checkHttpGate, redactUrl, type HttpGateResult } from './http-gate.js';
