/**
 * `fleet approve FLEET-PLAN --stage NAME`: records an approval (who: `os.userInfo().username@host`, when) in the
 * fleet state, which a running or the next `fleet apply` reads. An unknown stage is invalid input.
 */
import { readFleetPlan } from '../plan/fleet-plan-file.js';
import { FleetInputError } from './errors.js';
import { newFleetState, whoAmI } from './new-fleet-state.js';
import { fleetStatePathFor, readFleetState, writeFleetState, type FleetApproval } from '../state/index.js';

export function approveStage(fleetPlanPath: string, stage: string, now = new Date()): FleetApproval {
  const plan = readFleetPlan(fleetPlanPath);
  if (!plan.stages.some((s) => s.name === stage))
    throw new FleetInputError(
      `the fleet plan has no stage ${JSON.stringify(stage)}; its stages: ${plan.stages.map((s) => s.name).join(', ')}`,
    );
  const path = fleetStatePathFor(fleetPlanPath);
  const saved = readFleetState(path);
  if (saved && saved.fleet.contentHash !== plan.metadata.contentHash)
    throw new FleetInputError(
      `${path} belongs to another version of this fleet plan (${saved.fleet.contentHash}); approve with the fleet plan it was made from`,
    );
  // Not applied yet: the approval waits in a new state for the first fleet apply.
  const state = saved ?? { ...newFleetState(plan, fleetPlanPath, now), status: 'paused' as const };
  const approval = { stage, by: whoAmI(), at: now.toISOString() };
  state.approvals.push(approval);
  writeFleetState(path, state);
  return approval;
}
