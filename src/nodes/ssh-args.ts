/**
 * The OpenSSH client's argv for one node: batch mode (never a prompt), host key policy, timeouts, port, key,
 * jump host and user, then `--`, the address and the remote command string. Pure: validates and builds.
 */
import type { SshSettings } from '../plan/index.js';
import { NodeDriverError, type NodeTarget } from './types.js';
import { isJumpHost, isSshAddress, isSshUser } from './validate.js';
import { DriverConfigError } from './driver-config-error.js';

export interface SshClientOptions {
  /** `-o UserKnownHostsFile=…` (default: ssh's own, `~/.ssh/known_hosts`). */
  readonly knownHostsFile?: string;
  /** Overrides the plan's `identityFile` (named at apply time). */
  readonly identityFile?: string;
}

/** Refuses ssh settings that could never work or could be read as options; call once when the driver is made. */
export const checkSshSettings = (s: SshSettings): void => {
  const bad = (what: string) => {
    throw new DriverConfigError(`driver.ssh.${what} in the plan; fix it and re-run.`);
  };
  if (!isSshUser(s.user)) bad(`user ${JSON.stringify(s.user)} is not a valid user name`);
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) bad(`port ${s.port} is not a port number`);
  if (s.jumpHost !== undefined && !isJumpHost(s.jumpHost))
    bad(`jumpHost ${JSON.stringify(s.jumpHost)} is not [user@]host[:port]`);
  if (s.identityFile !== undefined && (s.identityFile === '' || s.identityFile.includes('\0')))
    bad('identityFile is empty');
  if (s.strictHostKeyChecking !== 'yes' && s.strictHostKeyChecking !== 'accept-new')
    bad(`strictHostKeyChecking must be yes or accept-new`);
  if (!(s.timeoutSeconds > 0)) bad('timeoutSeconds must be > 0');
  if (typeof s.addressFrom !== 'string' && !s.addressFrom.label) bad('addressFrom.label is empty');
};

/** Where ssh connects to for this node: its InternalIP or the value of the label the plan names. */
export const sshAddress = (s: SshSettings, target: NodeTarget): string => {
  const fromLabel = typeof s.addressFrom === 'string' ? undefined : s.addressFrom.label;
  const address = fromLabel === undefined ? target.internalIP : target.labels[fromLabel];
  if (!address) {
    throw new NodeDriverError(
      fromLabel === undefined
        ? `node ${target.node} has no InternalIP to ssh to; give the node one, or set driver.ssh.addressFrom to {label: …} in the plan and label the node with its address.`
        : `node ${target.node} has no label ${fromLabel}; label it with its ssh address (kubectl label node ${target.node} ${fromLabel}=<address>) or change driver.ssh.addressFrom in the plan.`,
      'NO_ADDRESS',
      target.node,
    );
  }
  if (!isSshAddress(address)) {
    throw new NodeDriverError(
      `node ${target.node}: ${JSON.stringify(address)} (from ${fromLabel ?? 'InternalIP'}) is not a host name or IP address; fix the node's ${fromLabel ? 'label' : 'address'}.`,
      'NO_ADDRESS',
      target.node,
    );
  }
  return address;
};

/** ssh options before the destination. */
export const sshOptions = (s: SshSettings, opts: SshClientOptions = {}): string[] => {
  const args = [
    '-o',
    'BatchMode=yes',
    '-o',
    `StrictHostKeyChecking=${s.strictHostKeyChecking}`,
    '-o',
    `ConnectTimeout=${Math.max(1, Math.min(30, Math.floor(s.timeoutSeconds)))}`,
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=4',
  ];
  if (opts.knownHostsFile) args.push('-o', `UserKnownHostsFile=${opts.knownHostsFile}`);
  args.push('-p', String(s.port));
  const identity = opts.identityFile ?? s.identityFile;
  if (identity) args.push('-i', identity, '-o', 'IdentitiesOnly=yes');
  if (s.jumpHost) args.push('-J', s.jumpHost);
  args.push('-l', s.user);
  return args;
};

/** The whole argv after `ssh`: options, `--`, address, remote command. */
export const sshArgv = (
  s: SshSettings,
  address: string,
  remoteCommand: string,
  opts: SshClientOptions = {},
): string[] => [...sshOptions(s, opts), '--', address, remoteCommand];
