/**
 * kubectl label-selector syntax: each operator, whitespace, matching semantics, and errors that name the
 * position of the problem.
 */
import { describe, expect, it } from 'vitest';
import { LabelSelectorError, formatLabelSelector, matches, parseLabelSelector } from '../../../src/plan/index.js';

describe('parseLabelSelector', () => {
  it.each([
    { name: 'equality', input: 'pool=blue', want: [{ key: 'pool', operator: '=', values: ['blue'] }] },
    { name: 'double equals', input: 'pool==blue', want: [{ key: 'pool', operator: '=', values: ['blue'] }] },
    { name: 'inequality', input: 'pool!=blue', want: [{ key: 'pool', operator: '!=', values: ['blue'] }] },
    { name: 'set membership', input: 'tier in (a,b)', want: [{ key: 'tier', operator: 'in', values: ['a', 'b'] }] },
    { name: 'set exclusion', input: 'tier notin (a,b)', want: [{ key: 'tier', operator: 'notin', values: ['a', 'b'] }] },
    { name: 'existence', input: 'gpu', want: [{ key: 'gpu', operator: 'exists', values: [] }] },
    { name: 'absence', input: '!gpu', want: [{ key: 'gpu', operator: 'doesnotexist', values: [] }] },
    { name: 'an empty value', input: 'pool=', want: [{ key: 'pool', operator: '=', values: [''] }] },
    { name: 'a prefixed key', input: 'node.kubernetes.io/instance-type=m5.large', want: [{ key: 'node.kubernetes.io/instance-type', operator: '=', values: ['m5.large'] }] },
    {
      name: 'ANDs with generous whitespace',
      input: '  pool = blue ,  tier  in ( a , b ) , ! gpu ',
      want: [
        { key: 'pool', operator: '=', values: ['blue'] },
        { key: 'tier', operator: 'in', values: ['a', 'b'] },
        { key: 'gpu', operator: 'doesnotexist', values: [] },
      ],
    },
    { name: 'the empty selector', input: '', want: [] },
  ])('parses $name', ({ input, want }) => {
    expect(parseLabelSelector(input).requirements).toEqual(want);
  });

  it.each([
    { name: 'a missing value list', input: 'tier in a', position: 8, problem: 'expected "("' },
    { name: 'an unclosed value list', input: 'tier in (a,b', position: 12, problem: 'expected "," or ")"' },
    { name: 'an empty value list', input: 'tier notin ()', position: 12, problem: 'cannot be empty' },
    { name: 'a trailing comma', input: 'pool=blue,', position: 10, problem: 'expected a label key' },
    { name: 'two values for one key', input: 'pool=blue green', position: 10, problem: 'expected "," or the end' },
    { name: 'an unknown operator', input: 'pool>3', position: 4, problem: 'not supported' },
    { name: 'a key with bad characters', input: 'po ol=x', position: 3, problem: 'expected "=", "==", "!="' },
    { name: 'a key ending in a dash', input: 'pool-=x', position: 0, problem: 'label key "pool-"' },
    { name: 'an upper-case prefix', input: 'Example.COM/pool=x', position: 0, problem: 'DNS subdomain' },
    { name: 'a value with a slash', input: 'pool=a/b', position: 5, problem: 'label value "a/b"' },
    { name: 'a value longer than 63', input: `pool=${'a'.repeat(64)}`, position: 5, problem: 'longer than 63' },
    { name: 'a lone bang', input: '!', position: 1, problem: 'expected a label key' },
  ])('rejects $name at the right position', ({ input, position, problem }) => {
    let error: unknown;
    try {
      parseLabelSelector(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LabelSelectorError);
    expect(error).toMatchObject({ code: 'INVALID_SELECTOR', selector: input, position });
    expect((error as Error).message).toContain(problem);
  });
});

describe('matches', () => {
  const labels = { pool: 'blue', tier: 'a', gpu: '' };

  it.each([
    { selector: 'pool=blue', want: true },
    { selector: 'pool=green', want: false },
    { selector: 'pool!=green', want: true },
    { selector: 'zone!=x', want: true },
    { selector: 'tier in (a,b)', want: true },
    { selector: 'tier in (b,c)', want: false },
    { selector: 'tier notin (b,c)', want: true },
    { selector: 'missing notin (b,c)', want: true },
    { selector: 'missing in (b,c)', want: false },
    { selector: 'gpu', want: true },
    { selector: '!gpu', want: false },
    { selector: '!ssd', want: true },
    { selector: 'gpu=', want: true },
    { selector: 'pool=blue,tier=b', want: false },
    { selector: '', want: true },
  ])('"$selector" → $want', ({ selector, want }) => {
    expect(matches(parseLabelSelector(selector), labels)).toBe(want);
  });

  it('does not see inherited object properties as labels', () => {
    expect(matches(parseLabelSelector('toString'), {})).toBe(false);
  });
});

describe('formatLabelSelector', () => {
  it('prints a canonical form that parses back to the same requirements', () => {
    const parsed = parseLabelSelector(' pool == blue , tier notin ( a , b ) , !gpu , ssd , x!=y ');
    const text = formatLabelSelector(parsed);
    expect(text).toBe('pool=blue,tier notin (a,b),!gpu,ssd,x!=y');
    expect(parseLabelSelector(text).requirements).toEqual(parsed.requirements);
  });
});
