/**
 * The `plan` settings as data: every `plan` flag but `--to` and `--out`, camelCased (`maxUnavailable` for
 * `--max-unavailable`), with their defaults, and the one translation of settings into the plan use case's
 * request (`planRequestFromSettings`), validation included. Two callers: the CLI maps its parsed flags onto these
 * settings (`--exec-command` as the JSON text the flag takes), and the fleet file's `defaults` and per-cluster
 * `settings` are read with `readPlanSettings` (unknown keys and wrong types refused; argv templates may be YAML
 * lists). A problem is a `PlanSettingsError` naming the setting through the caller's `name` (a flag, a path).
 */
import { homedir } from 'node:os';
import { isKnownCheck, isWaivable } from '../../checks/index.js';
import type { AccessOptions } from '../../cluster/index.js';
import { LabelSelectorError, parseLabelSelector } from '../../kube/index.js';
import {
  ARGV_PLACEHOLDERS,
  PlanInputError,
  RESTORE_PLACEHOLDERS,
  argvTemplateProblems,
  parseMaxUnavailable,
  type PlanDriver,
  type PlanOptions,
} from '../../plan/index.js';
import type { PlanRequest } from './plan-upgrade.js';

/** An argv template: a JSON array text (as the flags take it) or a list (as YAML writes it); never a shell string. */
export type ArgvSetting = string | readonly string[];

export interface UpgradePlanSettings {
  workers: string[];
  strictGroups: boolean;
  maxUnavailable: string | number;
  canary?: number;
  strategy: 'rolling' | 'batch';
  ignoreCheck: string[];
  manifests?: string;
  deleteEmptydirData: boolean;
  force: boolean;
  drainTimeout: number;
  disableEvictionAfter?: number;
  gateTimeout: number;
  soak: number;
  gateUrl: string[];
  gateCommand: ArgvSetting[];
  driver: 'exec' | 'kubeadm-ssh';
  execCommand?: ArgvSetting;
  execDowngradeCommand?: ArgvSetting;
  execRestoreEtcdCommand?: ArgvSetting;
  etcdSnapshot: 'none' | 'local' | 'ssh';
  etcdSnapshotPerHop: boolean;
  etcdEndpoints?: string;
  etcdCacert?: string;
  etcdCert?: string;
  etcdKey?: string;
  etcdNode?: string;
  sshUser: string;
  sshPort: number;
  sshIdentity?: string;
  sshJumpHost?: string;
  sshAddressLabel?: string;
  sshAcceptNewHostKeys: boolean;
  packageManager: 'apt' | 'yum';
}

export type PlanSettingKey = keyof UpgradePlanSettings;

type Spec =
  | { kind: 'string' | 'strings' | 'boolean' | 'argv' | 'argvs' | 'count' }
  | { kind: 'integer'; min: number }
  | { kind: 'enum'; options: readonly string[] };

/** What each setting holds; `readPlanSettings` checks unknown input against it. */
export const PLAN_SETTING_SPECS: { readonly [K in PlanSettingKey]-?: Spec } = {
  workers: { kind: 'strings' },
  strictGroups: { kind: 'boolean' },
  maxUnavailable: { kind: 'count' },
  canary: { kind: 'integer', min: 1 },
  strategy: { kind: 'enum', options: ['rolling', 'batch'] },
  ignoreCheck: { kind: 'strings' },
  manifests: { kind: 'string' },
  deleteEmptydirData: { kind: 'boolean' },
  force: { kind: 'boolean' },
  drainTimeout: { kind: 'integer', min: 0 },
  disableEvictionAfter: { kind: 'integer', min: 0 },
  gateTimeout: { kind: 'integer', min: 0 },
  soak: { kind: 'integer', min: 0 },
  gateUrl: { kind: 'strings' },
  gateCommand: { kind: 'argvs' },
  driver: { kind: 'enum', options: ['exec', 'kubeadm-ssh'] },
  execCommand: { kind: 'argv' },
  execDowngradeCommand: { kind: 'argv' },
  execRestoreEtcdCommand: { kind: 'argv' },
  etcdSnapshot: { kind: 'enum', options: ['none', 'local', 'ssh'] },
  etcdSnapshotPerHop: { kind: 'boolean' },
  etcdEndpoints: { kind: 'string' },
  etcdCacert: { kind: 'string' },
  etcdCert: { kind: 'string' },
  etcdKey: { kind: 'string' },
  etcdNode: { kind: 'string' },
  sshUser: { kind: 'string' },
  sshPort: { kind: 'integer', min: 1 },
  sshIdentity: { kind: 'string' },
  sshJumpHost: { kind: 'string' },
  sshAddressLabel: { kind: 'string' },
  sshAcceptNewHostKeys: { kind: 'boolean' },
  packageManager: { kind: 'enum', options: ['apt', 'yum'] },
};

type DefaultedKey = { [K in PlanSettingKey]-?: undefined extends UpgradePlanSettings[K] ? never : K }[PlanSettingKey];

/** The default of every setting that has one (the `plan` flags declare these as their defaults). */
export const DEFAULT_PLAN_SETTINGS: Readonly<Pick<UpgradePlanSettings, DefaultedKey>> = Object.freeze({
  workers: [],
  strictGroups: false,
  maxUnavailable: '1',
  strategy: 'rolling',
  ignoreCheck: [],
  deleteEmptydirData: false,
  force: false,
  drainTimeout: 600,
  gateTimeout: 300,
  soak: 0,
  gateUrl: [],
  gateCommand: [],
  driver: 'exec',
  etcdSnapshot: 'none',
  etcdSnapshotPerHop: false,
  sshUser: 'root',
  sshPort: 22,
  sshAcceptNewHostKeys: false,
  packageManager: 'apt',
});

/** How a caller names a setting in messages: `--max-unavailable` for the CLI, `maxUnavailable` for a fleet file. */
export type SettingName = (key: PlanSettingKey) => string;
export const settingKeyName: SettingName = (key) => key;

/** A setting that cannot be used, named as the caller names it; `setting` is the key. Invalid input (exit 3). */
export class PlanSettingsError extends PlanInputError {
  override readonly name = 'PlanSettingsError';

  constructor(
    readonly setting: PlanSettingKey | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_PLAN_INPUT', message, options);
  }
}

/** The plan use case's request from settings: options and driver validated (PlanSettingsError otherwise). */
export function planRequestFromSettings(
  s: UpgradePlanSettings,
  ctx: { access: AccessOptions; to: string; generator: string; now: Date },
  name: SettingName = settingKeyName,
): PlanRequest {
  return {
    access: ctx.access,
    to: ctx.to,
    workers: s.workers,
    maxUnavailable: String(s.maxUnavailable),
    canary: s.canary,
    strict: s.strictGroups,
    ignoreChecks: s.ignoreCheck,
    manifestsDir: s.manifests,
    options: planOptionsFromSettings(s, name),
    driver: planDriverFromSettings(s, name),
    generator: ctx.generator,
    now: ctx.now,
  };
}

const fail = (key: PlanSettingKey, message: string): never => {
  throw new PlanSettingsError(key, message);
};

export function planOptionsFromSettings(s: UpgradePlanSettings, name: SettingName = settingKeyName): PlanOptions {
  for (const u of s.gateUrl) {
    if (!/^https?:\/\/[^\s]+$/.test(u))
      fail('gateUrl', `${name('gateUrl')} ${JSON.stringify(u)}: expected an http:// or https:// URL`);
  }
  return {
    strategy: s.strategy,
    drain: {
      timeoutSeconds: s.drainTimeout,
      deleteEmptyDirData: s.deleteEmptydirData,
      forceUnmanaged: s.force,
      ...(s.disableEvictionAfter !== undefined ? { disableEvictionAfterSeconds: s.disableEvictionAfter } : {}),
    },
    healthGates: {
      timeoutSeconds: s.gateTimeout,
      soakSeconds: s.soak,
      http: s.gateUrl.map((url) => ({ url })),
      commands: s.gateCommand.map((c) => ({ argv: parseGateCommand(c, name) })),
    },
    etcdSnapshot: buildEtcdSnapshot(s, name),
  };
}

const KUBEADM_ETCD = {
  endpoints: ['https://127.0.0.1:2379'],
  cacert: '/etc/kubernetes/pki/etcd/ca.crt',
  cert: '/etc/kubernetes/pki/etcd/healthcheck-client.crt',
  key: '/etc/kubernetes/pki/etcd/healthcheck-client.key',
};

/** `etcdSnapshot: local|ssh` with its connection (paths only, never key material); ssh defaults to kubeadm's paths on the node. */
function buildEtcdSnapshot(s: UpgradePlanSettings, name: SettingName): PlanOptions['etcdSnapshot'] {
  const mode = s.etcdSnapshot;
  const perHop = s.etcdSnapshotPerHop;
  if (mode === 'none') return { mode, perHop };
  const endpoints = s.etcdEndpoints
    ?.split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of endpoints ?? [])
    if (!/^https?:\/\/[^\s/]+\/?$/.test(e))
      fail(
        'etcdEndpoints',
        `${name('etcdEndpoints')}: ${JSON.stringify(e)} is not an etcd client URL such as https://10.0.0.11:2379`,
      );
  const path = (p?: string) => p?.replace(/^~(?=\/)/, homedir());
  if (mode === 'local') {
    if (!endpoints?.length)
      fail(
        'etcdEndpoints',
        `${name('etcdSnapshot')} local needs ${name('etcdEndpoints')} (the client URLs reachable from this machine) and usually ${name('etcdCacert')}/${name('etcdCert')}/${name('etcdKey')}`,
      );
    return {
      mode,
      perHop,
      endpoints: endpoints ?? [],
      ...opt('cacert', path(s.etcdCacert)),
      ...opt('cert', path(s.etcdCert)),
      ...opt('key', path(s.etcdKey)),
    };
  }
  return {
    mode,
    perHop,
    endpoints: endpoints?.length ? endpoints : KUBEADM_ETCD.endpoints,
    cacert: s.etcdCacert ?? KUBEADM_ETCD.cacert,
    cert: s.etcdCert ?? KUBEADM_ETCD.cert,
    key: s.etcdKey ?? KUBEADM_ETCD.key,
    ...opt('node', s.etcdNode),
  };
}

const opt = <K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> =>
  v === undefined ? {} : ({ [k]: v } as Record<K, V>);

export function planDriverFromSettings(s: UpgradePlanSettings, name: SettingName = settingKeyName): PlanDriver {
  if (s.driver === 'exec') {
    if (s.execCommand === undefined || s.execCommand.length === 0)
      fail(
        'execCommand',
        `${name('driver')} exec needs ${name('execCommand')}, a JSON array such as '["/usr/local/bin/upgrade-node","{node}","{version}"]'`,
      );
    const upgrade = parseTemplate('execCommand', s.execCommand as ArgvSetting, ARGV_PLACEHOLDERS, name);
    const downgrade =
      s.execDowngradeCommand !== undefined && s.execDowngradeCommand.length > 0
        ? parseTemplate('execDowngradeCommand', s.execDowngradeCommand, ARGV_PLACEHOLDERS, name)
        : undefined;
    const restoreEtcd =
      s.execRestoreEtcdCommand !== undefined && s.execRestoreEtcdCommand.length > 0
        ? parseTemplate('execRestoreEtcdCommand', s.execRestoreEtcdCommand, RESTORE_PLACEHOLDERS, name)
        : undefined;
    return {
      type: 'exec',
      exec: {
        upgrade,
        ...(downgrade ? { downgrade } : {}),
        ...(restoreEtcd ? { restoreEtcd } : {}),
        timeoutSeconds: 900,
      },
    };
  }
  const identity = s.sshIdentity?.replace(/^~(?=\/)/, homedir());
  return {
    type: 'kubeadm-ssh',
    ssh: {
      user: s.sshUser,
      port: s.sshPort,
      ...(identity ? { identityFile: identity } : {}),
      ...(s.sshJumpHost ? { jumpHost: s.sshJumpHost } : {}),
      addressFrom: s.sshAddressLabel ? { label: s.sshAddressLabel } : 'InternalIP',
      strictHostKeyChecking: s.sshAcceptNewHostKeys ? 'accept-new' : 'yes',
      packageManager: s.packageManager,
      sudo: true,
      timeoutSeconds: 1800,
    },
  };
}

/** A JSON array text or a list, as an argv (undefined when it is neither). */
const argvOf = (value: ArgvSetting): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
};

/** A gate command: an argv (JSON array text or list) of non-empty strings, never a shell string. */
function parseGateCommand(value: ArgvSetting, name: SettingName): string[] {
  const argv = argvOf(value);
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string' && a.length > 0)) {
    fail(
      'gateCommand',
      `${name('gateCommand')} must be a JSON array of non-empty strings (it is run without a shell; exit 0 = healthy), got ${JSON.stringify(value)}`,
    );
  }
  return argv as string[];
}

/** An argv template (JSON array text or list, never a shell string) checked against its placeholders. */
function parseTemplate(
  key: PlanSettingKey,
  value: ArgvSetting,
  allowed: readonly string[],
  name: SettingName,
): string[] {
  const argv = argvOf(value);
  if (key === 'execCommand' && argv === undefined)
    fail(
      key,
      `${name(key)} must be a JSON array of strings (it is never run through a shell), got ${JSON.stringify(value)}`,
    );
  if (key === 'execCommand' && (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')))
    fail(key, `${name(key)} must be a non-empty JSON array of strings`);
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string'))
    fail(
      key,
      `${name(key)} must be a non-empty JSON array of strings (never run through a shell), got ${JSON.stringify(value)}`,
    );
  const problems = argvTemplateProblems(argv as string[], allowed);
  if (problems.length) fail(key, `${name(key)}: ${problems.map(([i, m]) => `argument ${i}: ${m}`).join('; ')}`);
  return argv as string[];
}

/** One problem with a setting read from data: the key (undefined for the whole mapping) and what is wrong. */
export interface PlanSettingProblem {
  readonly key: string | undefined;
  readonly message: string;
}

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? JSON.stringify(v) : String(v);

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The problem with one value against its spec, or undefined. */
function valueProblem(spec: Spec, v: unknown): string | undefined {
  switch (spec.kind) {
    case 'string':
      return typeof v === 'string' && v.length > 0 ? undefined : `expected a non-empty string, got ${describe(v)}`;
    case 'strings':
      return isStringList(v) ? undefined : `expected a list of strings, got ${describe(v)}`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `expected true or false, got ${describe(v)}`;
    case 'integer':
      return Number.isSafeInteger(v) && (v as number) >= spec.min
        ? undefined
        : `expected a whole number ≥ ${spec.min}, got ${describe(v)}`;
    case 'enum':
      return typeof v === 'string' && spec.options.includes(v)
        ? undefined
        : `expected one of ${spec.options.join(', ')}, got ${describe(v)}`;
    case 'count':
      return typeof v === 'string' || typeof v === 'number' ? undefined : `expected N or N%, got ${describe(v)}`;
    case 'argv':
      return typeof v === 'string' || isStringList(v) ? undefined : `expected an argv list, got ${describe(v)}`;
    case 'argvs':
      return Array.isArray(v) && v.every((c) => typeof c === 'string' || isStringList(c))
        ? undefined
        : `expected a list of argv lists, got ${describe(v)}`;
  }
}

/**
 * Settings read from data (a fleet file's `defaults` or a cluster's `settings`): each key known, each value of
 * its kind. Returns what was given (no defaults filled in) and the problems, one per bad key.
 */
export function readPlanSettings(input: unknown): {
  settings: Partial<UpgradePlanSettings>;
  problems: PlanSettingProblem[];
} {
  if (input === undefined) return { settings: {}, problems: [] };
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { settings: {}, problems: [{ key: undefined, message: `expected a mapping, got ${describe(input)}` }] };
  const problems: PlanSettingProblem[] = [];
  const settings: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(input)) {
    const spec = Object.prototype.hasOwnProperty.call(PLAN_SETTING_SPECS, key)
      ? PLAN_SETTING_SPECS[key as PlanSettingKey]
      : undefined;
    if (!spec) {
      const hint = key === 'to' || key === 'out' ? ' (the fleet sets it)' : '';
      problems.push({ key, message: `unknown plan setting${hint}; see the plan flags, camelCased` });
      continue;
    }
    const problem = valueProblem(spec, v);
    if (problem) problems.push({ key, message: problem });
    else settings[key] = v;
  }
  return { settings: settings as Partial<UpgradePlanSettings>, problems };
}

/**
 * Everything about complete settings that can be known without a cluster: what `planRequestFromSettings`
 * refuses, plus maxUnavailable, the worker selectors and the waived check ids (which `plan` itself checks once
 * connected). One problem per setting at most; empty when the settings can be planned with.
 */
export function planSettingsProblems(s: UpgradePlanSettings): PlanSettingProblem[] {
  const problems: PlanSettingProblem[] = [];
  const attempt = (key: PlanSettingKey | undefined, run: () => unknown) => {
    try {
      run();
    } catch (e) {
      if (e instanceof PlanSettingsError) problems.push({ key: e.setting ?? key, message: e.message });
      else if (e instanceof PlanInputError || e instanceof LabelSelectorError)
        problems.push({ key, message: e.message.split('\n')[0] ?? e.message });
      else throw e;
    }
  };
  attempt(undefined, () => planOptionsFromSettings(s));
  attempt(undefined, () => planDriverFromSettings(s));
  attempt('maxUnavailable', () => parseMaxUnavailable(s.maxUnavailable));
  s.workers.forEach((w) => attempt('workers', () => parseLabelSelector(w)));
  for (const id of s.ignoreCheck) {
    if (!isKnownCheck(id)) problems.push({ key: 'ignoreCheck', message: `${id}: no such check` });
    else if (!isWaivable(id)) problems.push({ key: 'ignoreCheck', message: `${id}: this check cannot be waived` });
  }
  return problems;
}
