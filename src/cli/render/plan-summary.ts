/**
 * What `k8s-upgrade plan` prints. The human summary reads like `kubeadm upgrade plan`: the cluster, a
 * components table (current → target), the hops in execution order, the worker groups and their batches, the
 * findings by severity, and a last line that says whether the plan is safe to apply and what to run next.
 * Deterministic (no clock, no terminal queries), plain text unless `color` is set: golden-tested.
 * `-o json|yaml` print the plan document itself (`UpgradePlan`), the same bytes-for-content as the file.
 */
import {
  DEFAULT_PLAN_DIR,
  PLAN_COMPONENTS,
  SEVERITIES,
  canonicalPlan,
  planSequence,
  serializePlan,
  type Finding,
  type FindingObject,
  type PlanDriver,
  type PlanGroup,
  type Severity,
  type UpgradePlan,
} from '../../plan/index.js';
import { columns, listSome, makeStyle, plural, type Style } from './style.js';
import { shellQuote } from '../../nodes/shell-quote.js';

export interface PlanSummaryOptions {
  /** The plan file as the user should type it in `k8s-upgrade apply`; default `plans/<metadata.name>.yaml`. */
  readonly planPath?: string;
  /** ANSI colours; default false. */
  readonly color?: boolean;
  /** Which check ids --ignore-check accepts; when given, only those are offered as waivers. */
  readonly waivable?: (id: string) => boolean;
}

/** At most this many objects are listed under a finding, then "and N more". */
export const MAX_OBJECTS = 5;
/** Groups with more batches than this show batch sizes run-length encoded (`1,5×48,3`). */
const MAX_BATCH_SIZES = 12;

export const renderPlanSummary = (plan: UpgradePlan, options: PlanSummaryOptions = {}): string => {
  const s = makeStyle(options.color ?? false);
  const planPath = options.planPath ?? `${DEFAULT_PLAN_DIR}/${plan.metadata.name}.yaml`;
  const sections = [
    header(plan, s),
    components(plan, s),
    hops(plan, s),
    groups(plan, s),
    settings(plan, s),
    findings(plan, s),
    verdict(plan, planPath, s, options.waivable),
  ];
  return `${sections
    .filter((x) => x.length > 0)
    .map((x) => x.join('\n'))
    .join('\n\n')}\n`;
};

/** `-o json`: the plan document, keys in file order, hash stamped, two-space indent, trailing newline. */
export const renderPlanJson = (plan: UpgradePlan): string => `${JSON.stringify(canonicalPlan(plan), null, 2)}\n`;

/** `-o yaml`: exactly the plan file's text (it can be saved and applied). */
export const renderPlanYaml = (plan: UpgradePlan): string => serializePlan(plan);

// ---- sections -----------------------------------------------------------------------------------------

const header = (plan: UpgradePlan, s: Style): string[] => {
  const name = plan.cluster.context ? `${plan.cluster.context}  ` : '';
  return columns(
    [
      ['Cluster:', `${name}${plan.cluster.server}  (kube-system ${plan.cluster.kubeSystemUid})`],
      ['Upgrade:', `${plan.from} → ${s.bold(plan.to)}, ${plural(plan.summary.nodesToUpgrade, 'node')} to upgrade`],
      ['Plan:', `${plan.metadata.name}, made ${plan.metadata.createdAt} by ${plan.metadata.generator}`],
    ],
    { paint: (_, c, t) => (c === 0 ? s.bold(t) : t) },
  );
};

const components = (plan: UpgradePlan, s: Style): string[] => {
  const order = (c: string) => PLAN_COMPONENTS.indexOf(c as (typeof PLAN_COMPONENTS)[number]);
  const rows = [...plan.components]
    .sort((a, b) => order(a.component) - order(b.component))
    .map((c) => [c.component, c.current.length > 0 ? c.current.join(', ') : '(not found)', c.target]);
  return [
    s.bold('Components:'),
    ...columns([['COMPONENT', 'CURRENT', 'TARGET'], ...rows], {
      indent: '  ',
      paint: (r, c, t) => (r === 0 ? s.dim(t) : c === 2 && rows[r - 1]?.[1] !== rows[r - 1]?.[2] ? s.bold(t) : t),
    }),
  ];
};

const hops = (plan: UpgradePlan, s: Style): string[] => {
  const steps = planSequence(plan);
  if (steps.length === 0) return [s.bold('Upgrade order:'), `  nothing to do: every node already runs ${plan.to}`];
  const snapshot = plan.options.etcdSnapshot;
  const snapshotNote = (i: number): string =>
    snapshot.mode === 'none' || (i > 0 && !snapshot.perHop)
      ? ''
      : `  (etcd snapshot first${snapshot.mode === 'ssh' ? ', over ssh' : ''})`;
  const rows = steps.map((step, n) =>
    step.kind === 'control-plane'
      ? [
          `${n + 1}.`,
          'control plane',
          `→ ${step.hop.to}`,
          `${step.hop.nodes.join(', ')}, one at a time${snapshotNote(step.index)}`,
        ]
      : [
          `${n + 1}.`,
          'workers',
          `→ ${step.hop.to}`,
          `${plural(step.hop.nodes.length, 'node')} (${step.hop.reason === 'skew' ? 'skew: kubelets must move before the control plane can' : 'target'}): ${listSome(step.hop.nodes, MAX_OBJECTS)}`,
        ],
  );
  const cp = plan.controlPlane.nodes.length;
  return [
    `${s.bold('Upgrade order:')} ${plural(plan.controlPlane.hops.length, 'control-plane hop')} (${plural(cp, 'node')}), ${plural(plan.workers.hops.length, 'worker hop')}`,
    ...columns(rows, { indent: '  ', paint: (_, c, t) => (c === 2 ? s.bold(t) : t) }),
  ];
};

const batchSizes = (group: PlanGroup, canary: boolean): string => {
  const sizes = group.batches.map((b) => String(b.length));
  if (canary && sizes.length > 0) sizes[0] = `${sizes[0]} (canary)`;
  if (sizes.length <= MAX_BATCH_SIZES) return sizes.join(',');
  const runs: string[] = [];
  for (let i = 0; i < sizes.length;) {
    let j = i;
    while (j + 1 < sizes.length && sizes[j + 1] === sizes[i]) j += 1;
    runs.push(j > i ? `${sizes[i]}×${j - i + 1}` : (sizes[i] ?? ''));
    i = j + 1;
  }
  return `${runs.join(',')} (${sizes.length} batches)`;
};

const groups = (plan: UpgradePlan, s: Style): string[] => {
  if (plan.groups.length === 0) return [];
  const firstNonEmpty = plan.groups.findIndex((g) => g.nodes.length > 0);
  const rows = plan.groups.map((g, i) => {
    const spec = g.maxUnavailableSpec === String(g.maxUnavailable) ? '' : ` (${g.maxUnavailableSpec})`;
    const canary = plan.options.canary !== undefined && i === firstNonEmpty;
    return [
      g.implicit ? '(other workers)' : g.selector,
      plural(g.nodes.length, 'node'),
      `maxUnavailable ${g.maxUnavailable}${spec}`,
      `batches: ${g.batches.length > 0 ? batchSizes(g, canary) : 'none'}`,
    ];
  });
  const how = plan.options.strategy === 'rolling' ? 'a rolling window of maxUnavailable nodes' : 'batch by batch';
  return [
    `${s.bold('Worker groups')} (in this order, ${how}):`,
    ...columns(rows, { indent: '  ', paint: (_, c, t) => (c === 0 ? s.cyan(t) : t) }),
  ];
};

/** A template word as the user wrote it: `{node}` stays readable, anything else is shell-quoted when needed. */
const argvWord = (word: string): string => (/^\{[a-z]+\}$/.test(word) ? word : shellQuote(word));

const driverText = (driver: PlanDriver): string => {
  if (driver.type === 'exec')
    return `exec ${driver.exec.upgrade.map(argvWord).join(' ')}  (timeout ${driver.exec.timeoutSeconds}s per node)`;
  const ssh = driver.ssh;
  const address = ssh.addressFrom === 'InternalIP' ? 'InternalIP' : `label ${ssh.addressFrom.label}`;
  const extras = [
    ssh.jumpHost ? `via ${ssh.jumpHost}` : '',
    ssh.identityFile ? `key ${ssh.identityFile}` : '',
    `host keys ${ssh.strictHostKeyChecking === 'yes' ? 'strict' : 'accept-new'}`,
    ssh.packageManager,
    ssh.sudo ? 'sudo' : 'no sudo',
  ].filter((x) => x !== '');
  return `kubeadm over ssh ${ssh.user}@<${address}>:${ssh.port}, ${extras.join(', ')}  (timeout ${ssh.timeoutSeconds}s per node)`;
};

const settings = (plan: UpgradePlan, s: Style): string[] => {
  const { drain, healthGates: gates, etcdSnapshot } = plan.options;
  const drainText = [
    `timeout ${drain.timeoutSeconds}s`,
    drain.gracePeriodSeconds === undefined ? '' : `grace period ${drain.gracePeriodSeconds}s`,
    drain.deleteEmptyDirData ? 'delete emptyDir data' : 'keep pods with emptyDir data (drain fails on them)',
    drain.forceUnmanaged ? 'delete unmanaged pods' : 'refuse unmanaged pods',
    drain.disableEvictionAfterSeconds === undefined
      ? ''
      : `delete instead of evict after ${drain.disableEvictionAfterSeconds}s blocked`,
  ].filter((x) => x !== '');
  const gateList = [
    ...gates.http.map((g) => `GET ${g.url}`),
    ...gates.commands.map((g) => g.argv.map(shellQuote).join(' ')),
  ];
  const gateText =
    gateList.length === 0
      ? `nodes Ready and control-plane pods healthy (timeout ${gates.timeoutSeconds}s, soak ${gates.soakSeconds}s)`
      : `${listSome(gateList, MAX_OBJECTS)} (timeout ${gates.timeoutSeconds}s, soak ${gates.soakSeconds}s)`;
  const etcdText =
    etcdSnapshot.mode === 'none'
      ? 'none'
      : `${etcdSnapshot.mode === 'ssh' ? 'over ssh' : 'local'}, before ${etcdSnapshot.perHop ? 'every control-plane hop' : 'the first control-plane hop'}`;
  return [
    s.bold('Settings:'),
    ...columns(
      [
        ['drain', drainText.join(', ')],
        ['health gates', gateText],
        ['etcd snapshot', etcdText],
        ['node driver', driverText(plan.driver)],
      ],
      { indent: '  ' },
    ),
  ];
};

const SEVERITY_TITLE: Record<Severity, string> = { blocker: 'BLOCKERS', warning: 'WARNINGS', info: 'INFO' };

const objectText = (o: FindingObject): string =>
  `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}${o.detail ? ` (${o.detail})` : ''}`;

const findingLines = (f: Finding, s: Style): string[] => {
  const paint = f.waived ? s.dim : f.severity === 'blocker' ? s.red : f.severity === 'warning' ? s.yellow : s.cyan;
  const objects = f.objects.slice(0, MAX_OBJECTS).map((o) => `      - ${objectText(o)}`);
  if (f.objects.length > MAX_OBJECTS) objects.push(`      … and ${f.objects.length - MAX_OBJECTS} more`);
  return [
    `  ${paint(`[${f.id}]`)}${f.waived ? ' (waived with --ignore-check)' : ''} ${f.message}`,
    ...objects,
    ...(f.remediation ? [`      fix: ${f.remediation}`] : []),
  ];
};

const findings = (plan: UpgradePlan, s: Style): string[] => {
  const waived = plan.findings.filter((f) => f.waived).length;
  const counts = [
    `${plural(plan.summary.blockers, 'blocker')}${waived > 0 ? ` (+${waived} waived)` : ''}`,
    plural(plan.summary.warnings, 'warning'),
    plural(plan.summary.infos, 'info', 'infos'),
  ];
  const lines = [`${s.bold('Findings:')} ${counts.join(', ')}`];
  for (const severity of SEVERITIES) {
    const list = plan.findings.filter((f) => f.severity === severity);
    if (list.length === 0) continue;
    lines.push('', s.bold(SEVERITY_TITLE[severity]));
    for (const f of list) lines.push(...findingLines(f, s));
  }
  return lines;
};

const verdict = (plan: UpgradePlan, planPath: string, s: Style, waivable?: (id: string) => boolean): string[] => {
  if (plan.summary.safe && plan.summary.nodesToUpgrade === 0) {
    return [`${s.green('Nothing to do:')} every node is already at ${plan.to}; there is nothing to apply.`];
  }
  if (plan.summary.safe && plan.controlPlane.hops.length > 0 && plan.options.etcdSnapshot.mode === 'none') {
    // apply refuses a control-plane change without a snapshot unless told: say so here, so "safe" means accepted.
    return [
      `${s.yellow('Safe to apply only with --skip-etcd-snapshot:')} this plan changes the control plane but takes no etcd snapshot, so a rollback could not restore it. Re-plan with --etcd-snapshot local|ssh to keep one, or accept it: ${s.bold(`k8s-upgrade apply ${shellQuote(planPath)} --skip-etcd-snapshot`)}`,
    ];
  }
  if (plan.summary.safe) {
    return [`${s.green('Safe to apply.')} Next: ${s.bold(`k8s-upgrade apply ${shellQuote(planPath)}`)}`];
  }
  const ids = [...new Set(plan.findings.filter((f) => f.severity === 'blocker' && !f.waived).map((f) => f.id))].filter(
    (id) => waivable?.(id) ?? true,
  );
  const fix = `${s.red(`Not safe to apply: ${plural(plan.summary.blockers, 'blocker')}.`)} Fix ${plan.summary.blockers === 1 ? 'it' : 'them'} and run \`k8s-upgrade plan\` again`;
  return [
    ids.length
      ? `${fix}, or waive a check you accept with --ignore-check ID (${ids.join(', ')}).`
      : `${fix}; none of these checks can be waived.`,
  ];
};
