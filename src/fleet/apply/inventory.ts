/**
 * Has the inventory changed since the fleet plan was made? The fleet file's bytes against the plan's
 * `fleetFileHash`, and its cluster names against the plan's: removed and added clusters are reported (an event
 * and the status), never silently dropped. An unreadable fleet file is reported too, not fatal: the plan holds
 * everything a run needs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { FleetPlan } from '../plan/fleet-plan-types.js';
import type { InventoryReport } from '../state/index.js';

export function checkInventory(fleetPlanPath: string, plan: FleetPlan, now: Date): InventoryReport {
  const file = isAbsolute(plan.metadata.fleetFile)
    ? plan.metadata.fleetFile
    : resolve(dirname(fleetPlanPath), plan.metadata.fleetFile);
  const report: InventoryReport = { checkedAt: now.toISOString(), fleetFileChanged: false, removed: [], added: [] };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { ...report, fleetFileChanged: true, unreadable: `${file}: ${(e as Error).message}` };
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  const planned = plan.metadata.fleetFileHash.replace(/^sha256:/, '');
  if (hash === planned) return report;
  report.fleetFileChanged = true;
  let names: Set<string>;
  try {
    const doc = parse(bytes.toString('utf8')) as { clusters?: { name?: unknown }[] };
    names = new Set((doc?.clusters ?? []).map((c) => String(c?.name)));
  } catch (e) {
    return { ...report, unreadable: `${file}: ${(e as Error).message}` };
  }
  const inPlan = plan.stages.flatMap((s) => s.clusters.map((c) => c.name));
  const skipped = new Set(plan.skipped.map((s) => s.name));
  report.removed = inPlan.filter((n) => !names.has(n));
  report.added = [...names].filter((n) => !inPlan.includes(n) && !skipped.has(n));
  return report;
}

export const inventoryChanged = (r: InventoryReport): boolean =>
  r.fleetFileChanged || r.removed.length > 0 || r.added.length > 0 || r.unreadable !== undefined;
