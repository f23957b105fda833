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
import {
  startSandbox,
  startSandboxFleet,
  renderSandboxFleetFile,
  writeSandboxFleetFile,
  DEFAULT_VERSION,
  type Sandbox,
  type SandboxFleet,
} from '../../sandbox/index.js';
import { TIMING_NAMES } from '../../sandbox/clock.js';

export default class SandboxUp extends BaseCommand {
  static override summary = 'Start a simulated Kubernetes cluster on 127.0.0.1 and write a kubeconfig for it.';

  static override description = `Runs in the foreground until interrupted (SIGINT/SIGTERM), then exits 0. kubectl and k8s-upgrade use it
through the kubeconfig it writes; it never touches ~/.kube/config. The kubeconfig has two contexts: "sandbox"
(admin) and "sandbox-readonly" (get/list/watch only).

With --clusters N it serves a fleet: N clusters c001… from one process, each on its own port with its own
kube-system UID, nodes, workloads (about 4 pods per worker, every Deployment with 2+ replicas and a PDB) and faults, and
contexts "sandbox-<name>" and "sandbox-<name>-readonly" in the one kubeconfig. Their sizes (summing to --nodes)
and versions (patches of --version's minor, so every cluster is one hop below the next minor) come from --seed.
--fleet-file writes a fleet file for it (stages canary / early / main, the exec driver per cluster); the admin
commands reach one cluster with --cluster NAME.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    '<%= config.bin %> sandbox up --kubeconfig /tmp/sbx.kubeconfig',
    '<%= config.bin %> sandbox up --kubeconfig /tmp/sbx.kubeconfig --version v1.29.10 --pool gpu=2 --pool cpu=6 --time-scale 0.1',
    '<%= config.bin %> sandbox up --kubeconfig /tmp/big.kubeconfig --workload scale:5000',
    '<%= config.bin %> sandbox up --kubeconfig /tmp/sbx.kubeconfig --timing upgradeCommandMs=500 --timing podStartupMs=200 --node-time-jitter 0.5',
    '<%= config.bin %> sandbox up --kubeconfig /tmp/sbx.kubeconfig --etcd',
    '<%= config.bin %> sandbox up --kubeconfig /tmp/fleet.kubeconfig --clusters 570 --nodes 8700 --fleet-file /tmp/fleet.yaml',
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
    clusters: Flags.integer({
      description:
        'Serve a fleet of N clusters (c001…) from this process, each with its own port and context sandbox-<name>.',
      min: 1,
      max: 2000,
    }),
    nodes: Flags.integer({
      description: 'With --clusters: total nodes over the fleet, at least 3 per cluster (default 10 per cluster).',
      min: 3,
    }),
    'fleet-file': Flags.string({
      description: 'With --clusters: write a fleet file for the fleet here (for `k8s-upgrade fleet plan`).',
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
    if (flags.clusters === undefined) {
      for (const f of ['nodes', 'fleet-file'] as const)
        if (flags[f] !== undefined) throw new CliError(`--${f} needs --clusters`, EXIT.INVALID_INPUT);
    } else {
      const conflicting = [
        flags.pool?.length ? '--pool' : '',
        flags.etcd ? '--etcd' : '',
        flags.workload !== 'demo' ? '--workload' : '',
        flags['control-planes'] !== 3 ? '--control-planes' : '',
      ].filter(Boolean);
      if (conflicting.length > 0)
        throw new CliError(
          `${conflicting.join(', ')} cannot be used with --clusters (a fleet draws its own sizes, without etcd)`,
          EXIT.INVALID_INPUT,
        );
      if (flags.nodes !== undefined && flags.nodes < flags.clusters * 3)
        throw new CliError(
          `--nodes ${flags.nodes}: ${flags.clusters} clusters need at least ${flags.clusters * 3} (3 each)`,
          EXIT.INVALID_INPUT,
        );
      return this.runFleet(flags.clusters, {
        kubeconfigPath,
        nodes: flags.nodes,
        seed: flags.seed,
        version,
        port: flags.port,
        timeScale,
        timings,
        fleetFile: flags['fleet-file'] === undefined ? undefined : resolve(flags['fleet-file']),
      });
    }
    let sandbox: Sandbox;
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
    await untilSignal();
    await sandbox.stop();
    this.log('sandbox stopped');
  }

  private async runFleet(
    clusters: number,
    o: {
      kubeconfigPath: string;
      nodes?: number;
      seed: number;
      version: string;
      port?: number;
      timeScale: number;
      timings: Parameters<typeof startSandboxFleet>[0]['timings'];
      fleetFile?: string;
    },
  ): Promise<void> {
    const started = performance.now();
    let fleet: SandboxFleet;
    try {
      fleet = await startSandboxFleet({ clusters, ...o });
    } catch (e) {
      throw new CliError(`could not start the sandbox fleet: ${(e as Error).message}`, EXIT.FAILED, { cause: e });
    }
    if (o.fleetFile) {
      // The exec driver runs this same CLI (`sandbox node upgrade`) against each cluster's context.
      const cli = [process.execPath, resolve(process.argv[1]!)];
      const text = renderSandboxFleetFile(fleet, {
        kubeconfig: o.kubeconfigPath,
        upgradeArgv: (context) => [
          ...cli,
          'sandbox',
          'node',
          'upgrade',
          '--kubeconfig',
          o.kubeconfigPath,
          '--context',
          context,
          '{node}',
          '{version}',
        ],
      });
      writeSandboxFleetFile(o.fleetFile, text);
    }
    const nodes = fleet.members.reduce((n, m) => n + m.shape.nodes, 0);
    const versions = [...new Set(fleet.members.map((m) => m.shape.version))].sort().join(', ');
    const first = fleet.members[0]!;
    const last = fleet.members[fleet.members.length - 1]!;
    this.log(`export KUBECONFIG=${o.kubeconfigPath}`);
    this.log(
      `sandbox fleet ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${clusters} clusters (${first.shape.name}…${last.shape.name}, contexts ${first.context}…), ${nodes} nodes, versions ${versions} (Ctrl-C to stop)`,
    );
    if (o.fleetFile)
      this.log(`fleet file: ${o.fleetFile} — k8s-upgrade fleet plan ${o.fleetFile} --to ${fleet.target}`);
    await untilSignal();
    await fleet.stop();
    this.log('sandbox fleet stopped');
  }
}

function untilSignal(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
