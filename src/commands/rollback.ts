import { Args } from '@oclif/core';
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
import { rollbackRun, type RollbackConfirmInfo } from '../upgrade/rollback/index.js';

export default class Rollback extends BaseCommand {
  static override summary = 'Undo a run of a plan: workers back to their versions, then etcd restored from the verified snapshot and the control plane taken back.';

  static override description = `Reads the run recorded next to the plan (<plan>.state.json) and undoes what it changed, in this order: the
workers the run upgraded go back to the versions they had (reverse order, the same drain discipline and window as
apply); then, if the run changed the control plane, the etcd snapshot taken just before it is verified and restored
on every etcd member (through the node driver's restore step), and the control-plane nodes are taken back to their
recorded versions, hop by hop; then postflight health.

EVERY WRITE TO THE CLUSTER AFTER THE SNAPSHOT IS LOST: objects created, changed or deleted since then (by people,
controllers and workloads) return to their state at the snapshot. Kubernetes has no supported control-plane
downgrade; this is the only way back. Asks for confirmation on a terminal (--yes otherwise). Resumable: run the same
command again after any stop.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT, EXIT.PAUSED, EXIT.LOCKED])}`;

  static override examples = ['<%= config.bin %> rollback plans/prod-v1.31.4-to-v1.32.0.yaml', '<%= config.bin %> rollback plans/prod-v1.31.4-to-v1.32.0.yaml --yes --log-format json'];

  static override args = {
    plan: Args.string({ description: 'The plan file whose run to undo.', required: true }),
  };

  static override flags = { ...runFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Rollback);
    const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
    if (!flags.yes && !interactive) throw new CliError('rollback changes the cluster and loses every write after the etcd snapshot: pass --yes when not running on a terminal (nothing was changed)', EXIT.INVALID_INPUT);
    const planPath = shownPath(args.plan);
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const mode = progressMode(flags['log-format'] as 'auto' | 'plain' | 'json', process.stdout.isTTY === true, process.env);
    const interrupt = pauseOnSignals('rollback');
    let code: number = EXIT.OK;
    try {
      const summary = await runWithProgress({ mode, color }, (sink) =>
        rollbackRun(
          {
            planPath,
            access: { kubeconfig: flags.kubeconfig, context: flags.context },
            confirm: async (info) => {
              process.stderr.write(`${renderRollbackWarning(info, { color: color && mode !== 'json' })}\n`);
              return flags.yes ? true : askConfirmation(info);
            },
            settings: { nodeReadyTimeoutMs: flags['node-ready-timeout'] * 1000, evictionRetryDelayMs: flags['eviction-retry-delay'] * 1000 },
            signal: interrupt.signal,
            driverOptions: driverOptionsFrom(flags),
          },
          sink,
        ),
      );
      code = outcomeExitCode(summary.outcome);
    } catch (e) {
      throw toCliError(e);
    } finally {
      interrupt.dispose();
    }
    if (code !== EXIT.OK) this.exit(code);
  }
}

async function askConfirmation(info: RollbackConfirmInfo): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`Roll back ${info.plan.cluster.context ?? info.plan.cluster.server}${info.snapshot ? ', losing every write after the snapshot' : ''}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
