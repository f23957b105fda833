import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { accessFlags } from '../cli/flags/access.js';
import { outputFlags } from '../cli/flags/output.js';
import { renderNoRun, renderRunStatus } from '../cli/render/index.js';
import { DEFAULT_PLAN_DIR } from '../plan/index.js';
import type { RunState } from '../upgrade/run/run-state-types.js';
import { findRun, type RunLookup } from '../upgrade/status/index.js';

export default class Status extends BaseCommand {
  static override summary = 'Show where an upgrade run stands, from the state it saved next to its plan.';

  static override description = `Reads <plan>.state.json (written by apply after every step; it needs no cluster access): the run, its
status and attempts, each phase with its done/total nodes, the node in progress and its step, the nodes the run
cordoned, and why it stopped with the commands to run next. Without PLAN: the most recently updated run in
${DEFAULT_PLAN_DIR}/. -o json|yaml (or --json) prints the run state document itself (null when none is recorded).
--kubeconfig/--context are accepted for the cluster the run state is mirrored to; today the local file is read.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status plans/prod-v1.31.4-to-v1.32.0.yaml -o json',
  ];

  static override args = {
    plan: Args.string({
      description: `The plan file (or its .state.json); default: the latest run in ${DEFAULT_PLAN_DIR}/.`,
      required: false,
    }),
  };

  static override enableJsonFlag = true;

  static override flags = {
    ...accessFlags,
    ...outputFlags('where the run stands'),
  };

  async run(): Promise<RunState | null> {
    const { args, flags } = await this.parse(Status);
    const format = this.outputFormat(flags.output);
    let found: RunLookup;
    try {
      found = findRun(args.plan);
    } catch (e) {
      throw toCliError(e);
    }
    // Nothing recorded is not an error: the message says what to run; machine output is `null`.
    if (!found.state && format !== 'human') process.stderr.write(renderNoRun(found));
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    return this.emit(format, found.state ?? null, {
      human: (state) => (state ? renderRunStatus(state, { color }) : renderNoRun(found)),
    });
  }
}
