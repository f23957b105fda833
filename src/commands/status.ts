import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { CliError } from '../cli/errors.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { accessFlags, accessFrom } from '../cli/flags/access.js';
import { outputFlags } from '../cli/flags/output.js';
import { renderNoRun, renderRunList, renderRunStatus } from '../cli/render/index.js';
import { DEFAULT_PLAN_DIR } from '../plan/index.js';
import type { RunRecord } from '../upgrade/run/index.js';
import type { RunState } from '../upgrade/run/run-state-types.js';
import { findRun, listClusterRuns, readClusterRun, type RunLookup } from '../upgrade/status/index.js';

export default class Status extends BaseCommand {
  static override summary =
    'Show where an upgrade run stands, from the state saved next to its plan or in the cluster.';

  static override description = `Reads <plan>.state.json (written by apply after every step): the run, its status and attempts, each phase
with its done/total nodes, the node in progress and its step, the nodes the run cordoned, whether it was rolled
back, the earlier runs of the plan, and why it stopped with the commands to run next. When there is no local
state (another machine, a fresh CI runner), the run the cluster records for the plan is read instead (its
ConfigMap mirror, through --kubeconfig/--context or the default kubeconfig). Without PLAN: the most recently
updated run in ${DEFAULT_PLAN_DIR}/; with --kubeconfig or --context and no PLAN: every run recorded in that cluster.
-o json|yaml (or --json) prints the run state document itself (null when none is recorded; the list of records
for a cluster).

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status plans/prod-v1.31.4-to-v1.32.0.yaml -o json',
    '<%= config.bin %> status --context prod   # every run recorded in the cluster',
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

  async run(): Promise<RunState | RunRecord[] | null> {
    const { args, flags } = await this.parse(Status);
    const format = this.outputFormat(flags.output);
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const access = accessFrom(flags);
    const named = flags.kubeconfig !== undefined || flags.context !== undefined;
    if (args.plan === undefined && named) {
      let runs: RunRecord[];
      try {
        runs = await listClusterRuns(access);
      } catch (e) {
        throw toCliError(e);
      }
      return this.emit(format, runs, { human: (r) => renderRunList(r, { color }) });
    }
    let found: RunLookup;
    let state: RunState | undefined;
    try {
      found = findRun(args.plan);
      state = found.state;
      if (!state && found.plan !== undefined && !args.plan?.endsWith('.state.json'))
        state = await this.fromCluster(found.plan, access, named);
    } catch (e) {
      throw toCliError(e);
    }
    // Nothing recorded is not an error: the message says what to run; machine output is `null`.
    if (!state && format !== 'human') process.stderr.write(renderNoRun(found));
    return this.emit(format, state ?? null, {
      human: (s) => (s ? renderRunStatus(s, { color }) : renderNoRun(found)),
    });
  }

  /** The cluster's record of the plan; with the default kubeconfig, an unreachable cluster is only a note. */
  private async fromCluster(
    plan: string,
    access: ReturnType<typeof accessFrom>,
    named: boolean,
  ): Promise<RunState | undefined> {
    try {
      return await readClusterRun(plan, access);
    } catch (e) {
      if (named) throw e instanceof CliError ? e : toCliError(e);
      process.stderr.write(
        `no local run state, and the cluster's record could not be read (${(e as Error).message}); pass --kubeconfig/--context to read it\n`,
      );
      return undefined;
    }
  }
}
