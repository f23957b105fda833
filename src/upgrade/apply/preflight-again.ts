/**
 * `apply` re-runs preflight so that a stale plan is caught: the same checks as `plan`, with the plan's own
 * target, groups, options and waivers, against the cluster as it is now. On a resumed run the findings that
 * only describe the run's own progress (nodes it has cordoned, a node it left NotReady mid-upgrade, the
 * version mix of a half-done hop) are not blockers.
 */
import { blocking, type Finding, type UpgradePlan } from '../../plan/index.js';
import type { AccessOptions } from '../../cluster/index.js';
import { planUpgrade } from '../plan/index.js';

/** Checks whose findings on the run's own nodes are expected while a run is under way. */
const PROGRESS_CHECKS = new Set([
  'node-not-ready',
  'node-cordoned',
  'skew-violated-now',
  'skew-violated-by-path',
  'control-plane-unhealthy',
]);

export interface PreflightOutcome {
  findings: Finding[];
  blockers: Finding[];
  /** The plan made now from the live cluster with the same target and options. */
  fresh: UpgradePlan;
}

export async function preflightAgain(
  plan: UpgradePlan,
  access: AccessOptions,
  generator: string,
  runNodes: ReadonlySet<string> | undefined,
): Promise<PreflightOutcome> {
  const explicit = plan.groups.filter((g) => !g.implicit).map((g) => g.selector);
  const { plan: fresh } = await planUpgrade({
    access,
    to: plan.to,
    workers: explicit,
    maxUnavailable: plan.groups[0]?.maxUnavailableSpec ?? '1',
    ...(plan.options.canary ? { canary: plan.options.canary } : {}),
    strict: false,
    ignoreChecks: [...plan.waivers],
    options: plan.options,
    driver: plan.driver,
    generator,
    now: new Date(),
  });
  const findings = [...fresh.findings];
  const relevant = runNodes
    ? findings.filter(
        (f) =>
          !(
            PROGRESS_CHECKS.has(f.id) &&
            (f.objects.length === 0 || f.objects.some((o) => (o.kind === 'Node' ? runNodes.has(o.name) : true)))
          ),
      )
    : findings;
  return { findings, blockers: blocking(relevant), fresh };
}
