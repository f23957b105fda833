import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { CliError } from '../../cli/errors.js';
import { SandboxAdminClient } from '../../sandbox/index.js';

export default class SandboxMachines extends BaseCommand {
  static override summary = 'List the sandbox machines: installed versions, kubelet state, upgrade and downgrade counts.';

  static override flags = {
    kubeconfig: Flags.string({ description: 'The kubeconfig `sandbox up` wrote.', env: 'KUBECONFIG', required: true }),
    context: Flags.string({ description: 'Context to use (default: current).' }),
    output: Flags.string({ char: 'o', options: ['table', 'json'], default: 'table', description: 'Output format.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SandboxMachines);
    let data;
    try {
      data = await SandboxAdminClient.fromKubeconfig(flags.kubeconfig, flags.context).machines();
    } catch (e) {
      throw new CliError((e as Error).message, 1, { cause: e });
    }
    if (flags.output === 'json') return this.log(JSON.stringify(data, null, 2));
    const rows = [['NAME', 'ROLE', 'POOL', 'ZONE', 'KUBELET', 'CONTROL-PLANE', 'STATE', 'UPGRADES', 'DOWNGRADES']];
    for (const m of data.machines) rows.push([m.name, m.role, m.pool ?? '-', m.zone, m.kubeletVersion, m.controlPlaneVersion ?? '-', m.kubelet, String(m.upgrades), String(m.downgrades ?? 0)]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) this.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  }
}
