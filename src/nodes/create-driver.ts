/** Makes the node driver a plan names. Throws `DriverConfigError` for a driver section that cannot be used. */
import type { PlanDriver } from '../plan/index.js';
import { ExecNodeDriver } from './exec-driver.js';
import { KubeadmSshNodeDriver } from './kubeadm-ssh-driver.js';
import type { NodeDriver } from './types.js';

export interface CreateDriverOptions {
  /** ssh only: `UserKnownHostsFile` (default: ssh's own). */
  knownHostsFile?: string;
  /** ssh only: the private key to use, overriding the plan's `identityFile`. */
  identityFile?: string;
  /** ssh only: the ssh client program (default `ssh` from PATH). */
  sshBinary?: string;
}

export function createDriver(driver: PlanDriver, opts: CreateDriverOptions = {}): NodeDriver {
  switch (driver.type) {
    case 'exec':
      return new ExecNodeDriver(driver.exec);
    case 'kubeadm-ssh':
      return new KubeadmSshNodeDriver(driver.ssh, opts);
  }
}
