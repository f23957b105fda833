/** The flags `apply` and `rollback` share: cluster access, confirmation, progress output, node timing and ssh client settings. */
import { Flags } from '@oclif/core';

export const runFlags = {
  kubeconfig: Flags.string({ description: 'Kubeconfig file (default: $KUBECONFIG merged, then ~/.kube/config, then in-cluster).' }),
  context: Flags.string({ description: 'Kubeconfig context (default: the current one).' }),
  yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation (required when not on a terminal).', default: false }),
  'log-format': Flags.string({ description: 'Progress output: auto (a live tree on a terminal, plain lines otherwise or with CI=true), plain, or json (one event per line).', options: ['auto', 'plain', 'json'], default: 'auto' }),
  'node-ready-timeout': Flags.integer({ description: 'Seconds a node may take to be Ready at its new version after its driver finished.', default: 600, min: 1 }),
  'ssh-known-hosts': Flags.string({ description: 'kubeadm-ssh driver: known_hosts file (default: ssh\'s own).' }),
  'ssh-identity': Flags.string({ description: 'kubeadm-ssh driver: private key file, overriding the plan\'s.' }),
  'eviction-retry-delay': Flags.integer({ description: 'Seconds between retries of an eviction a PDB refused.', default: 5, min: 1, hidden: true }),
};
