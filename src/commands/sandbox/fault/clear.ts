import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { CliError } from '../../../cli/errors.js';
import { sandboxAccessFlags } from '../../../cli/flags/access.js';
import { SandboxAdminClient } from '../../../sandbox/index.js';

export default class SandboxFaultClear extends BaseCommand {
  static override summary = 'Clear one injected fault (by id) or all of them.';

  static override args = { id: Args.integer({ description: 'Fault id (default: all).' }) };

  static override flags = {
    ...sandboxAccessFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SandboxFaultClear);
    try {
      const r = await SandboxAdminClient.fromKubeconfig(flags.kubeconfig, flags.context).clearFaults(args.id);
      this.log(`${r.faults.length} fault(s) still active`);
    } catch (e) {
      throw new CliError((e as Error).message, 1, { cause: e });
    }
  }
}
