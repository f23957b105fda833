/**
 * The rules between the sections of a structurally valid plan, which a schema of each section cannot say:
 * batches cover their group exactly, a node is in one group, hop nodes are known, hops go up and stop at the
 * target, components and waivers agree, and the summary agrees with the findings and hops.
 */
import type { PlanFileProblem } from './plan-file-errors.js';
import type { UpgradePlan } from './plan-file-schema.js';
import { computePlanSummary } from './plan-file-summary.js';
import { compareVersions, tryParseReportedVersion, type KubeVersion } from './versions.js';

const problem = (out: PlanFileProblem[], path: string, message: string): void => {
  out.push({ path, message });
};
const parseV = (v: string): KubeVersion => tryParseReportedVersion(v) as KubeVersion;
const duplicates = (names: readonly string[]): string[] => [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];

/** Adds to `out` every rule between sections that `plan` breaks; `plan` is structurally valid. */
export const consistencyProblems = (plan: UpgradePlan, out: PlanFileProblem[]): void => {
  const from = tryParseReportedVersion(plan.from) as KubeVersion;
  const to = tryParseReportedVersion(plan.to) as KubeVersion;
  if (compareVersions(from, to) > 0)
    problem(out, 'to', `${plan.to} is older than from (${plan.from}); a plan never downgrades`);

  const seenComponents = new Set<string>();
  plan.components.forEach((c, i) => {
    if (seenComponents.has(c.component)) problem(out, `components[${i}].component`, `${c.component} is listed twice`);
    seenComponents.add(c.component);
  });

  const cp = new Set(plan.controlPlane.nodes);
  for (const d of duplicates(plan.controlPlane.nodes)) problem(out, 'controlPlane.nodes', `${d} is listed twice`);
  plan.controlPlane.hops.forEach((hop, h) => {
    for (const d of duplicates(hop.nodes)) problem(out, `controlPlane.hops[${h}].nodes`, `${d} is listed twice`);
    hop.nodes.forEach((n, i) => {
      if (!cp.has(n)) problem(out, `controlPlane.hops[${h}].nodes[${i}]`, `${n} is not in controlPlane.nodes`);
    });
  });

  const groupOf = new Map<string, number>();
  plan.groups.forEach((g, gi) => {
    if (g.implicit !== (g.selector === '')) {
      problem(
        out,
        `groups[${gi}].implicit`,
        g.implicit ? 'an implicit group has the selector ""' : 'only the implicit group has an empty selector',
      );
    }
    g.nodes.forEach((n, i) => {
      const other = groupOf.get(n);
      if (other !== undefined) problem(out, `groups[${gi}].nodes[${i}]`, `${n} is already in groups[${other}]`);
      else groupOf.set(n, gi);
      if (cp.has(n))
        problem(out, `groups[${gi}].nodes[${i}]`, `${n} is a control-plane node; worker groups hold workers only`);
    });
    const members = new Set(g.nodes);
    const batched = new Set<string>();
    g.batches.forEach((b, bi) =>
      b.forEach((n, i) => {
        const p = `groups[${gi}].batches[${bi}][${i}]`;
        if (!members.has(n)) problem(out, p, `${n} is not in groups[${gi}].nodes`);
        else if (batched.has(n)) problem(out, p, `${n} is in two batches`);
        batched.add(n);
      }),
    );
    const missing = g.nodes.filter((n) => !batched.has(n));
    if (missing.length > 0) problem(out, `groups[${gi}].batches`, `no batch holds ${missing.join(', ')}`);
  });

  const ascending = (hops: readonly { to: string }[], section: string): void =>
    hops.forEach((hop, h) => {
      const prev = hops[h - 1];
      if (prev && compareVersions(parseV(prev.to), parseV(hop.to)) >= 0)
        problem(out, `${section}[${h}].to`, `${hop.to} does not come after ${prev.to}; hops go up`);
      if (compareVersions(parseV(hop.to), to) > 0)
        problem(out, `${section}[${h}].to`, `${hop.to} is past the target ${plan.to}`);
    });
  ascending(plan.controlPlane.hops, 'controlPlane.hops');
  ascending(plan.workers.hops, 'workers.hops');

  plan.workers.hops.forEach((hop, h) => {
    for (const d of duplicates(hop.nodes)) problem(out, `workers.hops[${h}].nodes`, `${d} is listed twice`);
    hop.nodes.forEach((n, i) => {
      if (!groupOf.has(n)) problem(out, `workers.hops[${h}].nodes[${i}]`, `${n} is in no worker group`);
    });
  });

  const waivers = new Set(plan.waivers);
  plan.findings.forEach((finding, i) => {
    if (finding.waived && !waivers.has(finding.id))
      problem(out, `findings[${i}].waived`, `${finding.id} is waived but not in waivers`);
  });

  const want = computePlanSummary(plan);
  for (const key of ['blockers', 'warnings', 'infos', 'nodesToUpgrade', 'safe'] as const) {
    if (plan.summary[key] !== want[key]) {
      problem(out, `summary.${key}`, `is ${plan.summary[key]} but the plan's findings and hops give ${want[key]}`);
    }
  }
};
