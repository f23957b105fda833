import { Flags } from '@oclif/core';
import { resolve } from 'node:path';
import { BaseCommand } from '../../cli/base-command.js';
import { exitCodeHelp, EXIT } from '../../cli/exit-codes.js';
import {
  parseKubeVersion,
  parseNodeTimeJitter,
  parsePools,
  parseTimeScale,
  parseTimings,
  parseWorkload,
} from '../../cli/sandbox-options.js';
import { CliError } from '../../cli/errors.js';
import { startSandbox, DEFAULT_VERSION } from '../../sandbox/index.js';
import { TIMING_NAMES } from '../../sandbox/clock.js';

export default class SandboxUp extends BaseCommand {
  static override summary = 'Start a simulated Kubernetes cluster on 127.0.0.1 and write a kubeconfig for it.';

  static override description = `Runs in the foreground until interrupted (SIGINT/SIGTERM), then exits 0. kubectl and k8s-upgrade use it
through the kubeconfig it writes; it never touches ~/.kube/config. The kubeconfig has two contexts: "sandbox"
(admin) and "sandbox-readonly" (get/list/watch only).

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    '<%= config.bin %> sandbox up --kubeconfig /tmp/sbx.kubeconfig',
    '<%= config.bin %> sandbox up --kubeconfig /tmp/sbx.kubeconfig --version v1.29.10 --pool gpu=2 --pool cpu=6 --time-scale 0.1',
    '<%= config.bin %> sandbox up --kubeconfig /tmp/big.kubeconfig --workload scale:5000',
    '<%= config.bin %> sandbox up --kubeconfig /tmp/sbx.kubeconfig --timing upgradeCommandMs=500 --timing podStartupMs=200 --node-time-jitter 0.5',
    '<%= config.bin %> sandbox up --kubeconfig /tmp/sbx.kubeconfig --etcd',
  ];

  static override flags = {
    kubeconfig: Flags.string({
      description: 'Where to write the kubeconfig (mode 0600).',
      default: '.sandbox/kubeconfig',
    }),
    port: Flags.integer({ description: 'Port on 127.0.0.1 (default: a free port).', min: 0, max: 65535 }),
    version: Flags.string({
      description: 'Kubernetes version every component runs at start.',
      default: DEFAULT_VERSION,
      aliases: ['k8s-version'],
    }),
    'control-planes': Flags.integer({ description: 'Number of control-plane nodes.', default: 3, min: 1, max: 7 }),
    pool: Flags.string({
      description: 'A worker pool NAME=COUNT (repeatable; default blue=3 and green=3). Nodes get the label pool=NAME.',
      multiple: true,
    }),
    workload: Flags.string({
      description: 'demo (the demo applications), none, or scale:N (N nodes, about 20 pods each).',
      default: 'demo',
    }),
    seed: Flags.integer({ description: 'Seed for generated names, IP addresses and fault decisions.', default: 1 }),
    'time-scale': Flags.string({
      description: 'Multiplies every simulated delay (0.1 = ten times faster).',
      default: '1',
    }),
    timing: Flags.string({
      description: `A simulated duration NAME=MS (repeatable), before --time-scale. Names: ${TIMING_NAMES.join(', ')}.`,
      multiple: true,
    }),
    'node-time-jitter': Flags.string({
      description:
        'Spread of per-node upgrade times (upgradeCommandMs + kubeletRestartMs), in [0, 1): each node takes [1-F, 1+F]x, drawn from the seed and its name.',
      default: '0',
    }),
    etcd: Flags.boolean({
      description:
        'Keep every object in a real etcd (etcd and etcdctl from the PATH; Debian: apt-get install etcd-server etcd-client), started on free loopback ports and stopped with the sandbox. Its endpoint is printed; `etcdctl snapshot save` works against it and `sandbox node restore-etcd` restores it.',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SandboxUp);
    const workload = parseWorkload(flags.workload);
    const kubeconfigPath = resolve(flags.kubeconfig);
    const version = parseKubeVersion(flags.version);
    const pools = parsePools(flags.pool);
    const timeScale = parseTimeScale(flags['time-scale']);
    const timings = {
      ...parseTimings(flags.timing, TIMING_NAMES),
      nodeTimeJitter: parseNodeTimeJitter(flags['node-time-jitter']),
    };
    let sandbox;
    try {
      sandbox = await startSandbox({
        port: flags.port,
        kubeconfigPath,
        version,
        controlPlanes: flags['control-planes'],
        pools,
        workload,
        seed: flags.seed,
        timeScale,
        timings,
        etcd: flags.etcd,
      });
    } catch (e) {
      throw new CliError(`could not start the sandbox: ${(e as Error).message}`, EXIT.FAILED, { cause: e });
    }
    const c = sandbox.cluster;
    const nodes = c.store.count('nodes');
    const cps = c.controlPlaneMachines().length;
    this.log(`export KUBECONFIG=${kubeconfigPath}`);
    this.log(
      `sandbox ready: ${sandbox.url} Kubernetes ${c.apiserverVersion()}, ${cps} control-plane and ${nodes - cps} worker nodes, ${c.store.count('pods')} pods (Ctrl-C to stop)`,
    );
    if (sandbox.etcd)
      this.log(
        `etcd: ${sandbox.etcd.endpoints.join(',')} (member ${sandbox.etcd.member}, data in ${sandbox.etcd.dataDir()})`,
      );
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await sandbox.stop();
    this.log('sandbox stopped');
  }
}
