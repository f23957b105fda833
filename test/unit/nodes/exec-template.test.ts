import { describe, expect, it } from 'vitest';
import {
  createDriver,
  displayArgv,
  DriverConfigError,
  execArgv,
  NodeDriverError,
  type NodeTarget,
} from '../../../src/nodes/index.js';

const target = (over: Partial<NodeTarget> = {}): NodeTarget => ({
  node: 'cp-1',
  role: 'control-plane',
  version: 'v1.32.0',
  first: true,
  internalIP: '10.0.0.11',
  labels: {},
  ...over,
});

describe('exec driver argv templates', () => {
  it('replaces every placeholder, whole or inside an element', () => {
    const argv = execArgv(
      ['upgrade-node', '{node}', '--addr={address}', '{version}', 'role:{role}', '--first={first}', '{}', '{"a":1}'],
      target(),
    );
    expect(argv).toEqual([
      'upgrade-node',
      'cp-1',
      '--addr=10.0.0.11',
      'v1.32.0',
      'role:control-plane',
      '--first=true',
      '{}',
      '{"a":1}',
    ]);
    expect(execArgv(['x', '{first}/{role}'], target({ node: 'w-1', role: 'worker', first: false }))).toEqual([
      'x',
      'false/worker',
    ]);
  });

  it('keeps values literal: nothing is re-split or interpreted', () => {
    expect(execArgv(['x', 'x; rm -rf /', '$(id) {node}'], target())).toEqual(['x', 'x; rm -rf /', '$(id) cp-1']);
  });

  it('refuses {address} on a node without an InternalIP (NO_ADDRESS), and allows other templates there', () => {
    const e = (() => {
      try {
        execArgv(['x', '{address}'], target({ internalIP: undefined }));
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(NodeDriverError);
    expect((e as NodeDriverError).code).toBe('NO_ADDRESS');
    expect(execArgv(['x', '{node}'], target({ internalIP: undefined }))).toEqual(['x', 'cp-1']);
  });

  it('refuses an invalid template when the driver is made', () => {
    expect(() => createDriver({ type: 'exec', exec: { upgrade: ['x', '{nod}'], timeoutSeconds: 5 } })).toThrow(
      DriverConfigError,
    );
    expect(() => createDriver({ type: 'exec', exec: { upgrade: ['{node}'], timeoutSeconds: 5 } })).toThrow(/literal/);
    expect(() => createDriver({ type: 'exec', exec: { upgrade: [], timeoutSeconds: 5 } })).toThrow(/non-empty/);
    expect(createDriver({ type: 'exec', exec: { upgrade: ['x'], timeoutSeconds: 5 } }).type).toBe('exec');
  });

  it('displays argv readably', () => {
    expect(displayArgv(['a', 'b c', 'x;y', ''])).toBe('a "b c" "x;y" ""');
  });
});
