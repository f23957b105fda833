/**
 * The parsed `plan` flags (plan-settings.ts, typed by oclif's inference) as the plan settings of
 * `src/upgrade/plan/plan-settings.ts` (camelCased, `--to` and `--out` left out), and the plan's options and node
 * driver built from them there — one implementation, shared with the fleet file. Invalid input is a CliError with
 * exit 3 that names the flag and shows what is expected.
 */
import { invalidInput } from '../errors.js';
import type { PlanDriver, PlanOptions } from '../../plan/index.js';
import {
  PlanSettingsError,
  planDriverFromSettings,
  planOptionsFromSettings,
  type PlanSettingKey,
  type UpgradePlanSettings,
} from '../../upgrade/plan/plan-settings.js';
import type { PlanSettingValues } from './plan-settings.js';

/** What the builders read: the settings without the target version and the worker groups. */
export type PlanOptionSettings = Omit<
  PlanSettingValues,
  'to' | 'workers' | 'strict-groups' | 'max-unavailable' | 'canary' | 'ignore-check' | 'manifests' | 'out'
>;

/** `maxUnavailable` → `--max-unavailable`: how the CLI names a setting in messages. */
export const flagName = (key: PlanSettingKey): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The flags' values as plan settings (camelCase keys). */
export function settingsFromFlags(f: PlanOptionSettings & Partial<PlanSettingValues>): UpgradePlanSettings {
  return {
    workers: f.workers ?? [],
    strictGroups: f['strict-groups'] ?? false,
    maxUnavailable: f['max-unavailable'] ?? '1',
    canary: f.canary,
    strategy: f.strategy,
    ignoreCheck: f['ignore-check'] ?? [],
    manifests: f.manifests,
    deleteEmptydirData: f['delete-emptydir-data'],
    force: f.force,
    drainTimeout: f['drain-timeout'],
    disableEvictionAfter: f['disable-eviction-after'],
    gateTimeout: f['gate-timeout'],
    soak: f.soak,
    gateUrl: f['gate-url'],
    gateCommand: f['gate-command'],
    driver: f.driver,
    execCommand: f['exec-command'],
    execDowngradeCommand: f['exec-downgrade-command'],
    execRestoreEtcdCommand: f['exec-restore-etcd-command'],
    etcdSnapshot: f['etcd-snapshot'],
    etcdSnapshotPerHop: f['etcd-snapshot-per-hop'],
    etcdEndpoints: f['etcd-endpoints'],
    etcdCacert: f['etcd-cacert'],
    etcdCert: f['etcd-cert'],
    etcdKey: f['etcd-key'],
    etcdNode: f['etcd-node'],
    sshUser: f['ssh-user'],
    sshPort: f['ssh-port'],
    sshIdentity: f['ssh-identity'],
    sshJumpHost: f['ssh-jump-host'],
    sshAddressLabel: f['ssh-address-label'],
    sshAcceptNewHostKeys: f['ssh-accept-new-host-keys'],
    packageManager: f['package-manager'],
  };
}

/** Runs a settings builder, turning its PlanSettingsError into the CLI's invalid input (exit 3). */
export function asFlagInput<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof PlanSettingsError) throw invalidInput(e.message, e);
    throw e;
  }
}

export function buildOptions(f: PlanOptionSettings): PlanOptions {
  return asFlagInput(() => planOptionsFromSettings(settingsFromFlags(f), flagName));
}

export function buildDriver(f: PlanOptionSettings): PlanDriver {
  return asFlagInput(() => planDriverFromSettings(settingsFromFlags(f), flagName));
}
