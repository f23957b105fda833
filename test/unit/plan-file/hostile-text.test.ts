/**
 * Plan texts no `plan` writes are refused cheaply: one over the size limit or holding a NUL byte before it is
 * parsed, and a 1 MiB value (which once sent the credential scan's URL pattern into quadratic backtracking, a
 * spin of over ten minutes) is read and refused for what it is. A hang fails these tests by their timeout.
 */
import { describe, expect, it } from 'vitest';
import { findCredentials, MAX_PLAN_CHARS, parsePlan, serializePlan } from '../../../src/plan/index.js';
import { planError } from './helpers.js';
import { safePlan } from './plan-builder.js';

const text = () => serializePlan(safePlan());

describe('hostile plan text', () => {
  it('refuses a text over the limit before parsing it', () => {
    const big = `${text()}\n#${'x'.repeat(MAX_PLAN_CHARS)}\n`;
    const e = planError(() => parsePlan(big, { source: 'p.yaml' }), 'PLAN_PARSE');
    expect(e.message).toMatch(/^p\.yaml is too large to be a plan \(16\.0 MiB, over the 16 MiB limit\)/);
  });

  it('refuses a NUL byte, naming its line', () => {
    const t = text();
    const at = t.indexOf('\n', t.indexOf('\n') + 1);
    const e = planError(() => parsePlan(`${t.slice(0, at)}\0${t.slice(at)}`, { source: 'p.yaml' }), 'PLAN_PARSE');
    expect(e.message).toContain('p.yaml is not a plan: it holds a NUL byte at line 2');
  });

  it('reads a plan padded with a 1 MiB value and refuses it for the unknown field', () => {
    const padded = text().replace('metadata:\n', `metadata:\n  pad: "${'y'.repeat(2 ** 20)}"\n`);
    const e = planError(() => parsePlan(padded, { source: 'p.yaml' }), 'PLAN_SCHEMA');
    expect(e.problems.map((p) => p.path)).toContain('metadata.pad');
  });

  it('still finds a password in a URL, also inside a long value', () => {
    const long = `${'y'.repeat(2 ** 20)} https://admin:s3cret@registry.example.com/v2`;
    expect(findCredentials({ findings: [{ message: long }] }).map((c) => c.path)).toEqual(['findings[0].message']);
  });
});
