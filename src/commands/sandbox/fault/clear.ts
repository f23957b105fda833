import { Args } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { CliError } from '../../../cli/errors.js';
import { EXIT } from '../../../cli/exit-codes.js';
import { sandboxAccessFlags, sandboxContext } from '../../../cli/flags/access.js';
import { SandboxAdminClient, AdminError } from '../../../sandbox/index.js';

export default class SandboxFaultClear extends BaseCommand {
  static override summary = 'Clear one injected fault (by id) or all of them.';

  static override args = { id: Args.integer({ description: 'Fault id (default: all).' }) };

  static override flags = {
    ...sandboxAccessFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SandboxFaultClear);
    try {
      const r = await SandboxAdminClient.fromKubeconfig(flags.kubeconfig, sandboxContext(flags)).clearFaults(args.id);
      this.log(`${r.faults.length} fault(s) still active`);
    } catch (e) {
      const input = e instanceof AdminError && e.status === 400;
      throw new CliError((e as Error).message, input ? EXIT.INVALID_INPUT : EXIT.FAILED, { cause: e });
    }
  }
}
