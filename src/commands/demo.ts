import { Flags } from '@oclif/core';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { CliError } from '../cli/errors.js';
import { outcomeExitCode } from '../cli/outcome.js';
import { PLAN_SETTING_DEFAULTS, planRequestFrom } from '../cli/flags/plan-settings.js';
import { runSettingsFlags } from '../cli/flags/run-settings.js';
import { progressMode, renderPlanSummary } from '../cli/render/index.js';
import { runWithProgress } from '../cli/run-with-progress.js';
import { applyPlan } from '../upgrade/apply/index.js';
import { isWaivable, planUpgrade } from '../upgrade/plan/index.js';
import { isReady, type WithConditions } from '../kube/index.js';
import { sleepResolvingOnAbort } from '../drain/sleep.js';
import { writePlanFile } from '../upgrade/plan/write-plan-file.js';
import { remediateDemo, startSandbox } from '../sandbox/index.js';

export default class Demo extends BaseCommand {
  static override summary =
    'The whole story on a built-in sandbox cluster: plan, fix what it finds, plan again, apply with live progress.';

  static override description = `Starts the built-in sandbox (3 control-plane nodes, pools blue and green, demo applications carrying the traps
operators meet), waits for its workloads, and runs \`k8s-upgrade plan\` against it through its kubeconfig, exactly
as against a real cluster. Then it fixes what the plan found as an operator would, plans again, and applies the
plan: the control plane one node at a time, then each pool in a rolling window, with live progress. Plans, run
state and run log go to .sandbox/demo-plans/. With --keep the sandbox stays up afterwards for kubectl.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.PAUSED])}`;

  static override flags = {
    to: Flags.string({ description: 'Target version.', default: 'v1.32.0' }),
    keep: Flags.boolean({ description: 'Keep the sandbox running at the end (Ctrl-C to stop).', default: false }),
    apply: Flags.boolean({
      description: 'Go on from the first plan to the fix, the second plan and the apply (--no-apply: plan only).',
      default: true,
      allowNo: true,
    }),
    'time-scale': Flags.string({
      description: 'Sandbox speed: multiplies every simulated delay (0.2 = five times faster than life).',
      default: '0.2',
    }),
    'log-format': runSettingsFlags['log-format'],
    kubeconfig: Flags.string({
      description: 'Where the sandbox kubeconfig is written.',
      default: '.sandbox/demo.kubeconfig',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Demo);
    const kubeconfigPath = resolve(flags.kubeconfig);
    const workDir = resolve(dirname(kubeconfigPath), 'demo-plans');
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    this.log('Starting the sandbox cluster (Kubernetes v1.31.4, 3 control-plane nodes, pools blue=3 and green=3)…');
    const withEtcd = onPath('etcd') && onPath('etcdctl');
    const sandbox = await startSandbox({
      kubeconfigPath,
      version: 'v1.31.4',
      timeScale: timeScale(flags['time-scale']),
      etcd: withEtcd,
    });
    const etcdFlags = withEtcd
      ? { 'etcd-snapshot': 'local' as const, 'etcd-endpoints': sandbox.etcd!.endpoints.join(',') }
      : {};
    this.log(
      withEtcd
        ? `The sandbox keeps its objects in a real etcd (${sandbox.etcd!.endpoints.join(', ')}): apply will take a verified snapshot before the control plane.`
        : 'etcd is not installed (Debian: apt-get install etcd-server etcd-client), so the demo applies without an etcd snapshot (--skip-etcd-snapshot).',
    );
    try {
      await waitForWorkloads(sandbox.cluster.store);
      this.log(
        `Sandbox ready at ${sandbox.url}: ${sandbox.cluster.store.count('nodes')} nodes, ${sandbox.cluster.store.count('pods')} pods.`,
      );
      this.log(`  export KUBECONFIG=${kubeconfigPath}   # kubectl get nodes, kubectl get pdb -A, …\n`);
      const argv = [
        process.execPath,
        join(this.config.root, 'bin', 'run.js'),
        'sandbox',
        'node',
        'upgrade',
        '--kubeconfig',
        kubeconfigPath,
        '{node}',
        '{version}',
      ];
      // Exactly `plan --to … --workers pool=blue --workers pool=green --canary 1 --exec-command …`: plan's defaults.
      const settings = {
        ...PLAN_SETTING_DEFAULTS,
        ...etcdFlags,
        to: flags.to,
        workers: ['pool=blue', 'pool=green'],
        canary: 1,
        'exec-command': JSON.stringify(argv),
      };
      const context = { access: { kubeconfig: kubeconfigPath }, generator: `k8s-upgrade ${this.config.version}` };
      const planOnce = async (deleteEmptyDir: boolean) =>
        planUpgrade(
          planRequestFrom({ ...settings, 'delete-emptydir-data': deleteEmptyDir }, { ...context, now: new Date() }),
        );

      this.log(
        `Step 1. Plan the upgrade to ${flags.to} (k8s-upgrade plan --to ${flags.to} --workers pool=blue --workers pool=green --canary 1):\n`,
      );
      const first = await planOnce(false);
      this.log(renderPlanSummary(first.plan, { color, waivable: isWaivable }));
      this.log(
        'The demo applications carry the traps operators meet, and the plan names each one before anything is touched.',
      );
      if (!flags.apply) return;

      this.log('\nStep 2. Fix what the plan found, as an operator would:');
      for (const line of remediateDemo(sandbox.cluster)) this.log(`  ${line}`);
      this.log("  (and accept losing the catalog's emptyDir cache: plan with --delete-emptydir-data)");
      await waitForWorkloads(sandbox.cluster.store);

      this.log('\nStep 3. Plan again:\n');
      const second = await planOnce(true);
      const planPath = writePlanFile(second.plan, join(workDir, `${second.plan.metadata.name}.yaml`));
      this.log(
        renderPlanSummary(second.plan, { color, waivable: isWaivable, planPath: relative(process.cwd(), planPath) }),
      );
      if (!second.plan.summary.safe)
        throw new CliError('the second plan still has blockers; the demo stops here', EXIT.FAILED);

      this.log(`\nStep 4. Apply it (k8s-upgrade apply ${relative(process.cwd(), planPath)} --yes):\n`);
      const mode = progressMode(flags['log-format'], process.stdout.isTTY === true, process.env);
      const summary = await runWithProgress({ mode, color }, (sink) =>
        applyPlan(
          {
            planPath: relative(process.cwd(), planPath),
            access: { kubeconfig: kubeconfigPath },
            generator: `k8s-upgrade ${this.config.version}`,
            confirm: async () => true,
            settings: { evictionRetryDelayMs: 1000, skipEtcdSnapshot: !withEtcd },
          },
          sink,
        ),
      );
      const machines = [...sandbox.cluster.machines.values()].map((m) => `${m.name}@${m.kubeletVersion}`);
      this.log(`\nEvery node now: ${machines.join(', ')}`);
      if (summary.outcome !== 'done') this.exit(outcomeExitCode(summary.outcome));
      if (flags.keep) {
        this.log(
          `\nThe sandbox keeps running (Ctrl-C to stop). Try: KUBECONFIG=${kubeconfigPath} kubectl get nodes -o wide`,
        );
        await new Promise<void>((done) => {
          process.once('SIGINT', () => done());
          process.once('SIGTERM', () => done());
        });
      }
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIT') throw e;
      throw toCliError(e);
    } finally {
      await sandbox.stop();
    }
  }
}

/**
 * Waits (bounded) until the cluster has settled: every Deployment and StatefulSet has all its replicas Ready
 * and every pod is Ready, so a plan sees the cluster as it will be, not half-started.
 */
type Obj = WithConditions & {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
  metadata?: { deletionTimestamp?: string };
};
async function waitForWorkloads(store: { list(resource: string): Obj[] }): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const pods = store.list('pods');
    const controllers = [...store.list('apps/deployments'), ...store.list('apps/statefulsets')];
    const settled =
      pods.length > 20 &&
      controllers.every((c) => (c.status?.readyReplicas ?? 0) === (c.spec?.replicas ?? 1)) &&
      pods.every((p) => !p.metadata?.deletionTimestamp && isReady(p));
    if (settled) return;
    await sleepResolvingOnAbort(100);
  }
}

/** A program on the PATH (looked up, never run through a shell). */
function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)));
}

function timeScale(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 10)
    throw new CliError(`--time-scale ${JSON.stringify(text)}: expected a number in (0, 10]`, EXIT.INVALID_INPUT);
  return n;
}
