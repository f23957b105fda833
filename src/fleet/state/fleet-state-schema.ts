/** The zod schema of the fleet state file (`kind: FleetState`): a state file that does not match is refused. */
import { z } from 'zod';
import { CLUSTER_STATES, STAGE_STATES } from '../schedule/states.js';
import { FLEET_STATE_KIND, type FleetState } from './fleet-state-types.js';

const clusterState = z.enum(CLUSTER_STATES);
const time = z.string().min(1);

export const fleetStateSchema = z.strictObject({
  apiVersion: z.literal('k8s-upgrade/v1'),
  kind: z.literal(FLEET_STATE_KIND),
  fleet: z.strictObject({ name: z.string(), planPath: z.string(), contentHash: z.string(), fleetFileHash: z.string() }),
  status: z.enum(['running', 'paused', 'failed', 'done']),
  message: z.string().optional(),
  startedAt: time,
  updatedAt: time,
  finishedAt: time.optional(),
  stages: z.array(
    z.strictObject({
      name: z.string(),
      state: z.enum(STAGE_STATES),
      startedAt: time.optional(),
      finishedAt: time.optional(),
      soakUntil: time.optional(),
      beforeGatesPassedAt: time.optional(),
      afterGatesPassedAt: time.optional(),
      message: z.string().optional(),
    }),
  ),
  clusters: z.array(
    z.strictObject({
      name: z.string(),
      stage: z.string(),
      state: clusterState,
      message: z.string().optional(),
      attempts: z.array(
        z.strictObject({
          startedAt: time,
          endedAt: time.optional(),
          outcome: z.string().optional(),
          message: z.string().optional(),
        }),
      ),
      progress: z
        .strictObject({
          nodesDone: z.number().int().min(0),
          nodesTotal: z.number().int().min(0),
          node: z.string().optional(),
          step: z.string().optional(),
        })
        .optional(),
      windowOpensAt: time.optional(),
      history: z.array(
        z.strictObject({ at: time, from: clusterState, to: clusterState, reason: z.string().optional() }),
      ),
    }),
  ),
  approvals: z.array(z.strictObject({ stage: z.string(), by: z.string(), at: time })),
  inventory: z
    .strictObject({
      checkedAt: time,
      fleetFileChanged: z.boolean(),
      removed: z.array(z.string()),
      added: z.array(z.string()),
      unreadable: z.string().optional(),
    })
    .optional(),
}) satisfies z.ZodType<FleetState>;

/** Validates parsed JSON; returns the issues as `path: message` lines when it does not match. */
export function validateFleetState(value: unknown): { ok: true; state: FleetState } | { ok: false; issues: string[] } {
  const r = fleetStateSchema.safeParse(value);
  if (r.success) return { ok: true, state: r.data as FleetState };
  return { ok: false, issues: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
}
