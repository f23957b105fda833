import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { CliError } from '../../../cli/errors.js';
import { sandboxAccessFlags, sandboxContext } from '../../../cli/flags/access.js';
import { EXIT, exitCodeHelp } from '../../../cli/exit-codes.js';
import { SandboxAdminClient, AdminError } from '../../../sandbox/index.js';

export default class SandboxNodeUpgrade extends BaseCommand {
  static override summary =
    'Upgrade one sandbox node the way kubeadm and a kubelet restart would (the node side of the exec driver).';

  static override description = `On a control-plane node the static pods (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) are
replaced one by one, each briefly not Ready; on every node the kubelet then restarts (NotReady for a while) and
returns Ready at VERSION. Refused like kubeadm: a downgrade, skipping a minor on a control-plane node, or a
worker newer than the control plane. Returns when the kubeadm part is done; the kubelet restart continues.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override examples = ['<%= config.bin %> sandbox node upgrade --kubeconfig .sandbox/kubeconfig cp-1 v1.32.0'];

  static override args = {
    node: Args.string({ description: 'Node name.', required: true }),
    version: Args.string({ description: 'Target version, e.g. v1.32.0.', required: true }),
  };

  static override flags = {
    ...sandboxAccessFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SandboxNodeUpgrade);
    try {
      const client = SandboxAdminClient.fromKubeconfig(flags.kubeconfig, sandboxContext(flags));
      const r = await client.upgrade(args.node, args.version);
      this.log(r.message);
    } catch (e) {
      if (e instanceof AdminError) {
        const code = e.status === 422 || e.status === 404 || e.status === 400 ? EXIT.INVALID_INPUT : EXIT.FAILED;
        throw new CliError(e.message, code, { cause: e });
      }
      throw e;
    }
  }
}
