import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CliError } from '../../cli/errors.js';
import { EXIT, exitCodeHelp } from '../../cli/exit-codes.js';
import { approveStage, FleetInputError } from '../../fleet/apply/index.js';
import { FleetStateError } from '../../fleet/state/index.js';

export default class FleetApprove extends BaseCommand {
  static override summary = "Approve a stage's approval gates (recorded in the fleet state with who and when).";

  static override description = `Records an approval of stage NAME in <fleet-plan>.state.json (user@host and the time). A running
\`fleet apply\` that waits on the gate goes on; a paused one passes it when run again.

${exitCodeHelp([EXIT.OK, EXIT.INVALID_INPUT])}`;

  static override examples = ['<%= config.bin %> fleet approve plans/prod/fleet-plan.yaml --stage canary'];

  static override args = { fleetPlan: Args.string({ description: 'The fleet plan.', required: true }) };

  static override flags = { stage: Flags.string({ description: 'The stage to approve.', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(FleetApprove);
    try {
      const a = approveStage(args.fleetPlan, flags.stage);
      process.stdout.write(`approved stage ${a.stage} as ${a.by} at ${a.at}\n`);
    } catch (e) {
      if (e instanceof FleetInputError || e instanceof FleetStateError)
        throw new CliError(e.message, EXIT.INVALID_INPUT, { cause: e });
      throw e;
    }
  }
}
