import { BaseCommand } from '../cli/base-command.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { accessFlags, accessFrom } from '../cli/flags/access.js';
import { outputFlags } from '../cli/flags/output.js';
import { checkPlanTarget, planRequestFrom, planSettingsFlags } from '../cli/flags/plan-settings.js';
import { shownPath } from '../cli/paths.js';
import { renderPlanJson, renderPlanSummary, renderPlanYaml } from '../cli/render/plan-summary.js';
// plan-upgrade.js, not the upgrade index: `plan` must not load the executor (node drivers, etcd, execa).
import { planUpgrade } from '../upgrade/plan/index.js';
import { writePlanFile } from '../upgrade/plan/write-plan-file.js';
import { isWaivable } from '../checks/index.js';
import type { UpgradePlan } from '../plan/index.js';

export default class Plan extends BaseCommand {
  static override summary =
    'Read a live cluster, check everything that could fail or cause downtime, and write a reviewable plan.';

  static override description = `Works out the version path (control plane one minor at a time; workers in as few hops as the skew policy
allows), the worker groups and batches, and runs every preflight check. Writes plans/<cluster>-<from>-to-<to>.yaml
(or --out, mode 0600, written atomically) and prints a summary; -o json|yaml (or --json) prints the plan document
itself.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.BLOCKED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    `<%= config.bin %> plan --to v1.32.0 --workers pool=blue --workers pool=green --max-unavailable 1 --canary 1 \\
    --exec-command '["k8s-upgrade","sandbox","node","upgrade","--kubeconfig",".sandbox/kubeconfig","{node}","{version}"]'`,
    '<%= config.bin %> plan --to v1.31.4 --driver kubeadm-ssh --ssh-user ubuntu --ssh-identity ~/.ssh/id_ed25519 -o json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    ...accessFlags,
    ...planSettingsFlags,
    ...outputFlags('a summary of the plan'),
  };

  async run(): Promise<UpgradePlan> {
    const { flags } = await this.parse(Plan);
    const format = this.outputFormat(flags.output);
    let plan: UpgradePlan;
    let shown: string;
    try {
      const generator = `k8s-upgrade ${this.config.version}`;
      checkPlanTarget(flags.to, accessFrom(flags));
      const request = planRequestFrom(flags, { access: accessFrom(flags), generator, now: new Date() });
      ({ plan } = await planUpgrade(request));
      shown = shownPath(writePlanFile(plan, flags.out));
    } catch (e) {
      throw toCliError(e);
    }
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    this.emit(format, plan, {
      human: (p) => renderPlanSummary(p, { planPath: shown, color, waivable: isWaivable }),
      json: renderPlanJson,
      yaml: renderPlanYaml,
    });
    if (!plan.summary.safe) this.exit(EXIT.BLOCKED);
    return plan;
  }
}
