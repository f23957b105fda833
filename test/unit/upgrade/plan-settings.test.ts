/**
 * The plan settings as data (src/upgrade/plan/plan-settings.ts): one translation to the plan request for both
 * callers — the `plan` flags (named `--kebab-case` in messages) and the fleet file's settings (camelCase, argv
 * templates as lists) — and reading settings from data (unknown keys, wrong types) and what can be known without
 * a cluster.
 */
import { Parser } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { PLAN_SETTING_DEFAULTS, planRequestFrom, planSettingsFlags } from '../../../src/cli/flags/index.js';
import { flagName, settingsFromFlags } from '../../../src/cli/flags/plan-options.js';
import {
  DEFAULT_PLAN_SETTINGS,
  PlanSettingsError,
  planRequestFromSettings,
  planSettingsProblems,
  readPlanSettings,
  type UpgradePlanSettings,
} from '../../../src/upgrade/plan/plan-settings.js';

const ctx = { access: { kubeconfig: '/k' }, generator: 'g', now: new Date('2026-01-01T00:00:00Z') };
const EXEC = ['/bin/upgrade', '{node}', '{version}'];
const settings = (extra: Partial<UpgradePlanSettings> = {}): UpgradePlanSettings =>
  ({ ...DEFAULT_PLAN_SETTINGS, execCommand: EXEC, ...extra }) as UpgradePlanSettings;

describe('plan settings', () => {
  it('the flag defaults are the settings defaults, camelCased', async () => {
    const { flags } = await Parser.parse(['--to', 'v1.32.0'], { flags: planSettingsFlags, strict: true });
    const fromFlags = settingsFromFlags(flags);
    const defined = Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined));
    expect(defined).toEqual(DEFAULT_PLAN_SETTINGS);
    expect(settingsFromFlags({ ...PLAN_SETTING_DEFAULTS, to: 'v1.32.0' })).toEqual(fromFlags);
  });

  it('an argv as a list (fleet file) and as JSON text (flag) give the same request', () => {
    const fromFlag = planRequestFrom(
      { ...PLAN_SETTING_DEFAULTS, to: 'v1.32.0', 'exec-command': JSON.stringify(EXEC) },
      ctx,
    );
    const fromData = planRequestFromSettings(settings(), { ...ctx, to: 'v1.32.0' });
    expect(fromData).toEqual(fromFlag);
  });

  it('names the setting the way its caller does', () => {
    const bad = settings({ gateUrl: ['ftp://x'] });
    expect(() => planRequestFromSettings(bad, { ...ctx, to: 'v1.32.0' }, flagName)).toThrow(/^--gate-url "ftp:\/\/x"/);
    const err = (() => {
      try {
        planRequestFromSettings(bad, { ...ctx, to: 'v1.32.0' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PlanSettingsError);
    expect((err as PlanSettingsError).setting).toBe('gateUrl');
    expect((err as Error).message).toMatch(/^gateUrl "ftp:\/\/x"/);
  });

  it('reads settings from data: unknown keys and wrong types are problems, one per key', () => {
    const { settings: read, problems } = readPlanSettings({
      maxUnavailable: '25%',
      drainTimeout: 'soon',
      strategy: 'big-bang',
      gateCommand: [['/bin/check']],
      out: 'x',
      maxUnavailble: 1,
    });
    expect(read).toEqual({ maxUnavailable: '25%', gateCommand: [['/bin/check']] });
    expect(problems.map((p) => p.key)).toEqual(['drainTimeout', 'strategy', 'out', 'maxUnavailble']);
    expect(readPlanSettings(['x']).problems).toEqual([{ key: undefined, message: 'expected a mapping, got a list' }]);
  });

  it('finds what plan would refuse once connected, without a cluster', () => {
    expect(planSettingsProblems(settings())).toEqual([]);
    const keys = planSettingsProblems(
      settings({ maxUnavailable: 0, workers: ['pool in (a'], ignoreCheck: ['no-such-check'], etcdSnapshot: 'local' }),
    ).map((p) => p.key);
    expect(keys).toEqual(['etcdEndpoints', 'maxUnavailable', 'workers', 'ignoreCheck']);
  });
});
