import { BaseCommand } from '../../cli/base-command.js';
import { CliError } from '../../cli/errors.js';
import { EXIT, exitCodeHelp } from '../../cli/exit-codes.js';
import { sandboxAccessFlags, sandboxContext } from '../../cli/flags/access.js';
import { wideOutputFlags } from '../../cli/flags/output.js';
import { renderMachineTable } from '../../cli/render/machine-table.js';
import { SandboxAdminClient, AdminError } from '../../sandbox/index.js';

export default class SandboxMachines extends BaseCommand {
  static override summary =
    'List the sandbox machines: installed versions, kubelet state, upgrade and downgrade counts.';

  static override description = `-o wide adds each machine's address and the upgrade commands it received;
-o json|yaml (or --json) prints what the sandbox's admin API reports: its version and every machine.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override enableJsonFlag = true;

  static override flags = {
    ...sandboxAccessFlags,
    ...wideOutputFlags('a table of the machines'),
  };

  async run(): Promise<Awaited<ReturnType<SandboxAdminClient['machines']>>> {
    const { flags } = await this.parse(SandboxMachines);
    const format = this.outputFormat(flags.output);
    let data;
    try {
      data = await SandboxAdminClient.fromKubeconfig(flags.kubeconfig, sandboxContext(flags)).machines();
    } catch (e) {
      const input = e instanceof AdminError && e.status === 400;
      throw new CliError((e as Error).message, input ? EXIT.INVALID_INPUT : EXIT.FAILED, { cause: e });
    }
    return this.emit(format, data, {
      human: (d) => renderMachineTable(d.machines),
      wide: (d) => renderMachineTable(d.machines, { wide: true }),
    });
  }
}
