/**
 * Label selectors in both syntaxes. kubectl strings: each operator, whitespace, matching semantics, and errors
 * that name the position of the problem. The API's LabelSelector: null selects nothing, {} everything, each
 * operator, and invalid selectors (which select nothing).
 */
import { describe, expect, it } from 'vitest';
import {
  LabelSelectorError,
  formatLabelSelector,
  fromLabelSelectorSpec,
  matchesLabels,
  parseLabelSelector,
  specSelects,
  type LabelSelectorSpec,
} from '../../../src/kube/index.js';

describe('parseLabelSelector', () => {
  it.each([
    { name: 'equality', input: 'pool=blue', want: [{ key: 'pool', operator: '=', values: ['blue'] }] },
    { name: 'double equals', input: 'pool==blue', want: [{ key: 'pool', operator: '=', values: ['blue'] }] },
    { name: 'inequality', input: 'pool!=blue', want: [{ key: 'pool', operator: '!=', values: ['blue'] }] },
    { name: 'set membership', input: 'tier in (a,b)', want: [{ key: 'tier', operator: 'in', values: ['a', 'b'] }] },
    {
      name: 'set exclusion',
      input: 'tier notin (a,b)',
      want: [{ key: 'tier', operator: 'notin', values: ['a', 'b'] }],
    },
    { name: 'existence', input: 'gpu', want: [{ key: 'gpu', operator: 'exists', values: [] }] },
    { name: 'absence', input: '!gpu', want: [{ key: 'gpu', operator: 'doesnotexist', values: [] }] },
    { name: 'an empty value', input: 'pool=', want: [{ key: 'pool', operator: '=', values: [''] }] },
    {
      name: 'a prefixed key',
      input: 'node.kubernetes.io/instance-type=m5.large',
      want: [{ key: 'node.kubernetes.io/instance-type', operator: '=', values: ['m5.large'] }],
    },
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

describe('matchesLabels', () => {
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
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(want);
  });

  it('does not see inherited object properties as labels', () => {
    expect(matchesLabels(parseLabelSelector('toString'), {})).toBe(false);
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

describe('fromLabelSelectorSpec', () => {
  it('selects nothing for a null selector and everything for {}', () => {
    expect(fromLabelSelectorSpec(undefined)).toBeUndefined();
    expect(fromLabelSelectorSpec(null)).toBeUndefined();
    expect(fromLabelSelectorSpec({})?.requirements).toEqual([]);
    expect(fromLabelSelectorSpec({ matchLabels: {}, matchExpressions: [] })?.requirements).toEqual([]);
  });

  it('maps matchLabels and every matchExpressions operator', () => {
    const s = fromLabelSelectorSpec({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'zone', operator: 'NotIn', values: ['x'] },
        { key: 'gpu', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist', values: [] },
      ],
    });
    expect(s?.requirements).toEqual([
      { key: 'app', operator: '=', values: ['web'] },
      { key: 'tier', operator: 'in', values: ['a', 'b'] },
      { key: 'zone', operator: 'notin', values: ['x'] },
      { key: 'gpu', operator: 'exists', values: [] },
      { key: 'canary', operator: 'doesnotexist', values: [] },
    ]);
    expect(s?.source).toBe('app=web,tier in (a,b),zone notin (x),gpu,!canary');
  });

  it.each<{ name: string; spec: LabelSelectorSpec }>([
    { name: 'an unknown operator', spec: { matchExpressions: [{ key: 'x', operator: 'Gt', values: ['1'] }] } },
    { name: 'a lower-case operator', spec: { matchExpressions: [{ key: 'x', operator: 'in', values: ['1'] }] } },
    { name: 'an inherited property as operator', spec: { matchExpressions: [{ key: 'x', operator: 'toString' }] } },
    { name: 'In without values', spec: { matchExpressions: [{ key: 'x', operator: 'In', values: [] }] } },
    { name: 'NotIn without values', spec: { matchExpressions: [{ key: 'x', operator: 'NotIn' }] } },
    { name: 'Exists with values', spec: { matchExpressions: [{ key: 'x', operator: 'Exists', values: ['1'] }] } },
    { name: 'a bad key', spec: { matchLabels: { 'bad key': 'v' } } },
    { name: 'a bad value', spec: { matchLabels: { app: 'a/b' } } },
    { name: 'a bad value in a set', spec: { matchExpressions: [{ key: 'x', operator: 'In', values: ['ok', '-no'] }] } },
  ])('treats $name as selecting nothing', ({ spec }) => {
    expect(fromLabelSelectorSpec(spec)).toBeUndefined();
    expect(specSelects(spec, { x: '1', app: 'a/b' })).toBe(false);
  });
});

describe('specSelects', () => {
  const labels = { app: 'web', tier: 'front' };

  it.each([
    { name: 'null', spec: undefined, want: false },
    { name: '{}', spec: {}, want: true },
    { name: 'matching matchLabels', spec: { matchLabels: { app: 'web' } }, want: true },
    { name: 'other matchLabels', spec: { matchLabels: { app: 'db' } }, want: false },
    {
      name: 'labels and expressions ANDed',
      spec: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] },
      want: false,
    },
    {
      name: 'NotIn on a missing label',
      spec: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      want: true,
    },
    { name: 'DoesNotExist', spec: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, want: true },
    {
      name: 'Exists on a missing label',
      spec: { matchExpressions: [{ key: 'canary', operator: 'Exists' }] },
      want: false,
    },
  ])('$name → $want', ({ spec, want }) => {
    expect(specSelects(spec, labels)).toBe(want);
  });

  it('agrees with the kubectl syntax for the same requirements', () => {
    const spec = {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }],
    };
    const text = fromLabelSelectorSpec(spec)!.source;
    const cases: Record<string, string>[] = [labels, { app: 'web', tier: 'db' }, { tier: 'front' }, {}];
    for (const l of cases) {
      expect(specSelects(spec, l)).toBe(matchesLabels(parseLabelSelector(text), l));
    }
  });
});
