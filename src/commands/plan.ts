import { Flags } from '@oclif/core';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve, relative } from 'node:path';
import { BaseCommand } from '../cli/base-command.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { toCliError } from '../cli/error-mapping.js';
import { buildDriver, buildOptions } from '../cli/plan-flags.js';
import { renderPlanJson, renderPlanSummary, renderPlanYaml } from '../cli/render/plan-summary.js';
// plan-upgrade.js, not the upgrade index: `plan` must not load the executor (node drivers, etcd, execa).
import { planUpgrade } from '../upgrade/plan/index.js';
import { isWaivable } from '../checks/index.js';
import { DEFAULT_PLAN_DIR, serializePlan } from '../plan/index.js';

export default class Plan extends BaseCommand {
  static override summary = 'Read a live cluster, check everything that could fail or cause downtime, and write a reviewable plan.';

  static override description = `Works out the version path (control plane one minor at a time; workers in as few hops as the skew policy
allows), the worker groups and batches, and runs every preflight check. Writes plans/<cluster>-<from>-to-<to>.yaml
(or --out) and prints a summary; -o json|yaml prints the plan document itself.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.BLOCKED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    `<%= config.bin %> plan --to v1.32.0 --workers pool=blue --workers pool=green --max-unavailable 1 --canary 1 \\
    --exec-command '["k8s-upgrade","sandbox","node","upgrade","--kubeconfig",".sandbox/kubeconfig","{node}","{version}"]'`,
    '<%= config.bin %> plan --to v1.31.4 --driver kubeadm-ssh --ssh-user ubuntu --ssh-identity ~/.ssh/id_ed25519 -o json',
  ];

  static override flags = {
    kubeconfig: Flags.string({ description: 'Kubeconfig file (default: $KUBECONFIG merged, then ~/.kube/config, then in-cluster).' }),
    context: Flags.string({ description: 'Kubeconfig context (default: the current one).' }),
    to: Flags.string({ description: 'Target Kubernetes version, full: vX.Y.Z.', required: true }),
    workers: Flags.string({ description: 'Worker group label selector, in order (repeatable): pool=blue, "tier in (a,b)", !gpu.', multiple: true, default: [] }),
    'strict-groups': Flags.boolean({ description: 'Refuse workers that match no --workers selector (default: a last implicit group).', default: false }),
    'max-unavailable': Flags.string({ description: 'Nodes per group upgraded at once: N or N%.', default: '1' }),
    canary: Flags.integer({ description: 'Make the very first worker batch exactly N nodes.', min: 1 }),
    strategy: Flags.string({ description: 'rolling: a new node starts as soon as one finishes; batch: fixed batches.', options: ['rolling', 'batch'], default: 'rolling' }),
    'ignore-check': Flags.string({ description: 'Waive a waivable check by id (repeatable; recorded in the plan).', multiple: true, default: [] }),
    manifests: Flags.string({ description: 'Directory of manifests (recursive, multi-document YAML) to scan for removed APIs.' }),
    'delete-emptydir-data': Flags.boolean({ description: 'Allow evicting pods with emptyDir volumes (their data is lost).', default: false }),
    force: Flags.boolean({ description: 'Allow deleting pods that have no controller (they are not recreated).', default: false }),
    'drain-timeout': Flags.integer({ description: 'Seconds a node may take to drain.', default: 600 }),
    'disable-eviction-after': Flags.integer({ description: 'Seconds after which a pod the Eviction API keeps refusing is deleted anyway (bypasses its PDB). Off by default.' }),
    'gate-timeout': Flags.integer({ description: 'Seconds a health gate may take.', default: 300 }),
    soak: Flags.integer({ description: 'Seconds to wait after each node before the next health gate.', default: 0 }),
    'gate-url': Flags.string({ description: 'Custom health gate: an HTTP(S) URL that must answer 2xx (repeatable).', multiple: true, default: [] }),
    'gate-command': Flags.string({ description: 'Custom health gate: a command as a JSON argv array, run without a shell, that must exit 0 (repeatable).', multiple: true, default: [] }),
    driver: Flags.string({ description: 'Node driver.', options: ['exec', 'kubeadm-ssh'], default: 'exec' }),
    'exec-downgrade-command': Flags.string({ description: 'exec driver, for rollback: argv template (JSON array) that takes a node back to {version}.' }),
    'exec-restore-etcd-command': Flags.string({ description: 'exec driver, for rollback: argv template (JSON array) that restores the etcd snapshot on a control-plane node: {node} {address} {snapshot}.' }),
    'etcd-snapshot': Flags.string({ description: 'Take a verified etcd snapshot before the control plane: none, local (etcdctl here) or ssh (etcdctl on a control-plane node, copied back).', options: ['none', 'local', 'ssh'], default: 'none' }),
    'etcd-snapshot-per-hop': Flags.boolean({ description: 'A snapshot before every control-plane hop, not only the first.', default: false }),
    'etcd-endpoints': Flags.string({ description: 'etcd client URLs, comma-separated (local: as reached from here; ssh: from the node, default https://127.0.0.1:2379).' }),
    'etcd-cacert': Flags.string({ description: 'etcd CA file path (ssh default: kubeadm\'s /etc/kubernetes/pki/etcd/ca.crt).' }),
    'etcd-cert': Flags.string({ description: 'etcd client certificate path (ssh default: kubeadm\'s healthcheck-client.crt).' }),
    'etcd-key': Flags.string({ description: 'etcd client key path — recorded as a path, never its content.' }),
    'etcd-node': Flags.string({ description: 'ssh mode: the control-plane node that takes the snapshot (default: the first of the hop).' }),
    'exec-command': Flags.string({ description: 'exec driver: argv template as a JSON array, placeholders {node} {address} {version} {role} {first}. Never run through a shell.' }),
    'ssh-user': Flags.string({ description: 'kubeadm-ssh: remote user.', default: 'root' }),
    'ssh-port': Flags.integer({ description: 'kubeadm-ssh: port.', default: 22 }),
    'ssh-identity': Flags.string({ description: 'kubeadm-ssh: private key file (its path is recorded, never its content).' }),
    'ssh-jump-host': Flags.string({ description: 'kubeadm-ssh: jump host (ssh -J).' }),
    'ssh-address-label': Flags.string({ description: 'kubeadm-ssh: take the address from this node label instead of InternalIP.' }),
    'ssh-accept-new-host-keys': Flags.boolean({ description: 'kubeadm-ssh: accept unknown host keys (StrictHostKeyChecking=accept-new).', default: false }),
    'package-manager': Flags.string({ description: 'kubeadm-ssh: apt or yum.', options: ['apt', 'yum'], default: 'apt' }),
    out: Flags.string({ description: `Plan file path (default: ${DEFAULT_PLAN_DIR}/<cluster>-<from>-to-<to>.yaml).` }),
    output: Flags.string({ char: 'o', description: 'Output: the human summary, or the plan document as json or yaml.', options: ['human', 'json', 'yaml'], default: 'human' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Plan);
    let safe = false;
    try {
      const { plan } = await planUpgrade({
        access: { kubeconfig: flags.kubeconfig, context: flags.context },
        to: flags.to,
        workers: flags.workers,
        maxUnavailable: flags['max-unavailable'],
        canary: flags.canary,
        strict: flags['strict-groups'],
        ignoreChecks: flags['ignore-check'],
        manifestsDir: flags.manifests,
        options: buildOptions(flags),
        driver: buildDriver(flags),
        generator: `k8s-upgrade ${this.config.version}`,
        now: new Date(),
      });
      const text = serializePlan(plan);
      const path = resolve(flags.out ?? join(DEFAULT_PLAN_DIR, `${plan.metadata.name}.yaml`));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
      const shown = relative(process.cwd(), path) || path;
      if (flags.output === 'json') process.stdout.write(renderPlanJson(plan));
      else if (flags.output === 'yaml') process.stdout.write(renderPlanYaml(plan));
      else process.stdout.write(renderPlanSummary(plan, { planPath: shown.startsWith('..') ? path : shown, color: process.stdout.isTTY === true && !process.env.NO_COLOR, waivable: isWaivable }));
      safe = plan.summary.safe;
    } catch (e) {
      throw toCliError(e);
    }
    if (!safe) this.exit(EXIT.BLOCKED);
  }
}
