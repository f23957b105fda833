/**
 * Every `plan` flag, declared once: the version and worker groups, drain and health-gate settings, the etcd
 * snapshot, the node driver, and where the plan file goes. Their types are what oclif infers (`PlanSettings`);
 * their defaults (`PLAN_SETTING_DEFAULTS`) are read from the same declarations, so `demo` plans with exactly
 * what `plan` defaults to; they are the plan settings' defaults (`src/upgrade/plan/plan-settings.ts`), which the
 * fleet file shares. `planRequestFrom` turns parsed settings into the plan use case's request, through the same
 * translation the fleet uses.
 */
import { Flags, type Interfaces } from '@oclif/core';
import { DEFAULT_PLAN_DIR, parseTargetVersion } from '../../plan/index.js';
import { loadAccess, type AccessOptions } from '../../cluster/index.js';
import type { PlanRequest } from '../../upgrade/plan/index.js';
import { DEFAULT_PLAN_SETTINGS as D, planRequestFromSettings } from '../../upgrade/plan/plan-settings.js';
import { asFlagInput, flagName, settingsFromFlags } from './plan-options.js';

export const planSettingsFlags = {
  to: Flags.string({ description: 'Target Kubernetes version, full: vX.Y.Z.', required: true }),
  workers: Flags.string({
    description: 'Worker group label selector, in order (repeatable): pool=blue, "tier in (a,b)", !gpu.',
    multiple: true,
    default: [],
  }),
  'strict-groups': Flags.boolean({
    description: 'Refuse workers that match no --workers selector (default: a last implicit group).',
    default: D.strictGroups,
  }),
  'max-unavailable': Flags.string({
    description: 'Nodes per group upgraded at once: N or N%.',
    default: String(D.maxUnavailable),
  }),
  canary: Flags.integer({ description: 'Make the very first worker batch exactly N nodes.', min: 1 }),
  strategy: Flags.option({
    description: 'rolling: a new node starts as soon as one finishes; batch: fixed batches.',
    options: ['rolling', 'batch'] as const,
    default: D.strategy,
  })(),
  'ignore-check': Flags.string({
    description: 'Waive a waivable check by id (repeatable; recorded in the plan).',
    multiple: true,
    default: [],
  }),
  manifests: Flags.string({
    description: 'Directory of manifests (recursive, multi-document YAML) to scan for removed APIs.',
  }),
  'delete-emptydir-data': Flags.boolean({
    description: 'Allow evicting pods with emptyDir volumes (their data is lost).',
    default: D.deleteEmptydirData,
  }),
  force: Flags.boolean({
    description: 'Allow deleting pods that have no controller (they are not recreated).',
    default: D.force,
  }),
  'drain-timeout': Flags.integer({ description: 'Seconds a node may take to drain.', default: D.drainTimeout }),
  'disable-eviction-after': Flags.integer({
    description:
      'Seconds after which a pod the Eviction API keeps refusing is deleted anyway (bypasses its PDB). ' +
      'Off by default.',
  }),
  'gate-timeout': Flags.integer({ description: 'Seconds a health gate may take.', default: D.gateTimeout }),
  soak: Flags.integer({ description: 'Seconds to wait after each node before the next health gate.', default: D.soak }),
  'gate-url': Flags.string({
    description: 'Custom health gate: an HTTP(S) URL that must answer 2xx (repeatable).',
    multiple: true,
    default: [],
  }),
  'gate-command': Flags.string({
    description:
      'Custom health gate: a command as a JSON argv array, run without a shell, that must exit 0 ' + '(repeatable).',
    multiple: true,
    default: [],
  }),
  driver: Flags.option({ description: 'Node driver.', options: ['exec', 'kubeadm-ssh'] as const, default: D.driver })(),
  'exec-downgrade-command': Flags.string({
    description: 'exec driver, for rollback: argv template (JSON array) that takes a node back to {version}.',
  }),
  'exec-restore-etcd-command': Flags.string({
    description:
      'exec driver, for rollback: argv template (JSON array) that restores the etcd snapshot on a ' +
      'control-plane node: {node} {address} {snapshot}.',
  }),
  'etcd-snapshot': Flags.option({
    description:
      'Take a verified etcd snapshot before the control plane: none, local (etcdctl here) or ssh (etcdctl ' +
      'on a control-plane node, copied back).',
    options: ['none', 'local', 'ssh'] as const,
    default: D.etcdSnapshot,
  })(),
  'etcd-snapshot-per-hop': Flags.boolean({
    description: 'A snapshot before every control-plane hop, not only the first.',
    default: D.etcdSnapshotPerHop,
  }),
  'etcd-endpoints': Flags.string({
    description:
      'etcd client URLs, comma-separated (local: as reached from here; ssh: from the node, default ' +
      'https://127.0.0.1:2379).',
  }),
  'etcd-cacert': Flags.string({
    description: "etcd CA file path (ssh default: kubeadm's /etc/kubernetes/pki/etcd/ca.crt).",
  }),
  'etcd-cert': Flags.string({
    description: "etcd client certificate path (ssh default: kubeadm's healthcheck-client.crt).",
  }),
  'etcd-key': Flags.string({ description: 'etcd client key path — recorded as a path, never its content.' }),
  'etcd-node': Flags.string({
    description: 'ssh mode: the control-plane node that takes the snapshot (default: the first of the hop).',
  }),
  'exec-command': Flags.string({
    description:
      'exec driver: argv template as a JSON array, placeholders {node} {address} {version} {role} ' +
      '{first}. Never run through a shell.',
  }),
  'ssh-user': Flags.string({ description: 'kubeadm-ssh: remote user.', default: D.sshUser }),
  'ssh-port': Flags.integer({ description: 'kubeadm-ssh: port.', default: D.sshPort }),
  'ssh-identity': Flags.string({
    description: 'kubeadm-ssh: private key file (its path is recorded, never its content).',
  }),
  'ssh-jump-host': Flags.string({ description: 'kubeadm-ssh: jump host (ssh -J).' }),
  'ssh-address-label': Flags.string({
    description: 'kubeadm-ssh: take the address from this node label instead of InternalIP.',
  }),
  'ssh-accept-new-host-keys': Flags.boolean({
    description: 'kubeadm-ssh: accept unknown host keys (StrictHostKeyChecking=accept-new).',
    default: D.sshAcceptNewHostKeys,
  }),
  'package-manager': Flags.option({
    description: 'kubeadm-ssh: apt or yum.',
    options: ['apt', 'yum'] as const,
    default: D.packageManager,
  })(),
  out: Flags.string({ description: `Plan file path (default: ${DEFAULT_PLAN_DIR}/<cluster>-<from>-to-<to>.yaml).` }),
};

/** The parsed `plan` settings, as oclif infers them from the declarations above. */
export type PlanSettings = Interfaces.InferredFlags<typeof planSettingsFlags>;

/** The settings that have a default: every one but the target version and the optional ones. */
type DefaultedKey = { [K in keyof PlanSettings]-?: undefined extends PlanSettings[K] ? never : K }[keyof PlanSettings];
export type PlanSettingDefaults = Pick<PlanSettings, Exclude<DefaultedKey, 'to'>>;

/** Settings as the builders take them: parsed flags, or the defaults plus a target and what the caller sets. */
export type PlanSettingValues = PlanSettingDefaults & { to: string } & Partial<Pick<PlanSettings, OptionalKey>>;
type OptionalKey = Exclude<keyof PlanSettings, DefaultedKey>;

/** The default of every `plan` setting that has one, read from the flag declarations (never copied). */
export const PLAN_SETTING_DEFAULTS: PlanSettingDefaults = Object.freeze(
  Object.fromEntries(
    Object.entries(planSettingsFlags)
      .filter(([, flag]) => 'default' in flag && flag.default !== undefined && typeof flag.default !== 'function')
      .map(([name, flag]) => [name, (flag as { default: unknown }).default]),
  ),
) as PlanSettingDefaults;

/** The plan use case's request from parsed settings: options and driver validated (invalid input: CliError exit 3). */
export function planRequestFrom(
  f: PlanSettingValues,
  ctx: { access: AccessOptions; generator: string; now: Date },
): PlanRequest {
  return asFlagInput(() => planRequestFromSettings(settingsFromFlags(f), { ...ctx, to: f.to }, flagName));
}

/**
 * What `plan` checks before its settings: the target (--to) and that the cluster can be reached as asked
 * (--kubeconfig, --context), so a wrong version or context is named before a missing driver setting.
 */
export function checkPlanTarget(to: string, access: AccessOptions): void {
  parseTargetVersion(to);
  loadAccess(access);
}
