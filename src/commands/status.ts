import { Args, Flags } from '@oclif/core';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { CliError } from '../cli/errors.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { renderRunStatus, shellQuote } from '../cli/render/index.js';
import { DEFAULT_PLAN_DIR } from '../plan/index.js';
// The state file's module only: run/index.js would load the executor.
import { readStateFile, StateFileError, statePathFor } from '../upgrade/run/state-store.js';

const STATE_SUFFIX = '.state.json';

export default class Status extends BaseCommand {
  static override summary = 'Show where an upgrade run stands, from the state it saved next to its plan.';

  static override description = `Reads <plan>.state.json (written by apply after every step; it needs no cluster access): the run, its
status and attempts, each phase with its done/total nodes, the node in progress and its step, the nodes the run
cordoned, and why it stopped with the commands to run next. Without PLAN: the most recently updated run in
${DEFAULT_PLAN_DIR}/. -o json prints the run state document itself.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status plans/prod-v1.31.4-to-v1.32.0.yaml -o json'];

  static override args = {
    plan: Args.string({ description: `The plan file (or its .state.json); default: the latest run in ${DEFAULT_PLAN_DIR}/.`, required: false }),
  };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'Output: the human view, or the run state as json.', options: ['human', 'json'], default: 'human' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Status);
    const json = flags.output === 'json';
    let statePath: string;
    let planShown: string;
    if (args.plan !== undefined) {
      if (!existsSync(args.plan)) throw new CliError(`${args.plan} does not exist: give the plan file that apply ran (or its ${STATE_SUFFIX})`, EXIT.INVALID_INPUT);
      statePath = args.plan.endsWith(STATE_SUFFIX) ? args.plan : statePathFor(args.plan);
      planShown = args.plan.endsWith(STATE_SUFFIX) ? `${args.plan.slice(0, -STATE_SUFFIX.length)}.yaml` : args.plan;
    } else {
      const latest = latestStateFile(DEFAULT_PLAN_DIR);
      if (!latest) return this.noRun(`no run recorded in ${DEFAULT_PLAN_DIR}/; run k8s-upgrade apply <plan>`, json);
      statePath = latest;
      planShown = `${latest.slice(0, -STATE_SUFFIX.length)}.yaml`;
    }
    let state;
    try {
      state = readStateFile(statePath);
    } catch (e) {
      if (e instanceof StateFileError) throw new CliError(e.message, EXIT.INVALID_INPUT, { cause: e });
      throw toCliError(e);
    }
    if (!state) return this.noRun(`no run recorded for ${planShown}; run k8s-upgrade apply ${shellQuote(planShown)}`, json);
    if (json) process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    else process.stdout.write(renderRunStatus(state, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
  }

  /** Nothing to show is not an error: the message says what to run; `-o json` prints `null`. */
  private noRun(message: string, json: boolean): void {
    if (json) {
      process.stderr.write(`${message}\n`);
      process.stdout.write('null\n');
    } else process.stdout.write(`${message}\n`);
  }
}

/** The most recently modified `<dir>/*.state.json`, as a path relative to the working directory. */
function latestStateFile(dir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(STATE_SUFFIX) && !n.startsWith('.'));
  } catch {
    return undefined;
  }
  const dated = names.map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs })).sort((a, b) => b.mtime - a.mtime || a.path.localeCompare(b.path));
  const first = dated[0]?.path;
  return first === undefined ? undefined : relative(process.cwd(), resolve(first)) || first;
}
