/** Shared by the etcd sandbox tests: whether etcd is installed (skip with a message, or fail under CI=true), and etcdctl. */
import { spawnSync } from 'node:child_process';
import { execa } from 'execa';

function installed(bin: string): boolean {
  const r = spawnSync(bin, [bin === 'etcdctl' ? 'version' : '--version'], { encoding: 'utf8' });
  return r.status === 0;
}

export const etcdInstalled = installed('etcd') && installed('etcdctl');

if (!etcdInstalled) {
  if (process.env.CI === 'true')
    throw new Error(
      'etcd/etcdctl are not on the PATH but CI=true: install them (apt-get install etcd-server etcd-client)',
    );
  console.warn(
    'SKIPPED: the etcd sandbox tests need etcd and etcdctl on the PATH (Debian: apt-get install etcd-server etcd-client)',
  );
}

export async function etcdctl(endpoint: string, ...args: string[]): Promise<string> {
  const r = await execa('etcdctl', ['--endpoints', endpoint, ...args], { env: { ETCDCTL_API: '3' } });
  return r.stdout;
}
