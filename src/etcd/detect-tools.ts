/**
 * Finds the etcd tools where the runner runs: etcdctl (always needed, it takes the snapshot) and etcdutl
 * (3.5+, preferred for status and restore). etcd 3.4 has etcdctl only; 3.6 removed status/restore from etcdctl.
 */
import { EtcdError, outputTail } from './errors.js';
import { ETCDCTL_ENV } from './argv.js';
import { minorOf, parseToolVersion } from './parse.js';
import type { CommandRunner, EtcdTools } from './types.js';

export interface DetectToolsOptions {
  /** Program names or paths (default `etcdctl`, `etcdutl` from PATH). */
  etcdctl?: string;
  etcdutl?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const INSTALL_ADVICE =
  'Install the etcd client tools there: Debian/Ubuntu `apt-get install etcd-client` (etcd 3.4, etcdctl only), or etcdctl and etcdutl ' +
  'from the etcd release tarball matching your etcd version (https://github.com/etcd-io/etcd/releases); on kubeadm nodes etcd runs in a ' +
  'static pod and the host usually has no etcdctl.';

export async function detectTools(runner: CommandRunner, opts: DetectToolsOptions = {}): Promise<EtcdTools> {
  const etcdctl = opts.etcdctl ?? 'etcdctl';
  const etcdutlName = opts.etcdutl ?? 'etcdutl';
  const runOpts = { timeoutMs: opts.timeoutMs ?? 15_000, signal: opts.signal, env: ETCDCTL_ENV };

  const ctl = await runner.run([etcdctl, 'version'], runOpts);
  const version = ctl.exitCode === 0 ? parseToolVersion(ctl.stdout) : undefined;
  if (ctl.exitCode === 127 || ctl.exitCode === 126) {
    throw new EtcdError(
      `${etcdctl} was not found (${runner.where}): it takes the etcd snapshot. ${INSTALL_ADVICE}`,
      'TOOL_MISSING',
    );
  }
  if (!version) {
    throw new EtcdError(
      `\`${etcdctl} version\` (${runner.where}) ${ctl.exitCode === 0 ? 'printed no version' : `failed with exit code ${ctl.exitCode}`}: is it etcd's etcdctl? ${INSTALL_ADVICE}${outputTail(ctl.stdout + '\n' + ctl.stderr)}`,
      'TOOL_MISSING',
    );
  }

  const utl = await runner.run([etcdutlName, 'version'], runOpts);
  const utlVersion = utl.exitCode === 0 ? parseToolVersion(utl.stdout) : undefined;
  if (utlVersion) return { etcdctl, etcdutl: etcdutlName, version };

  const v = minorOf(version);
  if (v && (v.major > 3 || (v.major === 3 && v.minor >= 6))) {
    throw new EtcdError(
      `etcdctl ${version} (${runner.where}) no longer verifies or restores snapshots and etcdutl was not found: install etcdutl ${v.major}.${v.minor} next to etcdctl (from the etcd release tarball).`,
      'TOOL_MISSING',
    );
  }
  return { etcdctl, version };
}
