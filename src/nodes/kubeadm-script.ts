/**
 * The node-side kubeadm upgrade (kubernetes-facts §7) as data and as one POSIX script: kubeadm package,
 * `kubeadm upgrade apply` (a hop's first control-plane node) or `kubeadm upgrade node` (every other node),
 * kubelet and kubectl packages, kubelet restart. Pure: builds strings from validated values, runs nothing.
 */
import type { PackageManager } from '../plan/index.js';
import { shellJoin, shellQuote } from './shell-quote.js';
import type { NodeTarget } from './types.js';
import { isKubernetesVersion, isNodeName, packageVersion } from './validate.js';

export interface KubeadmStep {
  /** What the step does, for the marker line and messages (the command without `sudo -n`). */
  readonly title: string;
  /** The argv run on the node (with `sudo -n` when the plan asks for sudo). */
  readonly argv: readonly string[];
}

export interface KubeadmScriptOptions {
  readonly packageManager: PackageManager;
  readonly sudo: boolean;
}

/**
 * Where the node-side script of a driver run writes its pid while it runs (removed when it ends), so that a later
 * run can ask the node whether a driver is still going (`driverRunningScript`). Per node: one host may serve several.
 */
export const driverPidFile = (node: string): string => {
  if (!isNodeName(node)) throw new TypeError(`node name ${JSON.stringify(node)} is not a DNS-1123 name`);
  return `/tmp/k8s-upgrade-driver-${node}.pid`;
};

/** Exits 0 while the process named in the pid file runs, 1 when there is none. */
export const driverRunningArgv = (pidFile: string): string[] => [
  'sh',
  '-c',
  'test -f "$1" && kill -0 "$(cat "$1")" 2>/dev/null',
  'sh',
  pidFile,
];

/** Marker line printed before each step: `==> [3/11] apt-get install -y kubeadm=1.32.0-*`. */
export const STEP_MARKER = /^==> \[(\d+)\/(\d+)\] (.*)$/;

const APT_ENV = ['env', 'DEBIAN_FRONTEND=noninteractive'];

/** The steps for one node, in order. Throws a TypeError on a version or node name that is not valid. */
export const kubeadmSteps = (target: NodeTarget, opts: KubeadmScriptOptions): KubeadmStep[] => {
  if (!isKubernetesVersion(target.version))
    throw new TypeError(`target version ${JSON.stringify(target.version)} is not like v1.32.0`);
  if (!isNodeName(target.node)) throw new TypeError(`node name ${JSON.stringify(target.node)} is not a DNS-1123 name`);
  const pkg = packageVersion(target.version);
  const steps: { argv: string[]; env?: string[] }[] = [];
  const upgrade =
    target.role === 'control-plane' && target.first
      ? ['kubeadm', 'upgrade', 'apply', target.version, '-y']
      : ['kubeadm', 'upgrade', 'node'];

  if (opts.packageManager === 'apt') {
    steps.push(
      { argv: ['apt-mark', 'unhold', 'kubeadm'] },
      { argv: ['apt-get', 'update'] },
      { argv: ['apt-get', 'install', '-y', `kubeadm=${pkg}-*`], env: APT_ENV },
      { argv: ['apt-mark', 'hold', 'kubeadm'] },
      { argv: upgrade },
      { argv: ['apt-mark', 'unhold', 'kubelet', 'kubectl'] },
      { argv: ['apt-get', 'install', '-y', `kubelet=${pkg}-*`, `kubectl=${pkg}-*`], env: APT_ENV },
      { argv: ['apt-mark', 'hold', 'kubelet', 'kubectl'] },
    );
  } else {
    steps.push(
      { argv: ['yum', 'install', '-y', `kubeadm-${pkg}-*`, '--disableexcludes=kubernetes'] },
      { argv: upgrade },
      { argv: ['yum', 'install', '-y', `kubelet-${pkg}-*`, `kubectl-${pkg}-*`, '--disableexcludes=kubernetes'] },
    );
  }
  steps.push({ argv: ['systemctl', 'daemon-reload'] }, { argv: ['systemctl', 'restart', 'kubelet'] });

  return steps.map(({ argv, env = [] }) => ({
    title: argv.join(' '),
    argv: [...(opts.sudo ? ['sudo', '-n'] : []), ...env, ...argv],
  }));
};

/**
 * One script for `sh`: `set -eu`, an optional cleanup command run on exit, then for each step a marker line and
 * the quoted command, so the first failing step ends the script with its exit code and the last marker in the output names it.
 */
export const kubeadmScript = (
  steps: readonly KubeadmStep[],
  opts: { cleanup?: readonly string[]; pidFile?: string } = {},
): string => {
  const lines = ['set -eu'];
  // Runs however the script ends (a failed step too); its own failure does not change the exit code.
  const onExit = [
    ...(opts.pidFile ? [`rm -f -- ${shellQuote(opts.pidFile)}`] : []),
    ...(opts.cleanup ? [`${shellJoin(opts.cleanup)} || true`] : []),
  ];
  if (onExit.length > 0) lines.push(`trap ${shellQuote(onExit.join('; '))} EXIT`);
  if (opts.pidFile) lines.push(`printf '%s\\n' "$$" > ${shellQuote(opts.pidFile)}`);
  steps.forEach((s, i) => {
    lines.push(`printf '%s\\n' ${shellQuote(`==> [${i + 1}/${steps.length}] ${s.title}`)}`);
    lines.push(shellJoin(s.argv));
  });
  lines.push(`printf '%s\\n' ${shellQuote('==> done')}`);
  return lines.join('\n') + '\n';
};

/** The command string ssh hands to the remote login shell: the script run by `sh`, whatever that shell is. */
export const remoteCommand = (script: string): string => shellJoin(['sh', '-c', script]);
