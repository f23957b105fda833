/**
 * The plan file's JSON Schema (draft 2020-12), generated from the zod schema so that editors and CI can validate
 * plans without this tool (`# yaml-language-server: $schema=…`, `ajv`, `check-jsonschema`). It is published as
 * `schemas/plan.schema.json` (`npm run schemas` rewrites it; a test fails when it is stale). It carries what JSON
 * Schema can say: types, required and unknown fields, enums, patterns, ranges. The reader also checks what it
 * cannot (a version that parses, argv placeholders, the rules between sections, the content hash), so a plan the
 * JSON Schema accepts may still be refused by `apply`; one it refuses is always refused.
 */
import { z } from 'zod';
import { PLAN_API_VERSION, upgradePlanSchema } from './plan-file-schema.js';

/** The schema's `$id`: names this format and version (a URN: the schema is shipped in the package, not hosted). */
export const PLAN_SCHEMA_ID = 'urn:k8s-upgrade:schema:plan:v1';

/** The JSON Schema of a `k8s-upgrade/v1` plan file, as a plain object. */
export const planJsonSchema = (): Record<string, unknown> => {
  const { $schema, ...schema } = z.toJSONSchema(upgradePlanSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    $schema,
    $id: PLAN_SCHEMA_ID,
    title: `k8s-upgrade plan (${PLAN_API_VERSION})`,
    description:
      'A plan written by `k8s-upgrade plan` and executed by `k8s-upgrade apply`. Generated from the zod schema in ' +
      'src/plan/plan-file-schema.ts; do not edit (run `npm run schemas`).',
    ...schema,
  };
};

/** `schemas/plan.schema.json` as committed: two-space indented, with a final newline. */
export const planJsonSchemaText = (): string => `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
