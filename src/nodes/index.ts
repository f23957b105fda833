/**
 * Node upgrade drivers: how one node is taken to a Kubernetes version once the executor has cordoned and
 * drained it. `exec` runs the plan's argv template on this machine; `kubeadm-ssh` runs the kubeadm sequence
 * (kubernetes-facts §7) on the node over OpenSSH. Also runs the plan's custom health-gate commands.
 *
 * This module must not: run anything through a local shell (argv only; the one command string is the ssh remote
 * command, built from validated, quoted words), talk to the cluster (the executor cordons, drains and waits),
 * print (output lines go to `DriverIo.onOutput`), or hold credentials (a key is a path, handed to ssh).
 * Only this folder and src/etcd/ import execa.
 */
export * from './types.js';
export { DriverConfigError } from './driver-config-error.js';
export { createDriver, type CreateDriverOptions } from './create-driver.js';
export { ExecNodeDriver, execArgv, displayArgv } from './exec-driver.js';
export { KubeadmSshNodeDriver, type KubeadmSshDriverOptions } from './kubeadm-ssh-driver.js';
export {
  driverPidFile,
  driverRunningArgv,
  kubeadmSteps,
  kubeadmScript,
  remoteCommand,
  STEP_MARKER,
  type KubeadmStep,
  type KubeadmScriptOptions,
} from './kubeadm-script.js';
export { sshArgv, sshOptions, sshAddress, checkSshSettings, type SshClientOptions } from './ssh-args.js';
export {
  sshRunner,
  sshRemoteCommand,
  type SshCommandRunner,
  type SshRunnerOptions,
  type SshRunOptions,
  type SshRunResult,
} from './ssh-runner.js';
export { shellQuote, shellJoin } from './shell-quote.js';
export { runCommandGate, type CommandGateResult } from './command-gate.js';
