import { Flags } from '@oclif/core';
import { resolve } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { buildDriver, buildOptions, type PlanFlagValues } from '../cli/plan-flags.js';
import { renderPlanSummary } from '../cli/render/index.js';
import { isWaivable, planUpgrade } from '../upgrade/index.js';
import { startSandbox } from '../sandbox/index.js';

export default class Demo extends BaseCommand {
  static override summary = 'Start a sandbox cluster and plan an upgrade of it: the first command to try.';

  static override description = `Starts the built-in sandbox (3 control-plane nodes, pools blue and green, demo applications), waits for its
workloads, then runs \`k8s-upgrade plan\` against it through its kubeconfig, exactly as against a real cluster,
and prints the plan with its findings. With --keep the sandbox stays up so you can try kubectl and plan yourself.

${exitCodeHelp([EXIT.OK, EXIT.FAILED])}`;

  static override flags = {
    to: Flags.string({ description: 'Target version.', default: 'v1.32.0' }),
    keep: Flags.boolean({ description: 'Keep the sandbox running after the plan (Ctrl-C to stop).', default: false }),
    kubeconfig: Flags.string({ description: 'Where the sandbox kubeconfig is written.', default: '.sandbox/demo.kubeconfig' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Demo);
    const kubeconfigPath = resolve(flags.kubeconfig);
    this.log('Starting the sandbox cluster (Kubernetes v1.31.4, 3 control-plane nodes, pools blue=3 and green=3)…');
    const sandbox = await startSandbox({ kubeconfigPath, version: 'v1.31.4', timeScale: 0.2 });
    try {
      await waitForWorkloads(sandbox.cluster.store);
      this.log(`Sandbox ready at ${sandbox.url}: ${sandbox.cluster.store.count('nodes')} nodes, ${sandbox.cluster.store.count('pods')} pods.`);
      this.log(`  export KUBECONFIG=${kubeconfigPath}   # kubectl get nodes, kubectl get pdb -A, …\n`);
      this.log(`Planning the upgrade to ${flags.to} (k8s-upgrade plan --to ${flags.to} --workers pool=blue --workers pool=green --canary 1):\n`);
      const argv = ['k8s-upgrade', 'sandbox', 'node', 'upgrade', '--kubeconfig', kubeconfigPath, '{node}', '{version}'];
      const { plan } = await planUpgrade({
        access: { kubeconfig: kubeconfigPath },
        to: flags.to,
        workers: ['pool=blue', 'pool=green'],
        maxUnavailable: '1',
        canary: 1,
        strict: false,
        ignoreChecks: [],
        options: buildOptions(flagValues),
        driver: buildDriver({ ...flagValues, 'exec-command': JSON.stringify(argv) }),
        generator: `k8s-upgrade ${this.config.version}`,
        now: new Date(),
      });
      this.log(renderPlanSummary(plan, { color: process.stdout.isTTY === true && !process.env.NO_COLOR, waivable: isWaivable }));
      this.log('The demo applications carry the traps operators meet: a PDB that never allows an eviction, an unmanaged pod,');
      this.log('emptyDir data and a single-replica service. The plan names each one and what to do; apply (next release) runs');
      this.log('the plan with zero downtime once they are fixed or accepted.');
      if (flags.keep) {
        this.log(`\nThe sandbox keeps running (Ctrl-C to stop). Try: KUBECONFIG=${kubeconfigPath} kubectl get nodes -o wide`);
        await new Promise<void>((done) => {
          process.once('SIGINT', () => done());
          process.once('SIGTERM', () => done());
        });
      }
    } catch (e) {
      throw toCliError(e);
    } finally {
      await sandbox.stop();
    }
  }
}

/** The `plan` flag defaults the demo plans with. */
const flagValues: PlanFlagValues = {
  strategy: 'rolling',
  'delete-emptydir-data': false,
  force: false,
  'drain-timeout': 600,
  'gate-timeout': 300,
  soak: 0,
  'gate-url': [],
  driver: 'exec',
  'ssh-user': 'root',
  'ssh-port': 22,
  'ssh-accept-new-host-keys': false,
  'package-manager': 'apt',
};

/** Waits (bounded) until every pod the controllers created is Ready, so the plan sees a settled cluster. */
async function waitForWorkloads(store: { list(resource: string): { status?: { conditions?: { type: string; status: string }[] } }[] }): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const pods = store.list('pods');
    if (pods.length > 20 && pods.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
