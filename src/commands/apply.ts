import { Args, Flags } from '@oclif/core';
import { createInterface } from 'node:readline/promises';
import { BaseCommand } from '../cli/base-command.js';
import { CliError } from '../cli/errors.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { outcomeExitCode } from '../cli/outcome.js';
import { shownPath } from '../cli/paths.js';
import { progressMode, renderRollbackWarning } from '../cli/render/index.js';
import { driverOptionsFrom, runWithProgress } from '../cli/run-with-progress.js';
import { runFlags } from '../cli/run-flags.js';
import { pauseOnSignals } from '../cli/interrupt.js';
import { applyPlan, type ConfirmInfo } from '../upgrade/apply/index.js';
import { rollbackRun } from '../upgrade/rollback/index.js';

export default class Apply extends BaseCommand {
  static override summary = 'Execute a plan: upgrade every node with zero downtime; resumable after any stop.';

  static override description = `Checks the plan (schema, content hash, same cluster), re-runs preflight (blockers stop unless the plan waived
them), takes the cluster lease (kube-system/k8s-upgrade), asks for confirmation (--yes when not on a terminal),
then upgrades the control plane one node at a time and the worker groups in a rolling window of maxUnavailable
nodes: cordon → drain through the Eviction API → node driver → wait Ready at the target → uncordon → health gate.
The run state is saved after every step next to the plan (<plan>.state.json, mirrored to a ConfigMap), and the
run log with every event and the node drivers' output goes to <plan>.log. Run the same command again to resume a
paused or interrupted run: every step reads the cluster first, so nothing is done twice.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.BLOCKED, EXIT.INVALID_INPUT, EXIT.PAUSED, EXIT.LOCKED, EXIT.ROLLED_BACK])}`;

  static override examples = [
    '<%= config.bin %> apply plans/prod-v1.31.4-to-v1.32.0.yaml',
    'CI=true <%= config.bin %> apply plans/prod-v1.31.4-to-v1.32.0.yaml --yes --log-format json',
  ];

  static override args = {
    plan: Args.string({ description: 'The plan file written by `k8s-upgrade plan`.', required: true }),
  };

  static override flags = {
    ...runFlags,
    'auto-rollback': Flags.boolean({ description: 'When a health gate fails (or a node never becomes Ready), roll the run back at once (see `rollback`): exit 6 when that succeeds.', default: false }),
    'skip-etcd-snapshot': Flags.boolean({ description: 'Change the control plane even though the plan takes no etcd snapshot (recorded in the run state; rollback then cannot restore the control plane).', default: false }),
    'driver-retries': Flags.integer({ description: 'Extra attempts of a failed node driver (kubeadm upgrade is idempotent).', default: 2, min: 0 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Apply);
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (!flags.yes && !interactive) throw new CliError('apply changes the cluster and needs confirmation: pass --yes when not running on a terminal (nothing was changed)', EXIT.INVALID_INPUT);
    const planPath = shownPath(args.plan);
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const mode = progressMode(flags['log-format'] as 'auto' | 'plain' | 'json', process.stdout.isTTY === true, process.env);
    const interrupt = pauseOnSignals('upgrade');
    let code: number = EXIT.OK;
    try {
      const summary = await runWithProgress({ mode, color }, (sink) =>
        applyPlan(
          {
            planPath,
            access: { kubeconfig: flags.kubeconfig, context: flags.context },
            generator: `k8s-upgrade ${this.config.version}`,
            confirm: (info) => (flags.yes ? Promise.resolve(true) : askConfirmation(info)),
            settings: { nodeReadyTimeoutMs: flags['node-ready-timeout'] * 1000, evictionRetryDelayMs: flags['eviction-retry-delay'] * 1000, driverRetries: flags['driver-retries'], skipEtcdSnapshot: flags['skip-etcd-snapshot'] },
            signal: interrupt.signal,
            driverOptions: driverOptionsFrom(flags),
          },
          sink,
        ),
      );
      code = outcomeExitCode(summary.outcome);
      const gateFailed = summary.stoppedBy?.step === 'health-gate' || summary.stoppedBy?.step === 'wait-ready';
      if (flags['auto-rollback'] && gateFailed && !interrupt.signal.aborted) code = await this.autoRollback(planPath, flags, mode, color, interrupt.signal);
    } catch (e) {
      throw toCliError(e);
    } finally {
      interrupt.dispose();
    }
    if (code !== EXIT.OK) this.exit(code);
  }

  /** `--auto-rollback`: the operator already said yes to undoing the run if a gate failed. */
  private async autoRollback(planPath: string, flags: ApplyFlags, mode: ReturnType<typeof progressMode>, color: boolean, signal: AbortSignal): Promise<number> {
    process.stdout.write(mode === 'json' ? '' : `\nA health gate failed and --auto-rollback was given: rolling back.\n`);
    try {
      const summary = await runWithProgress({ mode, color }, (sink) =>
        rollbackRun(
          {
            planPath,
            access: { kubeconfig: flags.kubeconfig, context: flags.context },
            confirm: async (info) => {
              process.stderr.write(`${renderRollbackWarning(info, { color: color && mode !== 'json' })}\n`);
              return true;
            },
            settings: { nodeReadyTimeoutMs: flags['node-ready-timeout'] * 1000, evictionRetryDelayMs: flags['eviction-retry-delay'] * 1000 },
            signal,
            driverOptions: driverOptionsFrom(flags),
          },
          sink,
        ),
      );
      return summary.outcome === 'done' ? EXIT.ROLLED_BACK : outcomeExitCode(summary.outcome);
    } catch (e) {
      throw toCliError(e);
    }
  }
}

type ApplyFlags = { kubeconfig?: string; context?: string; 'node-ready-timeout': number; 'eviction-retry-delay': number; 'ssh-known-hosts'?: string; 'ssh-identity'?: string };

async function askConfirmation(info: ConfirmInfo): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const what = info.resumed ? `Resume the upgrade of ${info.plan.cluster.context ?? info.plan.cluster.server}` : `Upgrade ${info.plan.cluster.context ?? info.plan.cluster.server}`;
    const warn = info.warnings ? ` (${info.warnings} warning${info.warnings === 1 ? '' : 's'} in preflight)` : '';
    const answer = await rl.question(`${what} from ${info.plan.from} to ${info.plan.to}: ${info.remaining} node step(s) to go${warn}. Continue? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
