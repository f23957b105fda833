/**
 * The fleet plan file: sealed with a content hash like plan files (sha256 over the canonical JSON of everything
 * but `metadata.contentHash`), written durably (temp file, fsync, rename, mode 0600), and read back by
 * `readFleetPlan` — size-limited, NUL-free, one YAML document, the schema, then the hash — which `fleet apply` uses.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { canonicalJson, issuePath, problemsFromIssues } from '../../plan/index.js';
import { writeFileDurably } from '../../upgrade/durable-write.js';
import { FLEET_REPLAN_ADVICE, FleetPlanFileError } from './fleet-plan-errors.js';
import { fleetPlanSchema } from './fleet-plan-schema.js';
import type { FleetPlan } from './fleet-plan-types.js';

export const FLEET_PLAN_FILE_NAME = 'fleet-plan.yaml';
export const FLEET_PLAN_MAX_BYTES = 64 * 1024 * 1024;

/** `sha256:<hex>` of the fleet plan without `metadata.contentHash`. */
export function computeFleetPlanHash(plan: FleetPlan): string {
  const { contentHash: _ignored, ...metadata } = plan.metadata;
  return `sha256:${createHash('sha256')
    .update(canonicalJson({ ...plan, metadata }), 'utf8')
    .digest('hex')}`;
}

export const sealFleetPlan = (plan: FleetPlan): FleetPlan => ({
  ...plan,
  metadata: { ...plan.metadata, contentHash: computeFleetPlanHash(plan) },
});

export function serializeFleetPlan(plan: FleetPlan): string {
  return `# k8s-upgrade fleet plan: review it, then run \`k8s-upgrade fleet apply\` on this file.\n${YAML.stringify(plan, { lineWidth: 0, indent: 2 })}`;
}

/** Writes the sealed fleet plan durably (mode 0600), creating its folder; returns the absolute path. */
export function writeFleetPlan(plan: FleetPlan, path: string): string {
  const abs = resolve(path);
  try {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileDurably(abs, serializeFleetPlan(plan));
  } catch (e) {
    throw new Error(
      `Cannot write the fleet plan ${abs}: ${(e as Error).message}. Check that the folder is writable, or choose another --out.`,
      { cause: e },
    );
  }
  return abs;
}

const fail = (
  code: FleetPlanFileError['code'],
  message: string,
  problems: { path: string; message: string }[] = [],
  cause?: unknown,
) => new FleetPlanFileError(code, message, problems, cause === undefined ? undefined : { cause });

/** Parses a fleet plan's text: one YAML document, the schema (paths in every problem), then its content hash. */
export function parseFleetPlan(text: string, source = 'The fleet plan'): FleetPlan {
  if (text.includes('\0'))
    throw fail('FLEET_PLAN_READ', `${source} holds a NUL byte: not a fleet plan. ${FLEET_REPLAN_ADVICE}`);
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (list.length !== 1 || !doc || doc.errors.length > 0) {
    const why = list.length > 1 ? 'several YAML documents' : (doc?.errors[0]?.message.split('\n')[0] ?? 'not YAML');
    throw fail('FLEET_PLAN_PARSE', `${source} is not valid YAML: ${why}. ${FLEET_REPLAN_ADVICE}`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined)
    throw fail('FLEET_PLAN_PARSE', `${source} is empty. ${FLEET_REPLAN_ADVICE}`);
  const parsed = fleetPlanSchema.safeParse(value);
  if (!parsed.success) {
    const problems = problemsFromIssues(parsed.error.issues);
    throw fail(
      'FLEET_PLAN_SCHEMA',
      `${source} is not a valid fleet plan:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}\n${FLEET_REPLAN_ADVICE}`,
      problems,
    );
  }
  const plan = parsed.data as FleetPlan;
  const actual = computeFleetPlanHash(plan);
  if (actual !== plan.metadata.contentHash)
    throw fail(
      'FLEET_PLAN_HASH',
      `${source} was changed after \`fleet plan\` wrote it (its content hash is ${actual}, the file says ${plan.metadata.contentHash}). ${FLEET_REPLAN_ADVICE}`,
      [{ path: issuePath(['metadata', 'contentHash']), message: 'does not match the content' }],
    );
  return plan;
}

/** Reads and validates a fleet plan file (what `fleet apply` runs). */
export function readFleetPlan(path: string, maxBytes = FLEET_PLAN_MAX_BYTES): FleetPlan {
  const abs = resolve(path);
  let text: string;
  try {
    if (statSync(abs).size > maxBytes)
      throw fail('FLEET_PLAN_READ', `${abs} is larger than ${maxBytes} bytes: not a fleet plan.`);
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    if (e instanceof FleetPlanFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(
      'FLEET_PLAN_READ',
      `Cannot read the fleet plan ${abs}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}. Write one with k8s-upgrade fleet plan FLEET --to vX.Y.Z`,
      [],
      e,
    );
  }
  return parseFleetPlan(text, `The fleet plan ${abs}`);
}
