/**
 * Findings: what preflight checks found, as data. Each has a stable id (so CI can waive or grep it), a
 * severity, the exact objects concerned, and a remediation that says what to do. `blocker`s stop an apply
 * unless waived (only waivable checks can be); `warning`s and `info`s never stop it.
 */
export const SEVERITIES = ['blocker', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface FindingObject {
  /** Kubernetes kind (`Node`, `Pod`, `PodDisruptionBudget`, …) or `File` for manifests. */
  kind: string;
  name: string;
  namespace?: string;
  /** Extra detail for this object (e.g. the file line, the API used). */
  detail?: string;
}

export interface Finding {
  /** Stable check id, kebab-case, e.g. `pdb-never-allows-eviction`. */
  id: string;
  severity: Severity;
  message: string;
  objects: FindingObject[];
  remediation: string;
  /** True when the user waived it with --ignore-check (recorded in the plan). */
  waived: boolean;
}

/** Applies --ignore-check waivers; returns the findings and the waiver ids that matched nothing or cannot be waived. */
export function applyWaivers(
  findings: Finding[],
  ignore: string[],
  waivable: (id: string) => boolean,
): { findings: Finding[]; unknown: string[]; refused: string[] } {
  const ids = new Set(findings.map((f) => f.id));
  const unknown = ignore.filter((i) => !ids.has(i));
  const refused = ignore.filter((i) => ids.has(i) && !waivable(i));
  const waive = new Set(ignore.filter((i) => waivable(i)));
  return { findings: findings.map((f) => ({ ...f, waived: waive.has(f.id) })), unknown, refused };
}

export function blocking(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'blocker' && !f.waived);
}

const ORDER: Record<Severity, number> = { blocker: 0, warning: 1, info: 2 };

/** Deterministic order: severity, then id, then first object. */
export function sortFindings(findings: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.objects[0]?.namespace ?? ''}/${f.objects[0]?.name ?? ''}`;
  return [...findings].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || a.id.localeCompare(b.id) || key(a).localeCompare(key(b)),
  );
}
