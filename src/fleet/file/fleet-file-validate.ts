/**
 * A fleet document (parsed YAML) to a `FleetFile`, without I/O: the schema, then the rules across it — unique
 * cluster and stage names, every cluster selected by exactly one stage, and the plan settings (`defaults` and each
 * cluster's `settings`, merged key by key over the plan defaults) checked by the plan use case's own
 * `readPlanSettings` / `planSettingsProblems`. A stage that selects no cluster is a warning, not an error: the
 * inventory changes over time and an empty stage passes at once.
 */
import { matchesLabels, parseLabelSelector } from '../../kube/index.js';
import { issuePath, problemsFromIssues } from '../../plan/index.js';
import {
  DEFAULT_PLAN_SETTINGS,
  planSettingsProblems,
  readPlanSettings,
  type UpgradePlanSettings,
} from '../../upgrade/plan/plan-settings.js';
import type { FleetFileProblem } from './fleet-file-errors.js';
import { fleetFileSchema } from './fleet-file-schema.js';
import type { FleetCluster, FleetFile } from './fleet-file-types.js';

export interface FleetValidation {
  fleet?: FleetFile;
  problems: FleetFileProblem[];
  warnings: FleetFileProblem[];
}

export function validateFleetDocument(value: unknown): FleetValidation {
  const parsed = fleetFileSchema.safeParse(value);
  if (!parsed.success) return { problems: problemsFromIssues(parsed.error.issues), warnings: [] };
  const fleet = parsed.data as FleetFile;
  const problems: FleetFileProblem[] = [];
  const warnings: FleetFileProblem[] = [];
  duplicates(fleet.clusters, 'clusters', 'cluster', problems);
  duplicates(fleet.stages, 'stages', 'stage', problems);
  stageMembership(fleet, problems, warnings);
  settingsProblems(fleet, problems);
  return problems.length ? { problems, warnings } : { fleet, problems, warnings };
}

function duplicates(items: readonly { name: string }[], list: string, what: string, out: FleetFileProblem[]): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const seen = first.get(item.name);
    if (seen === undefined) first.set(item.name, i);
    else
      out.push({
        path: `${list}[${i}].name`,
        message: `duplicate ${what} name "${item.name}" (also ${list}[${seen}])`,
      });
  });
}

const showLabels = (labels: Record<string, string>): string =>
  Object.keys(labels).length === 0
    ? 'no labels'
    : `labels ${Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`;

function stageMembership(fleet: FleetFile, problems: FleetFileProblem[], warnings: FleetFileProblem[]): void {
  const selectors = fleet.stages.map((s) => parseLabelSelector(s.selector));
  const members = fleet.stages.map(() => 0);
  fleet.clusters.forEach((c, i) => {
    const stages = selectors.flatMap((sel, k) => (matchesLabels(sel, c.labels) ? [k] : []));
    for (const k of stages) members[k] = (members[k] ?? 0) + 1;
    if (stages.length === 0)
      problems.push({
        path: `clusters[${i}]`,
        message: `cluster "${c.name}" (${showLabels(c.labels)}) matches no stage selector: give it labels a stage selects`,
      });
    else if (stages.length > 1)
      problems.push({
        path: `clusters[${i}]`,
        message: `cluster "${c.name}" matches ${stages.length} stages (${stages.map((k) => fleet.stages[k]?.name).join(', ')}): a cluster belongs to exactly one stage`,
      });
  });
  members.forEach((n, k) => {
    if (n === 0)
      warnings.push({
        path: `stages[${k}].selector`,
        message: `stage "${fleet.stages[k]?.name}" selects no cluster (${JSON.stringify(fleet.stages[k]?.selector)}); it passes at once`,
      });
  });
}

/** The settings a cluster is planned with: the plan defaults, then the fleet's `defaults`, then its own. */
export function clusterPlanSettings(fleet: FleetFile, cluster: FleetCluster): UpgradePlanSettings {
  return { ...DEFAULT_PLAN_SETTINGS, ...fleet.defaults, ...cluster.settings } as UpgradePlanSettings;
}

function settingsProblems(fleet: FleetFile, out: FleetFileProblem[]): void {
  const seen = new Set<string>();
  const push = (p: FleetFileProblem) => {
    const key = `${p.path}\0${p.message}`;
    if (!seen.has(key)) out.push(p);
    seen.add(key);
  };
  const defaults = readPlanSettings(fleet.defaults);
  for (const p of defaults.problems)
    push({ path: issuePath(['defaults', ...(p.key ? [p.key] : [])]), message: p.message });
  if (defaults.problems.length) return;
  fleet.clusters.forEach((c, i) => {
    const own = readPlanSettings(c.settings);
    const base = ['clusters', i, 'settings'];
    for (const p of own.problems) push({ path: issuePath([...base, ...(p.key ? [p.key] : [])]), message: p.message });
    if (own.problems.length) return;
    for (const p of planSettingsProblems(clusterPlanSettings(fleet, c))) {
      const inOwn = p.key !== undefined && c.settings !== undefined && p.key in c.settings;
      const inDefaults = p.key !== undefined && fleet.defaults !== undefined && p.key in fleet.defaults;
      const where = inOwn ? base : inDefaults || c.settings === undefined ? ['defaults'] : base;
      push({ path: issuePath([...where, ...(p.key && (inOwn || inDefaults) ? [p.key] : [])]), message: p.message });
    }
  });
}
