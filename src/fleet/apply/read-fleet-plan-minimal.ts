/**
 * A minimal reader of the fleet plan (YAML, `kind: FleetPlan`) for `fleet apply|approve|retry|status` until the
 * fleet-plan module's `readFleetPlan` lands: it checks the shape these commands rely on (stages → clusters with a
 * plan path and content hash) and throws FleetInputError naming the problem. The integrator replaces it.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { FLEET_PLAN_KIND, type FleetPlan } from '../plan/fleet-plan-types.js';
import { FleetInputError } from './errors.js';

export function readFleetPlanMinimal(file: string): FleetPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FleetInputError(
      `cannot read the fleet plan ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}. Write one with k8s-upgrade fleet plan FLEET --to vX.Y.Z`,
      { cause: e },
    );
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new FleetInputError(`the fleet plan ${file} is not YAML: ${(e as Error).message}`, { cause: e });
  }
  const bad = (what: string): never => {
    throw new FleetInputError(`the fleet plan ${file} is invalid: ${what}`);
  };
  const p = doc as FleetPlan;
  if (!p || typeof p !== 'object') bad('not a mapping');
  if (p.kind !== FLEET_PLAN_KIND) bad(`kind must be ${FLEET_PLAN_KIND}`);
  if (!p.metadata || typeof p.metadata.name !== 'string') bad('metadata.name is missing');
  if (!Array.isArray(p.stages)) bad('stages must be a list');
  const names = new Set<string>();
  p.stages.forEach((s, i) => {
    if (!s || typeof s.name !== 'string') bad(`stages[${i}].name is missing`);
    if (!Array.isArray(s.clusters)) bad(`stages[${i}].clusters must be a list`);
    s.clusters.forEach((c, j) => {
      const at = `stages[${i}].clusters[${j}]`;
      if (!c || typeof c.name !== 'string') bad(`${at}.name is missing`);
      if (names.has(c.name)) bad(`${at}: cluster ${c.name} appears twice`);
      names.add(c.name);
      if (typeof c.planPath !== 'string') bad(`${at}.planPath is missing`);
      if (typeof c.contentHash !== 'string') bad(`${at}.contentHash is missing`);
    });
  });
  p.skipped ??= [];
  return p;
}

/** A cluster's plan path from the fleet plan (relative to the fleet plan's folder). */
export const clusterPlanPath = (fleetPlanPath: string, planPath: string): string =>
  isAbsolute(planPath) ? planPath : resolve(dirname(fleetPlanPath), planPath);
