#!/usr/bin/env node
// Writes the published JSON Schemas under schemas/ from the zod schemas in src/ (`npm run schemas`, run through
// tsx so that it reads the sources, not a stale build). test/unit/plan-file/json-schema.test.ts fails when the
// committed file differs from what this writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planJsonSchemaText } from '../src/plan/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'schemas', 'plan.schema.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, planJsonSchemaText());
console.log('schemas/plan.schema.json: written');
