import { describe, expect, it } from 'vitest';
import {
  createDriver,
  DriverConfigError,
  NodeDriverError,
  sshAddress,
  sshArgv,
  type NodeTarget,
} from '../../../src/nodes/index.js';
import type { SshSettings } from '../../../src/plan/index.js';

const settings = (over: Partial<SshSettings> = {}): SshSettings => ({
  user: 'ubuntu',
  port: 22,
  addressFrom: 'InternalIP',
  strictHostKeyChecking: 'yes',
  packageManager: 'apt',
  sudo: true,
  timeoutSeconds: 900,
  ...over,
});
const target: NodeTarget = {
  node: 'cp-1',
  role: 'control-plane',
  version: 'v1.32.0',
  first: true,
  internalIP: '10.0.0.11',
  labels: { 'ssh/address': 'cp-1.example.org' },
};

describe('ssh argv', () => {
  it('batch mode, host key policy, timeouts, port, key, jump host, user, then -- address command', () => {
    const argv = sshArgv(
      settings({ identityFile: '/keys/id', jumpHost: 'ops@bastion:2222', port: 2200 }),
      '10.0.0.11',
      'CMD',
      { knownHostsFile: '/tmp/kh' },
    );
    expect(argv).toEqual([
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'ConnectTimeout=30',
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=4',
      '-o',
      'UserKnownHostsFile=/tmp/kh',
      '-p',
      '2200',
      '-i',
      '/keys/id',
      '-o',
      'IdentitiesOnly=yes',
      '-J',
      'ops@bastion:2222',
      '-l',
      'ubuntu',
      '--',
      '10.0.0.11',
      'CMD',
    ]);
    const plain = sshArgv(settings({ strictHostKeyChecking: 'accept-new' }), 'h', 'CMD', { identityFile: '/override' });
    expect(plain).toContain('StrictHostKeyChecking=accept-new');
    expect(plain.join(' ')).toContain('-i /override');
    expect(plain).not.toContain('-J');
    expect(plain.some((a) => a.startsWith('UserKnownHostsFile'))).toBe(false);
  });

  it('takes the address from InternalIP or the named label, else NO_ADDRESS', () => {
    expect(sshAddress(settings(), target)).toBe('10.0.0.11');
    expect(sshAddress(settings({ addressFrom: { label: 'ssh/address' } }), target)).toBe('cp-1.example.org');
    for (const [s, t] of [
      [settings(), { ...target, internalIP: undefined }],
      [settings({ addressFrom: { label: 'missing' } }), target],
      [
        settings({ addressFrom: { label: 'ssh/address' } }),
        { ...target, labels: { 'ssh/address': '-oProxyCommand=evil' } },
      ],
    ] as const) {
      let err: unknown;
      try {
        sshAddress(s, t);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NodeDriverError);
      expect((err as NodeDriverError).code).toBe('NO_ADDRESS');
    }
  });

  it('refuses ssh settings that could be read as options', () => {
    expect(() => createDriver({ type: 'kubeadm-ssh', ssh: settings({ user: '-oProxyCommand=x' }) })).toThrow(
      DriverConfigError,
    );
    expect(() => createDriver({ type: 'kubeadm-ssh', ssh: settings({ jumpHost: '-oProxyCommand=x' }) })).toThrow(
      /jumpHost/,
    );
    expect(() => createDriver({ type: 'kubeadm-ssh', ssh: settings({ port: 0 }) })).toThrow(/port/);
    expect(createDriver({ type: 'kubeadm-ssh', ssh: settings() }).type).toBe('kubeadm-ssh');
  });
});

describe('kubeadm-ssh driver input checks', () => {
  it('refuses a target version that is not vX.Y.Z before running ssh', async () => {
    const d = createDriver({ type: 'kubeadm-ssh', ssh: settings() }, { sshBinary: '/nonexistent/ssh' });
    await expect(
      d.upgrade({ ...target, version: 'v1.32.0;reboot' }, { onOutput: () => undefined }),
    ).rejects.toMatchObject({
      code: 'FAILED',
      message: expect.stringContaining('nothing ran on the node'),
    });
  });
});
