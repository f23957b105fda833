import { Args } from '@oclif/core';
import { resolve } from 'node:path';
import { BaseCommand } from '../../../cli/base-command.js';
import { CliError } from '../../../cli/errors.js';
import { sandboxAccessFlags, sandboxContext } from '../../../cli/flags/access.js';
import { EXIT, exitCodeHelp } from '../../../cli/exit-codes.js';
import { SandboxAdminClient, AdminError } from '../../../sandbox/index.js';

export default class SandboxNodeRestoreEtcd extends BaseCommand {
  static override summary =
    "Restore the sandbox's etcd from a snapshot, as the node side of a control-plane node (needs `sandbox up --etcd`).";

  static override description = `What an operator does on a kubeadm control plane: stop the kube-apiserver (the API answers 503 meanwhile and
every watch ends), stop etcd, \`etcdctl snapshot restore SNAPSHOT\` into a new data dir, start etcd there, and start
the apiserver again. Objects written after the snapshot are gone, deleted ones are back; resourceVersions keep
increasing, and a watch from before the restore gets 410 Expired, so clients re-list. The machines (installed
versions) are not rewound.

The sandbox has a single etcd member (on the first control-plane node). The first call of a restore session restores
it, whichever control-plane node it names; further calls with the same snapshot file for the other control-plane
nodes succeed without restoring again, and say so. Refused on a worker, without --etcd, and for a missing or invalid
snapshot.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    '<%= config.bin %> sandbox node restore-etcd --kubeconfig .sandbox/kubeconfig cp-1 /backups/etcd-before-upgrade.db',
  ];

  static override args = {
    node: Args.string({ description: 'Control-plane node name.', required: true }),
    snapshot: Args.string({ description: 'Snapshot file written by `etcdctl snapshot save`.', required: true }),
  };

  static override flags = {
    ...sandboxAccessFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SandboxNodeRestoreEtcd);
    try {
      const client = SandboxAdminClient.fromKubeconfig(flags.kubeconfig, sandboxContext(flags));
      const r = await client.restoreEtcd(args.node, resolve(args.snapshot));
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
