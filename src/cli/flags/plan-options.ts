/**
 * The plan's options and node-driver settings built from the parsed `plan` settings (plan-settings.ts, typed by
 * oclif's inference), validating what the flags alone can: URLs, argv templates, etcd connection. Invalid input
 * is a CliError with exit 3 that names the flag and shows what is expected.
 */
import { homedir } from 'node:os';
import { invalidInput } from '../errors.js';
import {
  ARGV_PLACEHOLDERS,
  RESTORE_PLACEHOLDERS,
  argvTemplateProblems,
  type PlanDriver,
  type PlanOptions,
} from '../../plan/index.js';
import type { PlanSettingValues } from './plan-settings.js';

/** What the builders read: the settings without the target version and the worker groups. */
export type PlanOptionSettings = Omit<
  PlanSettingValues,
  'to' | 'workers' | 'strict-groups' | 'max-unavailable' | 'canary' | 'ignore-check' | 'manifests' | 'out'
>;

export function buildOptions(f: PlanOptionSettings): PlanOptions {
  for (const u of f['gate-url']) {
    if (!/^https?:\/\/[^\s]+$/.test(u))
      throw invalidInput(`--gate-url ${JSON.stringify(u)}: expected an http:// or https:// URL`);
  }
  return {
    strategy: f.strategy,
    drain: {
      timeoutSeconds: f['drain-timeout'],
      deleteEmptyDirData: f['delete-emptydir-data'],
      forceUnmanaged: f.force,
      ...(f['disable-eviction-after'] !== undefined
        ? { disableEvictionAfterSeconds: f['disable-eviction-after'] }
        : {}),
    },
    healthGates: {
      timeoutSeconds: f['gate-timeout'],
      soakSeconds: f.soak,
      http: f['gate-url'].map((url) => ({ url })),
      commands: f['gate-command'].map((c) => ({ argv: parseGateCommand(c) })),
    },
    etcdSnapshot: buildEtcdSnapshot(f),
  };
}

const KUBEADM_ETCD = {
  endpoints: ['https://127.0.0.1:2379'],
  cacert: '/etc/kubernetes/pki/etcd/ca.crt',
  cert: '/etc/kubernetes/pki/etcd/healthcheck-client.crt',
  key: '/etc/kubernetes/pki/etcd/healthcheck-client.key',
};

/** `--etcd-snapshot local|ssh` with its connection (paths only, never key material); ssh defaults to kubeadm's paths on the node. */
function buildEtcdSnapshot(f: PlanOptionSettings): PlanOptions['etcdSnapshot'] {
  const mode = f['etcd-snapshot'];
  const perHop = f['etcd-snapshot-per-hop'];
  if (mode === 'none') return { mode, perHop };
  const endpoints = f['etcd-endpoints']
    ?.split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of endpoints ?? [])
    if (!/^https?:\/\/[^\s/]+\/?$/.test(e))
      throw invalidInput(
        `--etcd-endpoints: ${JSON.stringify(e)} is not an etcd client URL such as https://10.0.0.11:2379`,
      );
  const path = (p?: string) => p?.replace(/^~(?=\/)/, homedir());
  if (mode === 'local') {
    if (!endpoints?.length)
      throw invalidInput(
        '--etcd-snapshot local needs --etcd-endpoints (the client URLs reachable from this machine) and usually --etcd-cacert/--etcd-cert/--etcd-key',
      );
    return {
      mode,
      perHop,
      endpoints,
      ...opt('cacert', path(f['etcd-cacert'])),
      ...opt('cert', path(f['etcd-cert'])),
      ...opt('key', path(f['etcd-key'])),
    };
  }
  return {
    mode,
    perHop,
    endpoints: endpoints?.length ? endpoints : KUBEADM_ETCD.endpoints,
    cacert: f['etcd-cacert'] ?? KUBEADM_ETCD.cacert,
    cert: f['etcd-cert'] ?? KUBEADM_ETCD.cert,
    key: f['etcd-key'] ?? KUBEADM_ETCD.key,
    ...opt('node', f['etcd-node']),
  };
}

const opt = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);

export function buildDriver(f: PlanOptionSettings): PlanDriver {
  if (f.driver === 'exec') {
    if (!f['exec-command'])
      throw invalidInput(
        '--driver exec needs --exec-command, a JSON array such as \'["/usr/local/bin/upgrade-node","{node}","{version}"]\'',
      );
    let argv: unknown;
    try {
      argv = JSON.parse(f['exec-command']);
    } catch {
      throw invalidInput(
        `--exec-command must be a JSON array of strings (it is never run through a shell), got ${JSON.stringify(f['exec-command'])}`,
      );
    }
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string'))
      throw invalidInput('--exec-command must be a non-empty JSON array of strings');
    const problems = argvTemplateProblems(argv as string[]);
    if (problems.length)
      throw invalidInput(`--exec-command: ${problems.map(([i, m]) => `argument ${i}: ${m}`).join('; ')}`);
    const downgrade = f['exec-downgrade-command']
      ? parseTemplate('--exec-downgrade-command', f['exec-downgrade-command'], ARGV_PLACEHOLDERS)
      : undefined;
    const restoreEtcd = f['exec-restore-etcd-command']
      ? parseTemplate('--exec-restore-etcd-command', f['exec-restore-etcd-command'], RESTORE_PLACEHOLDERS)
      : undefined;
    return {
      type: 'exec',
      exec: {
        upgrade: argv as string[],
        ...(downgrade ? { downgrade } : {}),
        ...(restoreEtcd ? { restoreEtcd } : {}),
        timeoutSeconds: 900,
      },
    };
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
      packageManager: f['package-manager'],
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
    throw invalidInput(
      `--gate-command must be a JSON array of non-empty strings (it is run without a shell; exit 0 = healthy), got ${JSON.stringify(text)}`,
    );
  }
  return argv as string[];
}

/** An argv template flag (JSON array, never a shell string) checked against its placeholders. */
function parseTemplate(flag: string, text: string, allowed: readonly string[]): string[] {
  let argv: unknown;
  try {
    argv = JSON.parse(text);
  } catch {
    argv = undefined;
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string'))
    throw invalidInput(
      `${flag} must be a non-empty JSON array of strings (never run through a shell), got ${JSON.stringify(text)}`,
    );
  const problems = argvTemplateProblems(argv as string[], allowed);
  if (problems.length) throw invalidInput(`${flag}: ${problems.map(([i, m]) => `argument ${i}: ${m}`).join('; ')}`);
  return argv as string[];
}
