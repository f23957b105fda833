/**
 * The published JSON Schema (schemas/plan.schema.json): it is what the zod schema generates (run
 * `npm run schemas` after changing the schema), every committed example plan validates against it with a real
 * JSON Schema validator (ajv) and against the zod schema, and the examples' stored content hashes still verify.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  computeContentHash,
  parsePlan,
  planJsonSchema,
  planJsonSchemaText,
  PLAN_SCHEMA_ID,
  validatePlanDocument,
} from '../../../src/plan/index.js';
import { edited } from './helpers.js';
import { blockedPlan, safePlan } from './plan-builder.js';

const ROOT = new URL('../../../', import.meta.url);
const SCHEMA_FILE = fileURLToPath(new URL('schemas/plan.schema.json', ROOT));
const EXAMPLES_DIR = fileURLToPath(new URL('plans/examples/', ROOT));
const EXAMPLES = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

type Doc = Record<string, unknown>;
const committed = (): Doc => JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Doc;
const validate = new Ajv2020({ allErrors: true }).compile(committed());
const example = (file: string): Doc => YAML.parse(readFileSync(EXAMPLES_DIR + file, 'utf8')) as Doc;

describe('schemas/plan.schema.json', () => {
  it('is what the zod schema generates (run `npm run schemas` after changing it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(planJsonSchemaText());
  });

  it('names itself and the format', () => {
    expect(planJsonSchema()).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: PLAN_SCHEMA_ID,
      title: 'k8s-upgrade plan (k8s-upgrade/v1)',
      additionalProperties: false,
    });
  });

  it('covers the examples: there is one per node driver', () => {
    expect(EXAMPLES).toEqual(['exec-driver.yaml', 'kubeadm-ssh-driver.yaml']);
  });

  it.each(EXAMPLES)('%s validates against the JSON Schema (ajv) and the zod schema', (file) => {
    const doc = example(file);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(validatePlanDocument(doc).problems).toEqual([]);
  });

  it.each(EXAMPLES)('%s keeps its stored content hash', (file) => {
    const doc = example(file);
    const stored = (doc.metadata as { contentHash: string }).contentHash;
    const plan = parsePlan(readFileSync(EXAMPLES_DIR + file, 'utf8'));
    expect(computeContentHash(plan)).toBe(stored);
    expect(plan.metadata.contentHash).toBe(stored);
  });

  it('accepts the test fixtures, also with an ssh driver and several hops', () => {
    for (const plan of [safePlan(), blockedPlan()]) {
      expect(validate(edited(plan)), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it.each([
    { name: 'an unknown field', edits: { 'metadata.extra': 1 }, keyword: 'additionalProperties' },
    { name: 'a missing field', edits: { 'summary.safe': undefined }, keyword: 'required' },
    { name: 'a node name that is not one', edits: { 'controlPlane.nodes[0]': 'CP_1' }, keyword: 'pattern' },
    { name: 'an unknown driver type', edits: { 'driver.type': 'ansible' }, keyword: 'oneOf' },
    { name: 'a fraction of seconds', edits: { 'options.drain.timeoutSeconds': 1.5 }, keyword: 'type' },
    { name: 'an unknown strategy', edits: { 'options.strategy': 'yolo' }, keyword: 'enum' },
    { name: 'an empty batch', edits: { 'groups[0].batches[0]': [] }, keyword: 'minItems' },
  ])('refuses $name, as the reader does', ({ edits, keyword }) => {
    const doc = edited(safePlan(), edits);
    expect(validate(doc)).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toContain(keyword);
    expect(validatePlanDocument(doc).problems).not.toEqual([]);
  });
});
