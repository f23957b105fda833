import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { reportFlags } from '../cli/flags/report.js';
import { reportAfterRun } from '../cli/report/index.js';
import { confirmRollback } from '../cli/confirm.js';
import { CliError } from '../cli/errors.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { outcomeExitCode } from '../cli/outcome.js';
import { shownPath } from '../cli/paths.js';
import { accessFlags, accessFrom } from '../cli/flags/access.js';
import { runSettingsFlags, runSettingsFrom } from '../cli/flags/run-settings.js';
import { progressMode, renderRollbackWarning } from '../cli/render/index.js';
import { runWithProgress } from '../cli/run-with-progress.js';
import { pauseOnSignals } from '../cli/interrupt.js';
import { rollbackRun } from '../upgrade/rollback/index.js';
import type { RunSummary } from '../upgrade/run/index.js';

export default class Rollback extends BaseCommand {
  static override summary =
    'Undo a run of a plan: workers back to their versions, then etcd restored from the verified snapshot and the control plane taken back.';

  static override description = `Reads the run recorded next to the plan (<plan>.state.json) and undoes what it changed, in this order: the
workers the run upgraded go back to the versions they had (reverse order, the same drain discipline and window as
apply); then, if the run changed the control plane, the etcd snapshot taken just before it is verified and restored
on every etcd member (through the node driver's restore step), and the control-plane nodes are taken back to their
recorded versions, hop by hop; then postflight health.

EVERY WRITE TO THE CLUSTER AFTER THE SNAPSHOT IS LOST: objects created, changed or deleted since then (by people,
controllers and workloads) return to their state at the snapshot. Kubernetes has no supported control-plane
downgrade; this is the only way back. Asks for confirmation on a terminal (--yes otherwise). Resumable: run the same
command again after any stop. --json prints the run summary as one JSON document (the progress goes to stderr).
At the end it writes the run report, the rollback included (see report; --report-dir, --no-report).

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT, EXIT.PAUSED, EXIT.LOCKED])}`;

  static override examples = [
    '<%= config.bin %> rollback plans/prod-v1.31.4-to-v1.32.0.yaml',
    '<%= config.bin %> rollback plans/prod-v1.31.4-to-v1.32.0.yaml --yes --log-format json',
  ];

  static override args = {
    plan: Args.string({ description: 'The plan file whose run to undo.', required: true }),
  };

  static override enableJsonFlag = true;

  static override flags = { ...accessFlags, ...runSettingsFlags, ...reportFlags };

  async run(): Promise<RunSummary> {
    const { args, flags } = await this.parse(Rollback);
    const json = this.jsonEnabled();
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (!flags.yes && !interactive)
      throw new CliError(
        'rollback changes the cluster and loses every write after the etcd snapshot: pass --yes when not running on a terminal (nothing was changed)',
        EXIT.INVALID_INPUT,
      );
    // With --json, stdout holds only the result document; the progress goes to stderr.
    const stream = json ? 'stderr' : 'stdout';
    const color = process[stream].isTTY === true && !process.env.NO_COLOR;
    const mode = progressMode(flags['log-format'], process[stream].isTTY === true, process.env);
    const interrupt = pauseOnSignals('rollback', { announce: mode !== 'tty' });
    let summary: RunSummary;
    try {
      const limits = { 'wait-ready': flags['node-ready-timeout'] * 1000 };
      summary = await runWithProgress({ mode, color, stream, limits }, (sink) =>
        rollbackRun(
          {
            planPath: shownPath(args.plan),
            access: accessFrom(flags),
            confirm: async (info) => {
              process.stderr.write(`${renderRollbackWarning(info, { color: color && mode !== 'json' })}\n`);
              return flags.yes ? true : confirmRollback(info, process[stream]);
            },
            ...runSettingsFrom(flags),
            signal: interrupt.signal,
            abort: interrupt.abort,
          },
          sink,
        ),
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
    if (json) this.emitJson(summary);
    const code = outcomeExitCode(summary.outcome);
    if (code !== EXIT.OK) this.exit(code);
    return summary;
  }
}
