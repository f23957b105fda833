import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { EXIT, exitCodeHelp } from '../../cli/exit-codes.js';
import { toCliError } from '../../cli/error-mapping.js';
import { outputFlags } from '../../cli/flags/output.js';
import { shownPath } from '../../cli/paths.js';
import { renderFleetPlanTable } from '../../cli/render/fleet-plan-table.js';
import { readFleetFile } from '../../fleet/file/fleet-file-read.js';
import {
  DEFAULT_FLEET_PLAN_CONCURRENCY,
  planFleet,
  type FleetPlan,
  type FleetPlanResult,
} from '../../fleet/plan/index.js';

export default class FleetPlanCommand extends BaseCommand {
  static override summary = 'Plan every cluster of a fleet file, and write one fleet plan: stages → clusters → plans.';

  static override description = `Reads the fleet file (kind: Fleet), plans each cluster with the same checks and plan files as \`plan\`
(plans/<fleet>/<cluster>.yaml, or under --out), at most --concurrency at once, then writes the fleet plan
plans/<fleet>/fleet-plan.yaml (content-hashed, mode 0600) and prints one table. A cluster that is unreachable or
blocked is reported as such without stopping the others; it makes the exit code 2 unless --skip-blocked, which
leaves it out of the stages and records why. Clusters already at the target are recorded as skipped.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.BLOCKED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    '<%= config.bin %> fleet plan examples/fleet.yaml --to v1.32.0',
    '<%= config.bin %> fleet plan fleet.yaml --to v1.32.0 --skip-blocked --concurrency 16 -o json',
  ];

  static override enableJsonFlag = true;

  static override args = {
    fleet: Args.string({ description: 'The fleet file (kind: Fleet).', required: true }),
  };

  static override flags = {
    to: Flags.string({ description: 'Target Kubernetes version, full: vX.Y.Z.', required: true }),
    out: Flags.string({ description: 'Folder for the plan files and the fleet plan (default: plans/<fleet>).' }),
    concurrency: Flags.integer({
      description: 'Clusters planned at once.',
      min: 1,
      max: 256,
      default: DEFAULT_FLEET_PLAN_CONCURRENCY,
    }),
    'skip-blocked': Flags.boolean({
      description: 'Leave blocked and unreachable clusters out of the stages (recorded in `skipped`); exit 0.',
      default: false,
    }),
    ...outputFlags('the table of clusters'),
  };

  async run(): Promise<FleetPlan> {
    const { args, flags } = await this.parse(FleetPlanCommand);
    const format = this.outputFormat(flags.output);
    let result: FleetPlanResult;
    try {
      const loaded = readFleetFile(args.fleet);
      for (const w of loaded.warnings) process.stderr.write(`Warning: ${w.path}: ${w.message}\n`);
      const progress = process.stderr.isTTY === true && format === 'human';
      result = await planFleet({
        loaded,
        to: flags.to,
        outDir: flags.out,
        concurrency: flags.concurrency,
        skipBlocked: flags['skip-blocked'],
        generator: `k8s-upgrade ${this.config.version}`,
        now: () => new Date(),
        onCluster: progress
          ? (o, done, total) => process.stderr.write(`planned ${done}/${total}: ${o.name} (${o.status})\n`)
          : undefined,
      });
    } catch (e) {
      throw toCliError(e);
    }
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const shown = shownPath(result.path);
    this.emit(format, result.plan, {
      human: (p) =>
        renderFleetPlanTable(p, result.outcomes, { planPath: shown, color, skipBlocked: flags['skip-blocked'] }),
    });
    if (result.blocked && !flags['skip-blocked']) this.exit(EXIT.BLOCKED);
    return result.plan;
  }
}
