/**
 * The one output vocabulary (src/cli/flags/output.ts): `-o human|json|yaml` (+ `wide` for tables) on every command
 * with machine output, oclif's `--json` as `-o json` (and refused when `-o` says otherwise), and the one renderer
 * dispatch.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import Apply from '../../../src/commands/apply.js';
import Plan from '../../../src/commands/plan.js';
import Rollback from '../../../src/commands/rollback.js';
import Status from '../../../src/commands/status.js';
import SandboxMachines from '../../../src/commands/sandbox/machines.js';
import { CliError } from '../../../src/cli/errors.js';
import { OUTPUT_FORMATS, WIDE_OUTPUT_FORMATS, renderOutput, resolveOutput } from '../../../src/cli/flags/output.js';
import { renderMachineTable } from '../../../src/cli/render/machine-table.js';

describe('-o and --json', () => {
  it.each([
    [undefined, false, 'human'],
    ['yaml', false, 'yaml'],
    ['wide', false, 'wide'],
    [undefined, true, 'json'],
    ['json', true, 'json'],
  ] as const)('-o %s with --json=%s prints %s', (output, json, expected) => {
    expect(resolveOutput(output, json)).toBe(expected);
  });

  it.each(['human', 'yaml', 'wide'] as const)('--json with -o %s is invalid input (exit 3)', (output) => {
    const err = (() => {
      try {
        resolveOutput(output, true);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(3);
    expect((err as Error).message).toContain(`--json and -o ${output} disagree`);
  });

  it('every command with -o has the one vocabulary, no default that would hide an explicit -o, and --json', () => {
    for (const cmd of [Plan, Status]) {
      expect(cmd.flags.output.options, cmd.name).toEqual([...OUTPUT_FORMATS]);
      expect(cmd.flags.output).toMatchObject({ char: 'o', defaultHelp: 'human' });
      expect(cmd.flags.output.default).toBeUndefined();
    }
    expect(SandboxMachines.flags.output.options).toEqual([...WIDE_OUTPUT_FORMATS]);
    for (const cmd of [Plan, Status, SandboxMachines, Apply, Rollback]) expect(cmd.enableJsonFlag, cmd.name).toBe(true);
  });
});

describe('renderOutput', () => {
  const data = { name: 'a', items: [1, 2], none: null };
  const human = (d: typeof data) => `human ${d.name}\n`;

  it('json and yaml default to the data itself; wide falls back to human', () => {
    expect(renderOutput('json', data, { human })).toBe(`${JSON.stringify(data, null, 2)}\n`);
    expect(parseYaml(renderOutput('yaml', data, { human }))).toEqual(data);
    expect(renderOutput('wide', data, { human })).toBe('human a\n');
    expect(renderOutput('human', data, { human })).toBe('human a\n');
  });

  it('uses the command’s own renderer for a format when it has one', () => {
    const r = { human, wide: () => 'wide\n', json: () => 'J\n', yaml: () => 'Y\n' };
    expect(['human', 'wide', 'json', 'yaml'].map((f) => renderOutput(f as 'human', data, r))).toEqual([
      'human a\n',
      'wide\n',
      'J\n',
      'Y\n',
    ]);
  });

  it('nothing to show is null in json and yaml', () => {
    expect(renderOutput('json', null, { human: () => '' })).toBe('null\n');
    expect(renderOutput('yaml', null, { human: () => '' }).trim()).toBe('null');
  });
});

describe('sandbox machines table', () => {
  const machines = [
    {
      name: 'cp-1',
      role: 'control-plane',
      zone: 'z-a',
      address: '10.0.0.1',
      kubeletVersion: 'v1.31.4',
      controlPlaneVersion: 'v1.31.4',
      kubelet: 'running',
      upgrades: 0,
      upgradeCommands: 2,
      downgrades: 0,
    },
    {
      name: 'blue-1',
      role: 'worker',
      pool: 'blue',
      zone: 'z-b',
      address: '10.0.0.12',
      kubeletVersion: 'v1.32.0',
      kubelet: 'restarting',
      upgrades: 1,
    },
  ];

  it('human: the columns it always had, aligned', () => {
    expect(renderMachineTable(machines)).toBe(
      [
        'NAME    ROLE           POOL  ZONE  KUBELET  CONTROL-PLANE  STATE       UPGRADES  DOWNGRADES',
        'cp-1    control-plane  -     z-a   v1.31.4  v1.31.4        running     0         0',
        'blue-1  worker         blue  z-b   v1.32.0  -              restarting  1         0',
        '',
      ].join('\n'),
    );
  });

  it('wide: adds the address and the upgrade commands received', () => {
    const lines = renderMachineTable(machines, { wide: true }).split('\n');
    expect(lines[0]).toMatch(/DOWNGRADES {2}ADDRESS {4}UPGRADE-COMMANDS$/);
    expect(lines[1]).toMatch(/10\.0\.0\.1  +2$/);
    expect(lines[2]).toMatch(/10\.0\.0\.12 +1$/);
  });
});
