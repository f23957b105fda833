import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { invalidInput } from '../cli/errors.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { outputFlags } from '../cli/flags/output.js';
import { renderRbacYaml, type RbacOutput } from '../cli/render/rbac.js';
import { rbacManifests, type RbacSubject } from '../upgrade/rbac/index.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export default class Rbac extends BaseCommand {
  static override summary = 'Print the minimal RBAC (roles and bindings) the identity running k8s-upgrade needs.';

  static override description = `Built from the same list of permissions the permissions-missing check reviews: a ClusterRole (read
nodes, pods, PodDisruptionBudgets, workloads, the collections the removed-API check lists and /metrics; cordon
nodes, evict pods, delete the pods the drain rules allow), a Role in kube-system (the run lock Lease and the run
state ConfigMap), their bindings and, for a service account, the ServiceAccount. --plan-only prints the read-only
part that plan needs. list secrets is there only for the Helm release check (RBAC cannot narrow it to Helm's
secrets): --without-secrets leaves it out. Reads no cluster; pipe it to kubectl apply -f -.

${exitCodeHelp([EXIT.OK, EXIT.INVALID_INPUT])}`;

  static override examples = [
    '<%= config.bin %> rbac | kubectl apply -f -',
    '<%= config.bin %> rbac --service-account upgrades/k8s-upgrade --name k8s-upgrade-ci',
    '<%= config.bin %> rbac --group platform-operators --plan-only -o json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    'service-account': Flags.string({
      description: 'Bind a service account, NAMESPACE/NAME (default kube-system/k8s-upgrade, created too).',
      exclusive: ['user', 'group'],
    }),
    user: Flags.string({ description: 'Bind a user (as the API server authenticates it).', exclusive: ['group'] }),
    group: Flags.string({ description: 'Bind a group.' }),
    name: Flags.string({ description: 'Name of the roles and bindings.', default: 'k8s-upgrade' }),
    'plan-only': Flags.boolean({ description: 'Only the read-only access plan needs.', default: false }),
    'without-secrets': Flags.boolean({
      description: 'Leave out list secrets (used only to find removed APIs in Helm releases; that check then says so).',
      default: false,
    }),
    ...outputFlags('the objects as commented multi-document YAML'),
  };

  async run(): Promise<RbacOutput> {
    const { flags } = await this.parse(Rbac);
    const format = this.outputFormat(flags.output);
    if (!DNS_SUBDOMAIN.test(flags.name) || flags.name.length > 253)
      throw invalidInput(`--name ${JSON.stringify(flags.name)}: expected a lower-case DNS name like k8s-upgrade`);
    const subject = subjectFrom(flags);
    const out: RbacOutput = {
      apiVersion: 'v1',
      kind: 'List',
      items: rbacManifests({
        name: flags.name,
        subject,
        planOnly: flags['plan-only'],
        withoutSecrets: flags['without-secrets'],
      }),
    };
    return this.emit(format, out, { human: (o) => renderRbacYaml(o, flags['plan-only']) });
  }
}

function subjectFrom(flags: { 'service-account'?: string; user?: string; group?: string }): RbacSubject {
  if (flags.user !== undefined) {
    if (!flags.user.trim()) throw invalidInput('--user: expected a user name');
    return { kind: 'User', name: flags.user };
  }
  if (flags.group !== undefined) {
    if (!flags.group.trim()) throw invalidInput('--group: expected a group name');
    return { kind: 'Group', name: flags.group };
  }
  const sa = flags['service-account'] ?? 'kube-system/k8s-upgrade';
  const [namespace, name, ...rest] = sa.split('/');
  if (rest.length > 0 || !namespace || !name || !DNS_LABEL.test(namespace) || !DNS_SUBDOMAIN.test(name))
    throw invalidInput(
      `--service-account ${JSON.stringify(sa)}: expected NAMESPACE/NAME, e.g. kube-system/k8s-upgrade`,
    );
  return { kind: 'ServiceAccount', namespace, name };
}
