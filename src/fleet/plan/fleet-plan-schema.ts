/**
 * The fleet plan file's shape (zod), strict like the plan file's: the stages (as in the fleet file, with their
 * clusters resolved), each cluster with its plan file and that plan's content hash, and the clusters left out.
 */
import { z } from 'zod';
import {
  bool,
  integer,
  isoTime,
  list,
  literal,
  mapping,
  nonBlank,
  oneOf,
  targetVersion,
  reportedVersion,
} from '../../plan/plan-file-schema-fields.js';
import { CONTENT_HASH_PATTERN } from '../../plan/index.js';
import { fleetClusterSchema, fleetStageSchema, maintenanceWindowSchema } from '../file/fleet-file-schema.js';
import { FLEET_PLAN_KIND, FLEET_PLAN_SKIP_KINDS } from './fleet-plan-types.js';

const hash = () =>
  nonBlank('a content hash sha256:<hex>', CONTENT_HASH_PATTERN, (s) => `${JSON.stringify(s)} is not sha256:<64 hex>`);
const clusterName = () => fleetClusterSchema.shape.name;

export const fleetPlanClusterSchema = mapping({
  name: clusterName(),
  labels: fleetClusterSchema.shape.labels,
  kubeconfig: nonBlank('a kubeconfig path').optional(),
  context: nonBlank('a context name').optional(),
  planPath: nonBlank('a plan file path'),
  contentHash: hash(),
  from: reportedVersion(),
  to: targetVersion(),
  nodes: integer(0),
  blockers: list(nonBlank('a check id')),
  safe: bool(),
  maintenanceWindow: maintenanceWindowSchema.optional(),
});

export const fleetPlanStageSchema = mapping({
  ...fleetStageSchema.shape,
  clusters: list(fleetPlanClusterSchema),
});

export const fleetPlanSkippedSchema = mapping({
  name: clusterName(),
  stage: nonBlank('a stage name').optional(),
  kind: oneOf(FLEET_PLAN_SKIP_KINDS),
  reason: nonBlank('a reason'),
  planPath: nonBlank('a plan file path').optional(),
});

export const fleetPlanSchema = mapping({
  apiVersion: literal('k8s-upgrade/v1'),
  kind: literal(FLEET_PLAN_KIND),
  metadata: mapping({
    name: fleetClusterSchema.shape.name,
    createdAt: isoTime(),
    generator: nonBlank('a generator'),
    fleetFile: nonBlank('the fleet file path'),
    fleetFileHash: hash(),
    contentHash: hash(),
  }),
  to: targetVersion(),
  stages: list(fleetPlanStageSchema, { min: 1, what: 'a list of stages' }),
  skipped: list(fleetPlanSkippedSchema),
});

export type FleetPlanDocument = z.output<typeof fleetPlanSchema>;
