/**
 * PodDisruptionBudget checks over the pods the drains will evict: budgets that can never allow a
 * disruption (`pdb-never-allows-eviction`), pods selected by several budgets, for which the Eviction API
 * answers 500 (`pdb-multiple-match`), and budgets that allow nothing right now because pods are unhealthy
 * (`pdb-currently-blocked`). Only budgets over evicted pods count: a budget on pods nobody drains is harmless.
 */
import type { PdbInfo, PodInfo } from '../cluster/index.js';
import { evictedByDrain } from '../kube/index.js';
import type { Finding } from '../plan/index.js';
import { drainModel, evictedWithBatch, type DrainModel } from './drain-model.js';
import { count, finding, listNames, obj, podObj } from './finding.js';
import { budgetOf, PodSelectorIndex } from './pdb-math.js';
import type { PreflightContext } from './types.js';

export interface PdbCoverage {
  /** Budgets selecting each pod, by pod uid (or ns/name). */
  byPod: Map<string, PdbInfo[]>;
  /** Pods each budget selects, by `ns/name`. */
  selected: Map<string, PodInfo[]>;
}

export const podKey = (p: PodInfo): string => p.uid || `${p.namespace}/${p.name}`;
export const pdbKey = (b: PdbInfo): string => `${b.namespace}/${b.name}`;

const cache = new WeakMap<DrainModel, PdbCoverage>();

/** Which budgets select which pods (computed once per drain model). */
export function pdbCoverage(ctx: PreflightContext): PdbCoverage {
  const model = drainModel(ctx);
  const hit = cache.get(model);
  if (hit) return hit;
  const index = new PodSelectorIndex(model.podsByNamespace);
  const byPod = new Map<string, PdbInfo[]>();
  const selected = new Map<string, PodInfo[]>();
  for (const b of ctx.inventory.pdbs) {
    const pods = index.select(b.namespace, b.selector);
    selected.set(pdbKey(b), pods);
    for (const p of pods) push(byPod, podKey(p), b);
  }
  const out = { byPod, selected };
  cache.set(model, out);
  return out;
}

const fixBudget = (b: PdbInfo, owner?: { kind: string; name: string; replicas?: number }): string => {
  const patch = `kubectl patch pdb ${b.name} -n ${b.namespace} --type merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`;
  const scale =
    owner && owner.kind !== 'ReplicaSet' && typeof b.minAvailable === 'number'
      ? ` or scale ${owner.kind.toLowerCase()}/${owner.name} to at least ${b.minAvailable + 1} replicas (\`kubectl scale ${owner.kind.toLowerCase()}/${owner.name} -n ${b.namespace} --replicas=${b.minAvailable + 1}\`)`
      : '';
  return `Let the budget allow one disruption: \`${patch}\`${scale}. Then plan again.`;
};

export function checkPdbs(ctx: PreflightContext): Finding[] {
  const model = drainModel(ctx);
  const coverage = pdbCoverage(ctx);
  const evictedBy = new Map<string, { pod: PodInfo; batch: string }[]>();
  const multi = new Map<string, { pdbs: PdbInfo[]; pods: { pod: PodInfo; batch: string }[] }>();
  for (const e of evictedWithBatch(model)) {
    // Budgets guard evictions only: pods the drain deletes for good (no controller, DaemonSet gone) bypass them.
    if (!evictedByDrain(e.pod, model.disposition(e.pod))) continue;
    const pdbs = coverage.byPod.get(podKey(e.pod)) ?? [];
    for (const b of pdbs) push(evictedBy, pdbKey(b), e);
    if (pdbs.length > 1) {
      const k = pdbs.map(pdbKey).sort().join(' ');
      const m = multi.get(k) ?? { pdbs: [...pdbs].sort((a, b) => pdbKey(a).localeCompare(pdbKey(b))), pods: [] };
      m.pods.push(e);
      multi.set(k, m);
    }
  }
  const out: Finding[] = [];
  for (const b of ctx.inventory.pdbs) {
    const hits = evictedBy.get(pdbKey(b));
    if (!hits) continue;
    const selected = coverage.selected.get(pdbKey(b)) ?? [];
    const budget = budgetOf(b, selected, model.workloads.scaleOf);
    const allHealthy = selected.every((p) => p.ready);
    // The status is trusted to say "never" only when it has counted every selected pod as healthy: right
    // after an eviction the replacement can be Ready before the disruption controller has seen it, and that
    // lag is not a budget that never allows anything.
    const statusCaughtUp = b.currentHealthy >= selected.length;
    const statusSaysNever =
      b.current && b.disruptionsAllowed === 0 && allHealthy && selected.length > 0 && statusCaughtUp;
    const pods = hits.map((h) => podObj(h.pod, `on ${h.pod.nodeName}, ${h.batch}`));
    const spec =
      b.minAvailable !== undefined
        ? `minAvailable ${b.minAvailable}`
        : b.maxUnavailable !== undefined
          ? `maxUnavailable ${b.maxUnavailable}`
          : 'neither minAvailable nor maxUnavailable';
    if (budget.bestCaseAllowed <= 0 || statusSaysNever) {
      out.push(
        finding(
          'pdb-never-allows-eviction',
          'blocker',
          `PodDisruptionBudget ${b.namespace}/${b.name} (${spec}) can never allow an eviction: it wants ${budget.desiredHealthy} healthy of ${selected.length} selected pod(s). Draining ${count(hits.length, 'pod')} under it would retry forever.`,
          [
            obj(
              'PodDisruptionBudget',
              b.name,
              b.namespace,
              `${spec}; ${selected.length} pods selected, ${budget.desiredHealthy} must stay healthy`,
            ),
            ...pods,
          ],
          fixBudget(b, model.workloads.topOwner(hits[0]!.pod)),
        ),
      );
    } else if (b.current && b.disruptionsAllowed === 0 && allHealthy) {
      out.push(
        finding(
          'pdb-currently-blocked',
          'warning',
          `PodDisruptionBudget ${b.namespace}/${b.name} allows no disruption right now: its status counts ${b.currentHealthy} healthy of ${selected.length} Ready pods (${b.desiredHealthy} needed) and has not caught up with them yet. Drains of its pods will wait until it does.`,
          [obj('PodDisruptionBudget', b.name, b.namespace, `${b.currentHealthy}/${b.desiredHealthy} healthy`)],
          `Check it again in a few seconds (\`kubectl get pdb ${b.name} -n ${b.namespace}\`); if it stays at ${b.currentHealthy}, check that the disruption controller in kube-controller-manager is running.`,
        ),
      );
    } else if (b.current && b.disruptionsAllowed === 0) {
      const unhealthy = selected.filter((p) => !p.ready);
      out.push(
        finding(
          'pdb-currently-blocked',
          'warning',
          `PodDisruptionBudget ${b.namespace}/${b.name} allows no disruption right now: ${b.currentHealthy} healthy, ${b.desiredHealthy} needed (${count(unhealthy.length, 'pod')} not Ready: ${listNames(unhealthy.map((p) => p.name))}). Drains of its pods will wait until they recover.`,
          [
            obj('PodDisruptionBudget', b.name, b.namespace, `${b.currentHealthy}/${b.desiredHealthy} healthy`),
            ...unhealthy.map((p) => podObj(p, 'not Ready')),
          ],
          `Find out why the pods are not Ready (\`kubectl describe pod -n ${b.namespace} ${unhealthy[0]?.name ?? ''}\`) and fix them before applying.`,
        ),
      );
    }
  }
  for (const { pdbs, pods } of multi.values()) {
    const names = pdbs.map(pdbKey);
    out.push(
      finding(
        'pdb-multiple-match',
        'blocker',
        `${count(pods.length, 'evicted pod is', 'evicted pods are')} selected by ${pdbs.length} PodDisruptionBudgets (${names.join(', ')}); the Eviction API refuses such pods with HTTP 500 ("more than one PodDisruptionBudget").`,
        [
          ...pdbs.map((b) => obj('PodDisruptionBudget', b.name, b.namespace, 'selects the same pods')),
          ...pods.map((h) => podObj(h.pod, `on ${h.pod.nodeName}, ${h.batch}`)),
        ],
        `Make the selectors disjoint so each pod has one budget: delete the redundant one (\`kubectl delete pdb ${pdbs[pdbs.length - 1]!.name} -n ${pdbs[0]!.namespace}\`) or narrow its selector (\`kubectl edit pdb ${pdbs[pdbs.length - 1]!.name} -n ${pdbs[0]!.namespace}\`).`,
      ),
    );
  }
  return out;
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
