/**
 * `fleet retry FLEET-PLAN`: every Failed cluster back to NotStarted (its attempts and history kept), so the next
 * `fleet apply` runs only those (each cluster's own run resumes from its state). Nothing to retry is invalid input.
 */
import { fleetStatePathFor, readFleetState, resetFailed, writeFleetState } from '../state/index.js';
import { FleetInputError } from './errors.js';
import { readFleetPlan } from '../plan/fleet-plan-file.js';

/** Resets the failed clusters; returns their names. */
export function resetFailedClusters(fleetPlanPath: string, now = new Date()): string[] {
  readFleetPlan(fleetPlanPath);
  const path = fleetStatePathFor(fleetPlanPath);
  const state = readFleetState(path);
  if (!state) throw new FleetInputError(`${fleetPlanPath} has not been applied yet (no ${path}); run fleet apply`);
  const names = resetFailed(state, now);
  if (names.length > 0) writeFleetState(path, state);
  return names;
}
