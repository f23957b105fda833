/**
 * argv templates of the exec driver: only the known placeholders, a non-empty list of strings, a literal
 * program, never a shell command line; and their expansion per node.
 */
import { describe, expect, it } from 'vitest';
import {
  ARGV_PLACEHOLDERS,
  argvTemplateProblems,
  expandArgvTemplate,
  serializePlan,
  type UpgradePlan,
} from '../../../src/plan/index.js';
import { edited, parseRaw, planError } from './helpers.js';
import { safePlan } from './plan-builder.js';

describe('argvTemplateProblems', () => {
  it.each([
    {
      name: 'the sandbox template',
      argv: ['k8s-upgrade', 'sandbox', 'node', 'upgrade', '--kubeconfig', '.sandbox/kubeconfig', '{node}', '{version}'],
    },
    {
      name: 'every placeholder, also inside an element',
      argv: [
        '/usr/local/bin/upgrade-node',
        '--node={node}',
        '--ip={address}',
        '{version}',
        '--role={role}',
        '--first={first}',
      ],
    },
    { name: 'braces that are not placeholders', argv: ['jq', '-n', '{}', '{"a": 1}', '{ node }'] },
  ])('accepts $name', ({ argv }) => {
    expect(argvTemplateProblems(argv)).toEqual([]);
  });

  it.each([
    { name: 'an empty list', argv: [], want: [[-1, 'expected a non-empty argv array']] },
    {
      name: 'an unknown placeholder',
      argv: ['up', '{nodename}'],
      want: [[1, 'unknown placeholder {nodename}; the placeholders are {node} {address} {version} {role} {first}']],
    },
    {
      name: 'a misspelt placeholder inside an element',
      argv: ['up', '--v={Version}'],
      want: [[1, 'unknown placeholder {Version}']],
    },
    { name: 'an empty program', argv: [' ', '{node}'], want: [[0, 'the program (argv[0]) must not be empty']] },
    {
      name: 'a placeholder as the program',
      argv: ['{node}', 'x'],
      want: [[0, 'the program (argv[0]) must be literal']],
    },
    {
      name: 'a shell command line in one element',
      argv: ['ssh {address} sudo kubeadm upgrade node'],
      want: [[0, 'looks like a shell command line']],
    },
  ])('refuses $name', ({ argv, want }) => {
    const problems = argvTemplateProblems(argv);
    expect(problems).toHaveLength(want.length);
    want.forEach(([i, message], k) => {
      expect(problems[k]?.[0]).toBe(i);
      expect(problems[k]?.[1]).toContain(message);
    });
  });

  it('lists exactly the documented placeholders', () => {
    expect(ARGV_PLACEHOLDERS).toEqual(['node', 'address', 'version', 'role', 'first']);
  });
});

describe('argv templates in plan files', () => {
  it.each([
    {
      name: 'a shell string',
      upgrade: 'k8s-upgrade sandbox node upgrade {node} {version}',
      path: 'driver.exec.upgrade',
      message: 'a shell command line is not accepted',
    },
    { name: 'an empty list', upgrade: [], path: 'driver.exec.upgrade', message: 'expected a non-empty argv array' },
    {
      name: 'a number in the list',
      upgrade: ['up', 3],
      path: 'driver.exec.upgrade[1]',
      message: 'expected an argument string, got number 3',
    },
    {
      name: 'an unknown placeholder',
      upgrade: ['up', '{host}'],
      path: 'driver.exec.upgrade[1]',
      message: 'unknown placeholder {host}',
    },
  ])('refuses $name with its path', ({ upgrade, path, message }) => {
    const err = planError(() => parseRaw(edited(safePlan(), { 'driver.exec.upgrade': upgrade })), 'PLAN_SCHEMA');
    expect(err.problems).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('refuses to write a plan with a bad template', () => {
    const plan = safePlan();
    const bad = {
      ...plan,
      driver: { type: 'exec', exec: { upgrade: ['up', '{nodes}'], timeoutSeconds: 60 } },
    } as UpgradePlan;
    const err = planError(() => serializePlan(bad), 'PLAN_SCHEMA');
    expect(err.problems).toEqual([
      { path: 'driver.exec.upgrade[1]', message: expect.stringContaining('unknown placeholder {nodes}') },
    ]);
  });
});

describe('expandArgvTemplate', () => {
  it('fills every placeholder, whole or inside an element, and leaves other text alone', () => {
    const argv = ['upgrade-node', '{node}', '--ip={address}', '{version}', '{role}', '--first={first}', '{}'];
    expect(
      expandArgvTemplate(argv, {
        node: 'cp-1',
        address: '10.0.0.11',
        version: 'v1.32.0',
        role: 'control-plane',
        first: true,
      }),
    ).toEqual(['upgrade-node', 'cp-1', '--ip=10.0.0.11', 'v1.32.0', 'control-plane', '--first=true', '{}']);
  });

  it('never splits or joins arguments: a value with spaces stays one argument', () => {
    expect(
      expandArgvTemplate(['x', '{node}'], {
        node: 'a b; rm -rf /',
        address: '',
        version: 'v1.32.0',
        role: 'worker',
        first: false,
      }),
    ).toEqual(['x', 'a b; rm -rf /']);
  });
});
