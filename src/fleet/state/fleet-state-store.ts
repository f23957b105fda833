/**
 * Reading and writing the fleet state file (`<fleet-plan>.state.json`): validated on read, written atomically and
 * durably (temp file, fsync, rename, folder fsync — `durableWriteSync`). Approvals are recorded by another process
 * (`fleet approve`) while `fleet apply` runs, so every write first merges the approvals already on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { durableWriteSync } from '../../upgrade/durable-write.js';
import { validateFleetState } from './fleet-state-schema.js';
import type { FleetApproval, FleetState } from './fleet-state-types.js';

/** The fleet state file is unreadable or invalid: say which and what to do. */
export class FleetStateError extends Error {
  override name = 'FleetStateError';
}

/** `plans/prod/fleet-plan.yaml` → `plans/prod/fleet-plan.state.json`. */
export function fleetStatePathFor(fleetPlanPath: string): string {
  return fleetPlanPath.replace(/\.(ya?ml|json)$/i, '') + '.state.json';
}

export function readFleetState(file: string): FleetState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FleetStateError(`cannot read the fleet state ${file}: ${(e as Error).message}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FleetStateError(
      `the fleet state ${file} is not JSON (${(e as Error).message}); move it away to start the fleet run afresh (each cluster's own state is kept in the cluster)`,
      { cause: e },
    );
  }
  const r = validateFleetState(json);
  if (!r.ok)
    throw new FleetStateError(
      `the fleet state ${file} is not a valid FleetState: ${r.issues.slice(0, 5).join('; ')}; move it away to start afresh`,
    );
  return r.state;
}

function mergeApprovals(mine: FleetApproval[], theirs: FleetApproval[]): FleetApproval[] {
  const key = (a: FleetApproval) => `${a.stage}\u0000${a.by}\u0000${a.at}`;
  const seen = new Map(mine.map((a) => [key(a), a]));
  for (const a of theirs) if (!seen.has(key(a))) seen.set(key(a), a);
  return [...seen.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/** Writes `state` (merging approvals found on disk into it first), atomically and durably, mode 0600. */
export function writeFleetState(file: string, state: FleetState): void {
  let onDisk: FleetState | undefined;
  try {
    onDisk = readFleetState(file);
  } catch {
    onDisk = undefined; // an unreadable old file is replaced
  }
  if (onDisk) state.approvals = mergeApprovals(state.approvals, onDisk.approvals);
  state.updatedAt = new Date().toISOString();
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  durableWriteSync(fs, path, file, tmp, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}
