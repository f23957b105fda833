import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CliError } from '../../cli/errors.js';
import { EXIT, exitCodeHelp } from '../../cli/exit-codes.js';
import { resetFailedClusters, FleetInputError } from '../../fleet/apply/index.js';
import { FleetStateError } from '../../fleet/state/index.js';

export default class FleetRetry extends BaseCommand {
  static override summary = 'Mark the failed clusters of a fleet run to be run again (history kept).';

  static override description = `Resets every Failed cluster in <fleet-plan>.state.json to NotStarted (its attempts and history are kept);
then run \`fleet apply\` again: only those clusters run (each resumes from its own run state).

${exitCodeHelp([EXIT.OK, EXIT.INVALID_INPUT])}`;

  static override examples = ['<%= config.bin %> fleet retry plans/prod/fleet-plan.yaml'];

  static override args = { fleetPlan: Args.string({ description: 'The fleet plan.', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(FleetRetry);
    try {
      const names = resetFailedClusters(args.fleetPlan);
      process.stdout.write(
        names.length
          ? `will retry ${names.join(', ')}: run ${this.config.bin} fleet apply ${args.fleetPlan}\n`
          : 'no failed clusters to retry\n',
      );
    } catch (e) {
      if (e instanceof FleetInputError || e instanceof FleetStateError)
        throw new CliError(e.message, EXIT.INVALID_INPUT, { cause: e });
      throw e;
    }
  }
}
