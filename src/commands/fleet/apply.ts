import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CliError } from '../../cli/errors.js';
import { EXIT, exitCodeHelp } from '../../cli/exit-codes.js';
import { toCliError } from '../../cli/error-mapping.js';
import { runSettingsFlags, applySettingsFlags, runSettingsFrom } from '../../cli/flags/run-settings.js';
import { pauseOnSignals } from '../../cli/interrupt.js';
import { createFleetProgressSink } from '../../cli/render/fleet-progress.js';
import { createFleetTree } from '../../cli/render/fleet-tree.js';
import { progressMode } from '../../cli/render/index.js';
import { applyFleet, FleetInputError, type FleetApplyResult } from '../../fleet/apply/index.js';
import { FleetStateError } from '../../fleet/state/index.js';

const FLEET_EXIT = { done: EXIT.OK, failed: EXIT.FAILED, paused: EXIT.PAUSED, locked: EXIT.LOCKED } as const;

export default class FleetApply extends BaseCommand {
  static override summary = 'Upgrade a fleet stage by stage: caps, failure budgets, windows, soaks, gates; resumable.';

  static override description = `Runs every cluster of the fleet plan with the same executor as apply (its own Lease, state file, ConfigMap
mirror and etcd snapshot), stage by stage: at most maxConcurrency clusters at once, failures counted against the
stage's failureBudget (past it no new cluster starts, running ones finish, then onFailure stop|pause|continue),
then the soak (re-checks; a regression is a failure) and the gates. A cluster outside its maintenance window
waits; without a terminal (or with --no-wait) the run pauses (exit 4) and says when the window opens. Approval
gates wait for \`fleet approve\` (or --auto-approve). The fleet state is <fleet-plan>.state.json; re-running after
any stop rebuilds each cluster's truth from the cluster itself, so nothing is upgraded twice. A plan file changed
since the fleet plan was made is refused (exit 3). First Ctrl-C: no new cluster starts and running clusters
pause at a safe point; second: quit.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT, EXIT.PAUSED, EXIT.LOCKED])}`;

  static override examples = [
    '<%= config.bin %> fleet apply plans/prod/fleet-plan.yaml --yes',
    'CI=true <%= config.bin %> fleet apply plans/prod/fleet-plan.yaml --yes --no-wait --log-format json',
  ];

  static override args = {
    fleetPlan: Args.string({ description: 'The fleet plan written by `fleet plan`.', required: true }),
  };

  static override enableJsonFlag = true;

  static override flags = {
    ...runSettingsFlags,
    ...applySettingsFlags,
    'auto-approve': Flags.boolean({
      description: 'Approve every approval gate (recorded with who and when).',
      default: false,
    }),
    'no-wait': Flags.boolean({
      description: 'Pause (exit 4) instead of waiting for a maintenance window or an approval.',
      default: false,
    }),
    'lease-kubeconfig': Flags.string({ description: 'Management cluster holding the fleet Lease (kube-system).' }),
    'lease-context': Flags.string({ description: 'Context in --lease-kubeconfig.' }),
  };

  async run(): Promise<FleetApplyResult['state']> {
    const { args, flags } = await this.parse(FleetApply);
    const json = this.jsonEnabled();
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (!flags.yes && !interactive)
      throw new CliError(
        'fleet apply changes clusters and needs confirmation: pass --yes when not running on a terminal (nothing was changed)',
        EXIT.INVALID_INPUT,
      );
    if (flags['auto-rollback'])
      throw new CliError('fleet apply does not take --auto-rollback yet (nothing was changed)', EXIT.INVALID_INPUT);
    const stream = json ? process.stderr : process.stdout;
    const color = stream.isTTY === true && !process.env.NO_COLOR;
    const mode = progressMode(flags['log-format'], stream.isTTY === true, process.env);
    const tree = mode === 'tty' ? createFleetTree({ out: stream, color }) : undefined;
    const sink =
      tree?.sink ??
      createFleetProgressSink({ json: mode === 'json', color, write: (line) => stream.write(`${line}\n`) });
    const { settings, driverOptions } = runSettingsFrom(flags);
    const interrupt = pauseOnSignals('fleet run', { announce: mode !== 'tty' });
    let result: FleetApplyResult;
    try {
      result = await applyFleet(
        {
          fleetPlanPath: args.fleetPlan,
          generator: `k8s-upgrade ${this.config.version}`,
          settings: {
            ...settings,
            driverRetries: flags['driver-retries'],
            skipEtcdSnapshot: flags['skip-etcd-snapshot'],
          },
          driverOptions,
          autoApprove: flags['auto-approve'],
          wait: interactive && !flags['no-wait'],
          signal: interrupt.signal,
          abort: interrupt.abort,
          ...(flags['lease-kubeconfig'] || flags['lease-context']
            ? { lease: { kubeconfig: flags['lease-kubeconfig'], context: flags['lease-context'] } }
            : {}),
        },
        sink,
      );
    } catch (e) {
      if (e instanceof FleetInputError || e instanceof FleetStateError)
        throw new CliError(e.message, EXIT.INVALID_INPUT, { cause: e });
      throw toCliError(e);
    } finally {
      interrupt.dispose();
      await tree?.close();
    }
    if (json) this.emitJson(result.state);
    else if (result.outcome === 'locked') process.stderr.write(`${result.message}\n`);
    const code = FLEET_EXIT[result.outcome];
    if (code !== EXIT.OK) this.exit(code);
    return result.state;
  }
}
