import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../cli/base-command.js';
import { CliError } from '../../../cli/errors.js';
import { sandboxAccessFlags, sandboxContext } from '../../../cli/flags/access.js';
import { EXIT } from '../../../cli/exit-codes.js';
import { SandboxAdminClient, AdminError, FAULT_TYPES, type FaultSpec } from '../../../sandbox/index.js';

export default class SandboxFaultInject extends BaseCommand {
  static override summary = 'Inject a fault into a running sandbox.';

  static override description = `Faults:
  node-never-ready  --node N            the node's kubelet never returns Ready after its next restart
  upgrade-fails     [--node N] [--times K]  the node upgrade command fails (K times, default until cleared)
  slow-eviction     --delay-ms MS       evictions answer MS (simulated) later and evicted pods terminate MS later
  api-errors        --rate R [--code C | --codes C1,C2] [--path-prefix P]  a fraction R of API requests get HTTP C
                    (default 503; with --codes, one of them at random)
  drop-watches      [--every-ms MS]     closes every open watch stream now (and again every MS until cleared)
  stall-requests    [--count K] [--stall-ms MS] [--path-prefix P]  the next K requests hang (until cleared)
                    --rate R --stall-ms MS: a fraction R of requests hang MS each, until cleared`;

  static override examples = [
    '<%= config.bin %> sandbox fault inject node-never-ready --node blue-2 --kubeconfig .sandbox/kubeconfig',
    '<%= config.bin %> sandbox fault inject api-errors --rate 0.2 --kubeconfig .sandbox/kubeconfig',
  ];

  static override args = {
    type: Args.string({ description: 'Fault type.', required: true, options: [...FAULT_TYPES] }),
  };

  static override flags = {
    ...sandboxAccessFlags,
    node: Flags.string({ description: 'Node the fault applies to.' }),
    times: Flags.integer({ description: 'upgrade-fails: number of failing attempts.', min: 1 }),
    'delay-ms': Flags.integer({ description: 'slow-eviction: extra simulated milliseconds.', min: 1 }),
    rate: Flags.string({ description: 'api-errors, stall-requests: fraction of requests in (0, 1].' }),
    code: Flags.integer({ description: 'api-errors: HTTP status (500, 502, 503, 504).' }),
    codes: Flags.string({ description: 'api-errors: several HTTP statuses, comma-separated (500,503).' }),
    'every-ms': Flags.integer({ description: 'drop-watches: drop them again every MS real milliseconds.', min: 10 }),
    'path-prefix': Flags.string({ description: 'Only requests whose path starts with this.' }),
    count: Flags.integer({ description: 'stall-requests: number of requests.', min: 1 }),
    'stall-ms': Flags.integer({
      description: 'stall-requests: real milliseconds to hang (default: until cleared).',
      min: 1,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SandboxFaultInject);
    const spec: FaultSpec = {
      type: args.type as FaultSpec['type'],
      node: flags.node,
      times: flags.times,
      delayMs: flags['delay-ms'],
      rate: flags.rate === undefined ? undefined : Number(flags.rate),
      code: flags.code,
      ...(flags.codes ? { codes: flags.codes.split(',').map((c) => Number(c.trim())) } : {}),
      ...(flags['every-ms'] ? { everyMs: flags['every-ms'] } : {}),
      pathPrefix: flags['path-prefix'],
      count: flags.count,
      stallMs: flags['stall-ms'],
    };
    try {
      const f = await SandboxAdminClient.fromKubeconfig(flags.kubeconfig, sandboxContext(flags)).addFault(spec);
      this.log(`fault ${f.id} injected: ${f.type}${f.node ? ` on ${f.node}` : ''}`);
    } catch (e) {
      if (e instanceof AdminError)
        throw new CliError(e.message, e.status === 400 ? EXIT.INVALID_INPUT : EXIT.FAILED, { cause: e });
      throw e;
    }
  }
}
