import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { reportFlags } from '../cli/flags/report.js';
import { reportAfterRun } from '../cli/report/index.js';
import { confirmApply } from '../cli/confirm.js';
import { CliError } from '../cli/errors.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { accessFlags, accessFrom } from '../cli/flags/access.js';
import { applyRunFlags, applySettingsFlags, runSettingsFlags, runSettingsFrom } from '../cli/flags/run-settings.js';
import { applyExitCode } from '../cli/outcome.js';
import { shownPath } from '../cli/paths.js';
import { progressMode, renderRollbackWarning } from '../cli/render/index.js';
import { runWithProgress } from '../cli/run-with-progress.js';
import { pauseOnSignals } from '../cli/interrupt.js';
import { applyWithAutoRollback, type AutoRollbackApplyResult } from '../upgrade/auto-rollback/index.js';

export default class Apply extends BaseCommand {
  static override summary = 'Execute a plan: upgrade every node with zero downtime; resumable after any stop.';

  static override description = `Checks the plan (schema, content hash, same cluster), re-runs preflight (blockers stop unless the plan waived
them), takes the cluster lease (kube-system/k8s-upgrade), asks for confirmation (--yes when not on a terminal),
then upgrades the control plane one node at a time and the worker groups in a rolling window of maxUnavailable
nodes: cordon → drain through the Eviction API → node driver → wait Ready at the target → uncordon → health gate.
The run state is saved after every step next to the plan (<plan>.state.json, mirrored to a ConfigMap), and the
run log with every event and the node drivers' output goes to <plan>.log. Run the same command again to resume a
paused or interrupted run: every step reads the cluster first, so nothing is done twice. Without the local state
file (a fresh CI runner, another folder) the run is continued from the cluster's record of the plan (ConfigMap
kube-system/k8s-upgrade-run-<cluster>-<plan hash>). A plan whose run was rolled back stops with exit 2 and asks for
a new plan, or --again to apply it once more as a new run. --json prints the
run summary (and the rollback's, after --auto-rollback) as one JSON document; the progress then goes to stderr.
At the end of the run it writes the run report (see report; --report-dir, --no-report).

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.BLOCKED, EXIT.INVALID_INPUT, EXIT.PAUSED, EXIT.LOCKED, EXIT.ROLLED_BACK])}`;

  static override examples = [
    '<%= config.bin %> apply plans/prod-v1.31.4-to-v1.32.0.yaml',
    'CI=true <%= config.bin %> apply plans/prod-v1.31.4-to-v1.32.0.yaml --yes --log-format json',
  ];

  static override args = {
    plan: Args.string({ description: 'The plan file written by `k8s-upgrade plan`.', required: true }),
  };

  static override enableJsonFlag = true;

  static override flags = {
    ...accessFlags,
    ...runSettingsFlags,
    ...applySettingsFlags,
    ...reportFlags,
    ...applyRunFlags,
  };

  async run(): Promise<AutoRollbackApplyResult> {
    const { args, flags } = await this.parse(Apply);
    const json = this.jsonEnabled();
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (!flags.yes && !interactive)
      throw new CliError(
        'apply changes the cluster and needs confirmation: pass --yes when not running on a terminal (nothing was changed)',
        EXIT.INVALID_INPUT,
      );
    // With --json, stdout holds only the result document; the progress goes to stderr.
    const stream = json ? 'stderr' : 'stdout';
    const color = process[stream].isTTY === true && !process.env.NO_COLOR;
    const mode = progressMode(flags['log-format'], process[stream].isTTY === true, process.env);
    const { settings, driverOptions } = runSettingsFrom(flags);
    const interrupt = pauseOnSignals('upgrade', { announce: mode !== 'tty' });
    let result: AutoRollbackApplyResult;
    try {
      result = await applyWithAutoRollback(
        {
          planPath: shownPath(args.plan),
          access: accessFrom(flags),
          generator: `k8s-upgrade ${this.config.version}`,
          confirm: (info) => (flags.yes ? Promise.resolve(true) : confirmApply(info, process[stream])),
          settings: {
            ...settings,
            driverRetries: flags['driver-retries'],
            skipEtcdSnapshot: flags['skip-etcd-snapshot'],
            ...(flags['etcd-snapshot-dir'] ? { etcdSnapshotDir: shownPath(flags['etcd-snapshot-dir']) } : {}),
          },
          again: flags.again,
          signal: interrupt.signal,
          abort: interrupt.abort,
          driverOptions,
          autoRollback: flags['auto-rollback'],
          onRollback: (info) => {
            process.stderr.write(`${renderRollbackWarning(info, { color: color && mode !== 'json' })}\n`);
          },
        },
        (run, execute) => {
          if (run === 'rollback' && mode !== 'json') {
            process[stream].write('\nA health gate failed and --auto-rollback was given: rolling back.\n');
          }
          return runWithProgress(
            { mode, color, stream, limits: { 'wait-ready': settings.nodeReadyTimeoutMs } },
            execute,
          );
        },
      );
    } catch (e) {
      throw toCliError(e);
    } finally {
      interrupt.dispose();
    }
    const reportLines = reportAfterRun(shownPath(args.plan), flags, {
      generator: `k8s-upgrade ${this.config.version}`,
      env: process.env,
    });
    // Beside JSON events (or the --json document) on stdout, the report's paths go to stderr.
    const reportStream = json || mode === 'json' ? process.stderr : process[stream];
    for (const line of reportLines) reportStream.write(`${line}\n`);
    if (json) this.emitJson(result);
    const code = applyExitCode(result);
    if (code !== EXIT.OK) this.exit(code);
    return result;
  }
}
