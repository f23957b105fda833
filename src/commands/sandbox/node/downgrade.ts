import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { CliError } from '../../../cli/errors.js';
import { sandboxAccessFlags, sandboxContext } from '../../../cli/flags/access.js';
import { EXIT, exitCodeHelp } from '../../../cli/exit-codes.js';
import { SandboxAdminClient, AdminError } from '../../../sandbox/index.js';

export default class SandboxNodeDowngrade extends BaseCommand {
  static override summary =
    'Downgrade one sandbox node to an older version (the node side of a rollback through the exec driver).';

  static override description = `The inverse of \`sandbox node upgrade\`: on a control-plane node the static pods (etcd, kube-apiserver,
kube-controller-manager, kube-scheduler) are replaced by VERSION one by one, each briefly not Ready; on every node
the kubelet then restarts (NotReady for a while) and returns Ready at VERSION. Refused: a VERSION newer than the
node runs (use \`sandbox node upgrade\`), and more than one minor version down on a control-plane node. Counted
per machine (DOWNGRADES in \`sandbox machines\`). Restoring the cluster's data is \`sandbox node restore-etcd\`.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    '<%= config.bin %> sandbox node downgrade --kubeconfig .sandbox/kubeconfig blue-1 v1.31.4',
  ];

  static override args = {
    node: Args.string({ description: 'Node name.', required: true }),
    version: Args.string({ description: 'Version to go back to, e.g. v1.31.4.', required: true }),
  };

  static override flags = {
    ...sandboxAccessFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SandboxNodeDowngrade);
    try {
      const client = SandboxAdminClient.fromKubeconfig(flags.kubeconfig, sandboxContext(flags));
      const r = await client.downgrade(args.node, args.version);
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
