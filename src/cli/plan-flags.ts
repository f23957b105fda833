/** Builds the plan's options and node-driver settings from `plan` flags, validating what the flags alone can. */
import { homedir } from 'node:os';
import { invalidInput } from './errors.js';
import { argvTemplateProblems, type PlanDriver, type PlanOptions } from '../plan/index.js';

export interface PlanFlagValues {
  strategy: string;
  'delete-emptydir-data': boolean;
  force: boolean;
  'drain-timeout': number;
  'disable-eviction-after'?: number;
  'gate-timeout': number;
  soak: number;
  'gate-url': string[];
  'gate-command'?: string[];
  driver: string;
  'exec-command'?: string;
  'ssh-user': string;
  'ssh-port': number;
  'ssh-identity'?: string;
  'ssh-jump-host'?: string;
  'ssh-address-label'?: string;
  'ssh-accept-new-host-keys': boolean;
  'package-manager': string;
}

export function buildOptions(f: PlanFlagValues): PlanOptions {
  for (const u of f['gate-url']) {
    if (!/^https?:\/\/[^\s]+$/.test(u)) throw invalidInput(`--gate-url ${JSON.stringify(u)}: expected an http:// or https:// URL`);
  }
  return {
    strategy: f.strategy as PlanOptions['strategy'],
    drain: {
      timeoutSeconds: f['drain-timeout'],
      deleteEmptyDirData: f['delete-emptydir-data'],
      forceUnmanaged: f.force,
      ...(f['disable-eviction-after'] !== undefined ? { disableEvictionAfterSeconds: f['disable-eviction-after'] } : {}),
    },
    healthGates: { timeoutSeconds: f['gate-timeout'], soakSeconds: f.soak, http: f['gate-url'].map((url) => ({ url })), commands: (f['gate-command'] ?? []).map((c) => ({ argv: parseGateCommand(c) })) },
    etcdSnapshot: { mode: 'none', perHop: false },
  };
}

export function buildDriver(f: PlanFlagValues): PlanDriver {
  if (f.driver === 'exec') {
    if (!f['exec-command']) throw invalidInput('--driver exec needs --exec-command, a JSON array such as \'["/usr/local/bin/upgrade-node","{node}","{version}"]\'');
    let argv: unknown;
    try {
      argv = JSON.parse(f['exec-command']);
    } catch {
      throw invalidInput(`--exec-command must be a JSON array of strings (it is never run through a shell), got ${JSON.stringify(f['exec-command'])}`);
    }
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) throw invalidInput('--exec-command must be a non-empty JSON array of strings');
    const problems = argvTemplateProblems(argv as string[]);
    if (problems.length) throw invalidInput(`--exec-command: ${problems.map(([i, m]) => `argument ${i}: ${m}`).join('; ')}`);
    return { type: 'exec', exec: { upgrade: argv as string[], timeoutSeconds: 900 } };
  }
  const identity = f['ssh-identity']?.replace(/^~(?=\/)/, homedir());
  return {
    type: 'kubeadm-ssh',
    ssh: {
      user: f['ssh-user'],
      port: f['ssh-port'],
      ...(identity ? { identityFile: identity } : {}),
      ...(f['ssh-jump-host'] ? { jumpHost: f['ssh-jump-host'] } : {}),
      addressFrom: f['ssh-address-label'] ? { label: f['ssh-address-label'] } : 'InternalIP',
      strictHostKeyChecking: f['ssh-accept-new-host-keys'] ? 'accept-new' : 'yes',
      packageManager: f['package-manager'] as 'apt' | 'yum',
      sudo: true,
      timeoutSeconds: 1800,
    },
  };
}

/** `--gate-command '["/usr/local/bin/check","--cluster","prod"]'`: an argv array, never a shell string. */
function parseGateCommand(text: string): string[] {
  let argv: unknown;
  try {
    argv = JSON.parse(text);
  } catch {
    argv = undefined;
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string' && a.length > 0)) {
    throw invalidInput(`--gate-command must be a JSON array of non-empty strings (it is run without a shell; exit 0 = healthy), got ${JSON.stringify(text)}`);
  }
  return argv as string[];
}
