/**
 * How a command reaches a cluster: `--kubeconfig` and `--context`, declared once. `accessFlags` is for the
 * commands that read a real cluster (plan, apply, rollback, status), with kubectl's defaults; `sandboxAccessFlags`
 * is the same pair for the sandbox's admin commands, where the kubeconfig is the one `sandbox up` wrote and is
 * required (from --kubeconfig or $KUBECONFIG), and `--cluster NAME` picks one cluster of a sandbox fleet.
 */
import { Flags } from '@oclif/core';
import type { AccessOptions } from '../../cluster/index.js';

const HELP_GROUP = 'ACCESS';

const context = Flags.string({ description: 'Kubeconfig context (default: the current one).', helpGroup: HELP_GROUP });

export const accessFlags = {
  kubeconfig: Flags.string({
    description: 'Kubeconfig file (default: $KUBECONFIG merged, then ~/.kube/config, then in-cluster).',
    helpGroup: HELP_GROUP,
  }),
  context,
};

export const sandboxAccessFlags = {
  kubeconfig: Flags.string({
    description: 'The kubeconfig `sandbox up` wrote.',
    env: 'KUBECONFIG',
    required: true,
    helpGroup: HELP_GROUP,
  }),
  context,
  cluster: Flags.string({
    description: 'One cluster of a sandbox fleet (`sandbox up --clusters N`): its context sandbox-NAME.',
    helpGroup: HELP_GROUP,
    exclusive: ['context'],
  }),
};

/** The kubeconfig context a sandbox admin command uses: --context, or sandbox-NAME for --cluster NAME. */
export function sandboxContext(flags: { context?: string; cluster?: string }): string | undefined {
  return flags.cluster === undefined ? flags.context : `sandbox-${flags.cluster}`;
}

/** The access options of the cluster/ port from the parsed access flags. */
export function accessFrom(flags: { kubeconfig?: string; context?: string }): AccessOptions {
  return { kubeconfig: flags.kubeconfig, context: flags.context };
}
