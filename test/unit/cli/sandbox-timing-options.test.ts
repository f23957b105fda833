/** `sandbox up --timing NAME=MS` and `--node-time-jitter F`: parsing and the exit-3 validation errors. */
import { describe, expect, it } from 'vitest';
import { parseNodeTimeJitter, parseTimings } from '../../../src/cli/sandbox-options.js';
import { CliError } from '../../../src/cli/errors.js';
import { EXIT } from '../../../src/cli/exit-codes.js';

const NAMES = ['podStartupMs', 'upgradeCommandMs', 'heartbeatMs'];

function invalid(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(EXIT.INVALID_INPUT);
    return e as CliError;
  }
  throw new Error('expected an invalid-input error');
}

describe('--timing', () => {
  it('parses repeated NAME=MS', () => {
    expect(parseTimings(undefined, NAMES)).toEqual({});
    expect(parseTimings(['upgradeCommandMs=500', 'podStartupMs=200.5'], NAMES)).toEqual({
      upgradeCommandMs: 500,
      podStartupMs: 200.5,
    });
    expect(parseTimings(['podStartupMs=0'], NAMES)).toEqual({ podStartupMs: 0 });
  });

  it.each([
    ['upgradeCommandMs', /expected NAME=MS/],
    ['bogusMs=1', /unknown timing; expected one of podStartupMs, upgradeCommandMs, heartbeatMs/],
    ['podStartupMs=-5', /MS must be a number/],
    ['podStartupMs=abc', /MS must be a number/],
    ['podStartupMs=1e3', /MS must be a number/],
    ['heartbeatMs=0', /between 1 and/],
  ])('refuses %s', (v, message) => {
    expect(invalid(() => parseTimings([v], NAMES)).message).toMatch(message);
  });

  it('refuses a name given twice', () => {
    expect(invalid(() => parseTimings(['podStartupMs=1', 'podStartupMs=2'], NAMES)).message).toContain('given twice');
  });
});

describe('--node-time-jitter', () => {
  it('accepts a fraction in [0, 1)', () => {
    expect(parseNodeTimeJitter('0')).toBe(0);
    expect(parseNodeTimeJitter('0.5')).toBe(0.5);
  });

  it.each(['1', '-0.1', 'x', ''])('refuses %j', (v) => {
    expect(invalid(() => parseNodeTimeJitter(v)).message).toMatch(/expected a fraction in \[0, 1\)/);
  });
});
