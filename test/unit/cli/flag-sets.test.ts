/**
 * The shared flag sets (src/cli/flags/): one declaration per flag, used by every command that needs it; the plan
 * settings' defaults read from the declarations, so `demo` (which plans with the defaults) and `plan` (which parses
 * its flags) build the same plan request; the run settings' translation into use-case settings.
 */
import { Parser } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import Apply from '../../../src/commands/apply.js';
import Demo from '../../../src/commands/demo.js';
import Plan from '../../../src/commands/plan.js';
import Rollback from '../../../src/commands/rollback.js';
import Status from '../../../src/commands/status.js';
import SandboxMachines from '../../../src/commands/sandbox/machines.js';
import SandboxFaultClear from '../../../src/commands/sandbox/fault/clear.js';
import SandboxFaultInject from '../../../src/commands/sandbox/fault/inject.js';
import SandboxNodeDowngrade from '../../../src/commands/sandbox/node/downgrade.js';
import SandboxNodeRestoreEtcd from '../../../src/commands/sandbox/node/restore-etcd.js';
import SandboxNodeUpgrade from '../../../src/commands/sandbox/node/upgrade.js';
import { CliError } from '../../../src/cli/errors.js';
import {
  PLAN_SETTING_DEFAULTS,
  accessFlags,
  accessFrom,
  planRequestFrom,
  planSettingsFlags,
  runSettingsFlags,
  runSettingsFrom,
  sandboxAccessFlags,
} from '../../../src/cli/flags/index.js';

const parsePlanFlags = async (argv: string[]) =>
  (await Parser.parse(argv, { flags: planSettingsFlags, strict: true })).flags;
const ctx = { access: { kubeconfig: '/k' }, generator: 'k8s-upgrade test', now: new Date('2026-01-01T00:00:00Z') };
const EXEC = JSON.stringify(['/bin/upgrade', '{node}', '{version}']);

describe('plan settings', () => {
  it('defaults are exactly what oclif gives plan for flags not on the command line', async () => {
    const { to, ...parsed } = await parsePlanFlags(['--to', 'v1.32.0']);
    expect(to).toBe('v1.32.0');
    const given = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
    expect(given).toEqual(PLAN_SETTING_DEFAULTS);
    expect(PLAN_SETTING_DEFAULTS).toMatchObject({
      strategy: 'rolling',
      driver: 'exec',
      'drain-timeout': 600,
      'gate-timeout': 300,
      'max-unavailable': '1',
      workers: [],
    });
  });

  it('the demo (defaults + what it sets) and plan (parsed flags) build the same plan request', async () => {
    const argv = [
      '--to',
      'v1.32.0',
      '--workers',
      'pool=blue',
      '--workers',
      'pool=green',
      '--canary',
      '1',
      '--exec-command',
      EXEC,
    ];
    const fromPlan = planRequestFrom(await parsePlanFlags(argv), ctx);
    const fromDemo = planRequestFrom(
      {
        ...PLAN_SETTING_DEFAULTS,
        to: 'v1.32.0',
        workers: ['pool=blue', 'pool=green'],
        canary: 1,
        'exec-command': EXEC,
      },
      ctx,
    );
    expect(fromDemo).toEqual(fromPlan);
    expect(fromPlan).toMatchObject({
      maxUnavailable: '1',
      strict: false,
      ignoreChecks: [],
      options: { strategy: 'rolling', drain: { timeoutSeconds: 600 } },
    });
    expect(fromPlan.driver).toEqual({
      type: 'exec',
      exec: { upgrade: ['/bin/upgrade', '{node}', '{version}'], timeoutSeconds: 900 },
    });
  });

  it('plan declares every plan setting through the shared declarations, and the demo uses the shared log format', () => {
    for (const [name, flag] of Object.entries(planSettingsFlags))
      expect(Plan.flags[name as keyof typeof Plan.flags], name).toBe(flag);
    expect(Demo.flags['log-format']).toBe(runSettingsFlags['log-format']);
  });

  it('refuses what the flags alone show to be wrong, as invalid input (exit 3)', async () => {
    const bad = [
      ['--to', 'v1.32.0', '--etcd-snapshot', 'local'],
      ['--to', 'v1.32.0', '--exec-command', 'upgrade.sh {node}'],
      ['--to', 'v1.32.0', '--exec-command', EXEC, '--gate-url', 'ftp://x'],
    ];
    for (const argv of bad) {
      const flags = await parsePlanFlags(argv);
      const err = (() => {
        try {
          planRequestFrom(flags, ctx);
        } catch (e) {
          return e;
        }
      })();
      expect(err, argv.join(' ')).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(3);
    }
  });

  it('oclif infers the closed sets: a value outside them is a parse error', async () => {
    await expect(parsePlanFlags(['--to', 'v1.32.0', '--strategy', 'big-bang'])).rejects.toThrow(
      /Expected --strategy=big-bang to be one of: rolling, batch/,
    );
  });
});

describe('access flags', () => {
  it('every command that reads a cluster, status included, declares the same --kubeconfig and --context', () => {
    for (const cmd of [Plan, Apply, Rollback, Status]) {
      expect(cmd.flags.kubeconfig, cmd.name).toBe(accessFlags.kubeconfig);
      expect(cmd.flags.context, cmd.name).toBe(accessFlags.context);
    }
    for (const cmd of [
      SandboxMachines,
      SandboxFaultClear,
      SandboxFaultInject,
      SandboxNodeDowngrade,
      SandboxNodeRestoreEtcd,
      SandboxNodeUpgrade,
    ]) {
      expect(cmd.flags.kubeconfig, cmd.name).toBe(sandboxAccessFlags.kubeconfig);
      expect(cmd.flags.context, cmd.name).toBe(accessFlags.context);
    }
  });

  it('the sandbox commands need a kubeconfig (from the flag or $KUBECONFIG); the others fall back like kubectl', () => {
    expect(sandboxAccessFlags.kubeconfig).toMatchObject({ required: true, env: 'KUBECONFIG' });
    expect(accessFlags.kubeconfig.required).toBeFalsy();
    expect(accessFrom({ kubeconfig: '/a', context: 'prod' })).toEqual({ kubeconfig: '/a', context: 'prod' });
  });
});

describe('run settings', () => {
  it('apply and rollback share them', () => {
    for (const [name, flag] of Object.entries(runSettingsFlags)) {
      expect(Apply.flags[name as keyof typeof Apply.flags], name).toBe(flag);
      expect(Rollback.flags[name as keyof typeof Rollback.flags], name).toBe(flag);
    }
  });

  it('become the use cases’ settings in milliseconds, and ssh files only when given', async () => {
    const { flags } = await Parser.parse(['--node-ready-timeout', '30'], { flags: runSettingsFlags });
    expect(runSettingsFrom(flags)).toEqual({
      settings: { nodeReadyTimeoutMs: 30_000, evictionRetryDelayMs: 5_000 },
      driverOptions: {},
    });
    const withSsh = await Parser.parse(['--ssh-known-hosts', '/kh', '--ssh-identity', '/id'], {
      flags: runSettingsFlags,
    });
    expect(runSettingsFrom(withSsh.flags).driverOptions).toEqual({ knownHostsFile: '/kh', identityFile: '/id' });
    expect(flags['log-format']).toBe('auto');
  });
});
