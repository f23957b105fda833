/**
 * Resource quantities (apimachinery resource.Quantity): every suffix family, the number forms, rounding up to
 * whole and milli units, bad input (always `undefined`, never NaN), and the formatting helpers.
 */
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCpu, parseQuantity, quantityMilli, quantityValue } from '../../../src/kube/index.js';

describe('parseQuantity', () => {
  it.each([
    { q: '2', want: 2 },
    { q: '250m', want: 0.25 },
    { q: '100n', want: 1e-7 },
    { q: '5u', want: 5e-6 },
    { q: '1k', want: 1000 },
    { q: '1M', want: 1e6 },
    { q: '1G', want: 1e9 },
    { q: '2T', want: 2e12 },
    { q: '1P', want: 1e15 },
    { q: '1E', want: 1e18 },
    { q: '512Ki', want: 512 * 1024 },
    { q: '512Mi', want: 512 * 2 ** 20 },
    { q: '1.5Gi', want: 1.5 * 2 ** 30 },
    { q: '1Ti', want: 2 ** 40 },
    { q: '1Pi', want: 2 ** 50 },
    { q: '1Ei', want: 2 ** 60 },
    { q: '1e3', want: 1000 },
    { q: '1E3', want: 1000 },
    { q: '5e-3', want: 0.005 },
    { q: '.5', want: 0.5 },
    { q: '1.', want: 1 },
    { q: '+3', want: 3 },
    { q: '-1', want: -1 },
    { q: '0', want: 0 },
    { q: 7, want: 7 },
  ])('$q → $want', ({ q, want }) => {
    expect(parseQuantity(q)).toBeCloseTo(want, 12);
  });

  it.each([
    { name: 'the empty string', q: '' },
    { name: 'a word', q: 'lots' },
    { name: 'an unknown suffix', q: '1Qi' },
    { name: 'a lower-case binary suffix', q: '1mi' },
    { name: 'a suffix without a number', q: 'Mi' },
    { name: 'a lone dot', q: '.' },
    { name: 'an exponent without digits', q: '1e' },
    { name: 'two suffixes', q: '1KiMi' },
    { name: 'surrounding whitespace', q: ' 1Gi' },
    { name: 'an inner space', q: '1 Gi' },
    { name: 'two signs', q: '--1' },
    { name: 'a fraction in the exponent', q: '1e1.5' },
    { name: 'an overflowing exponent', q: '1e999' },
    { name: 'NaN', q: Number.NaN },
    { name: 'Infinity', q: Number.POSITIVE_INFINITY },
  ])('gives undefined for $name', ({ q }) => {
    expect(parseQuantity(q)).toBeUndefined();
    expect(quantityValue(q)).toBeUndefined();
    expect(quantityMilli(q)).toBeUndefined();
  });
});

describe('rounding (Value and MilliValue round up)', () => {
  it.each([
    { q: '250m', milli: 250, value: 1 },
    { q: '0.1', milli: 100, value: 1 },
    { q: '1.5', milli: 1500, value: 2 },
    { q: '2', milli: 2000, value: 2 },
    { q: '100n', milli: 1, value: 1 },
    { q: '1.5Gi', milli: 1.5 * 2 ** 30 * 1000, value: 1.5 * 2 ** 30 },
    { q: '110', milli: 110_000, value: 110 },
  ])('$q → $milli milli, $value', ({ q, milli, value }) => {
    expect(quantityMilli(q)).toBe(milli);
    expect(quantityValue(q)).toBe(value);
  });
});

describe('formatting', () => {
  it.each([
    { milli: 2000, want: '2' },
    { milli: 250, want: '250m' },
    { milli: 0, want: '0' },
    { milli: 1500, want: '1500m' },
  ])('cpu $milli → $want', ({ milli, want }) => {
    expect(formatCpu(milli)).toBe(want);
  });

  it.each([
    { bytes: 1.5 * 2 ** 30, want: '1.5Gi' },
    { bytes: 512 * 2 ** 20, want: '512Mi' },
    { bytes: 1000, want: '1000' },
  ])('bytes $bytes → $want', ({ bytes, want }) => {
    expect(formatBytes(bytes)).toBe(want);
  });

  it('formats what it parses back to the same amount', () => {
    expect(quantityMilli(formatCpu(1250))).toBe(1250);
    expect(quantityValue(formatBytes(512 * 2 ** 20))).toBe(512 * 2 ** 20);
  });
});
