/**
 * The settings `apply` and `rollback` share (and `demo` for its apply): confirmation, progress output, node
 * timing and the ssh client's files, declared once; and apply's own (`applySettingsFlags`, shared with fleet
 * apply, and `applyRunFlags`, apply only). `runSettingsFrom`
 * turns them into the use cases' settings and driver options. Cluster access is `accessFlags` (access.ts).
 */
import { Flags } from '@oclif/core';

export const runSettingsFlags = {
  yes: Flags.boolean({
    char: 'y',
    description: 'Do not ask for confirmation (required when not on a terminal).',
    default: false,
  }),
  'log-format': Flags.option({
    description:
      'Progress output: auto (a live tree on a terminal, plain lines otherwise or with CI=true), plain, ' +
      'or json (one event per line).',
    options: ['auto', 'plain', 'json'] as const,
    default: 'auto',
  })(),
  'node-ready-timeout': Flags.integer({
    description: 'Seconds a node may take to be Ready at its new version after its driver finished.',
    default: 600,
    min: 1,
  }),
  'ssh-known-hosts': Flags.string({ description: "kubeadm-ssh driver: known_hosts file (default: ssh's own)." }),
  'ssh-identity': Flags.string({ description: "kubeadm-ssh driver: private key file, overriding the plan's." }),
  'eviction-retry-delay': Flags.integer({
    description: 'Seconds between retries of an eviction a PDB refused.',
    default: 5,
    min: 1,
    hidden: true,
  }),
};

/** `apply`'s own settings: what to do when a gate fails, the etcd snapshot waiver, driver retries. */
export const applySettingsFlags = {
  'auto-rollback': Flags.boolean({
    description:
      'When a health gate fails (or a node never becomes Ready), roll the run back at once (see ' +
      '`rollback`): exit 6 when that succeeds.',
    default: false,
  }),
  'skip-etcd-snapshot': Flags.boolean({
    description:
      'Change the control plane even though the plan takes no etcd snapshot (recorded in the run state; ' +
      'rollback then cannot restore the control plane).',
    default: false,
  }),
  'driver-retries': Flags.integer({
    description: 'Extra attempts of a failed node driver (kubeadm upgrade is idempotent).',
    default: 2,
    min: 0,
  }),
};

/** `apply`'s flags about one plan's run (not the fleet's): re-applying deliberately, where the etcd snapshot goes. */
export const applyRunFlags = {
  again: Flags.boolean({
    description:
      'Apply a plan whose run finished or was rolled back once more, as a new run (a new run id; the earlier ' +
      'run stays in the record). Without it, apply of a rolled-back plan stops with exit 2.',
    default: false,
  }),
  'etcd-snapshot-dir': Flags.string({
    description:
      "Durable folder for the etcd snapshot (shared or backed-up storage), instead of the plan's setting or " +
      '<plan>.etcd/ next to the plan on this machine (apply warns when the only copy is on the runner).',
  }),
};

/** What the use cases take from the run settings: node timing, and the ssh client's files. */
export function runSettingsFrom(flags: {
  'node-ready-timeout': number;
  'eviction-retry-delay': number;
  'ssh-known-hosts'?: string;
  'ssh-identity'?: string;
}): {
  settings: { nodeReadyTimeoutMs: number; evictionRetryDelayMs: number };
  driverOptions: { knownHostsFile?: string; identityFile?: string };
} {
  return {
    settings: {
      nodeReadyTimeoutMs: flags['node-ready-timeout'] * 1000,
      evictionRetryDelayMs: flags['eviction-retry-delay'] * 1000,
    },
    driverOptions: {
      ...(flags['ssh-known-hosts'] ? { knownHostsFile: flags['ssh-known-hosts'] } : {}),
      ...(flags['ssh-identity'] ? { identityFile: flags['ssh-identity'] } : {}),
    },
  };
}
