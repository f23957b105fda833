import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CliError } from '../../cli/errors.js';
import { EXIT, exitCodeHelp } from '../../cli/exit-codes.js';
import { outputFlags } from '../../cli/flags/output.js';
import { renderFleetStatus } from '../../cli/render/fleet-status.js';
import { fleetStatus, FleetInputError, type FleetStatusView } from '../../fleet/apply/index.js';
import { FleetStateError } from '../../fleet/state/index.js';
import { DEFAULT_PLAN_DIR } from '../../plan/index.js';

/** Without an argument: the one `plans/<fleet>/fleet-plan.yaml` there is. */
function defaultFleetPlan(): string {
  const found = existsSync(DEFAULT_PLAN_DIR)
    ? readdirSync(DEFAULT_PLAN_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(DEFAULT_PLAN_DIR, d.name, 'fleet-plan.yaml')))
        .map((d) => join(DEFAULT_PLAN_DIR, d.name, 'fleet-plan.yaml'))
    : [];
  if (found.length !== 1)
    throw new FleetInputError(
      found.length === 0
        ? `no fleet plan in ${DEFAULT_PLAN_DIR}/*/fleet-plan.yaml: name one (fleet status FLEET-PLAN)`
        : `several fleet plans (${found.join(', ')}): name one`,
    );
  return found[0]!;
}

export default class FleetStatus extends BaseCommand {
  static override summary = 'Show where a fleet run stands: stages, clusters, progress, soaks and windows.';

  static override description = `Reads <fleet-plan>.state.json (no cluster access): each stage with done/failed/total and when its soak ends,
each cluster's state, nodes done/total, the node and step in flight, what blocks it, when its window opens, the
approvals and a changed inventory. -o json prints the same as one document.

${exitCodeHelp([EXIT.OK, EXIT.INVALID_INPUT])}`;

  static override examples = ['<%= config.bin %> fleet status plans/prod/fleet-plan.yaml -o json'];

  static override args = {
    fleetPlan: Args.string({
      description: `The fleet plan (default: the one in ${DEFAULT_PLAN_DIR}/*/).`,
      required: false,
    }),
  };

  static override enableJsonFlag = true;

  static override flags = { ...outputFlags('where the fleet run stands') };

  async run(): Promise<FleetStatusView> {
    const { args, flags } = await this.parse(FleetStatus);
    const format = this.outputFormat(flags.output);
    let view: FleetStatusView;
    try {
      view = fleetStatus(args.fleetPlan ?? defaultFleetPlan());
    } catch (e) {
      if (e instanceof FleetInputError || e instanceof FleetStateError)
        throw new CliError(e.message, EXIT.INVALID_INPUT, { cause: e });
      throw e;
    }
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    return this.emit(format, view, { human: (v) => renderFleetStatus(v, { color }) });
  }
}
