/**
 * The `exec` node driver: runs the plan's argv template once per node, without a shell, with `{node}`,
 * `{address}`, `{version}`, `{role}` and `{first}` replaced. Exit 0 means the node side is done.
 */
import { argvTemplateProblems, expandArgvTemplate, type ExecDriverSettings } from '../plan/index.js';
import { DriverConfigError } from './driver-config-error.js';
import { outcomeError } from './failure.js';
import { runProcess } from './process-pool.js';
import { NodeDriverError, type DriverIo, type DriverResult, type NodeDriver, type NodeTarget } from './types.js';

const ADDRESS_PLACEHOLDER = /\{address\}/;

/** The argv for one node (the template must be valid; see `argvTemplateProblems`). */
export const execArgv = (template: readonly string[], target: NodeTarget, snapshot?: string): string[] => {
  if (!target.internalIP && template.some((a) => ADDRESS_PLACEHOLDER.test(a))) {
    throw new NodeDriverError(
      `node ${target.node} has no InternalIP, but the exec driver's argv uses {address}; give the node an InternalIP or use {node} instead.`,
      'NO_ADDRESS',
      target.node,
    );
  }
  return expandArgvTemplate(template, {
    node: target.node,
    address: target.internalIP ?? '',
    version: target.version,
    role: target.role,
    first: target.first,
    ...(snapshot !== undefined ? { snapshot } : {}),
  });
};

/** An argv for display: words with spaces or quotes are JSON-quoted (for reading, not for a shell). */
export const displayArgv = (argv: readonly string[]): string =>
  argv.map((a) => (a === '' || /[\s"'\\$`;&|<>(){}*?]/.test(a) ? JSON.stringify(a) : a)).join(' ');

export class ExecNodeDriver implements NodeDriver {
  readonly type = 'exec' as const;

  get timeoutMs(): number {
    return this.settings.timeoutSeconds * 1000;
  }

  constructor(private readonly settings: ExecDriverSettings) {
    const problems = argvTemplateProblems(settings.upgrade);
    if (problems.length > 0) {
      throw new DriverConfigError(
        `the exec driver's argv template is invalid: ${problems.map(([i, m]) => (i < 0 ? m : `upgrade[${i}]: ${m}`)).join('; ')}; fix driver.exec.upgrade in the plan.`,
      );
    }
    if (!(settings.timeoutSeconds > 0))
      throw new DriverConfigError(
        'the exec driver needs timeoutSeconds > 0; fix driver.exec.timeoutSeconds in the plan.',
      );
  }

  async upgrade(target: NodeTarget, io: DriverIo): Promise<DriverResult> {
    return this.run('upgrade', this.settings.upgrade, target, io);
  }

  /** Defined only when the plan has a `downgrade` template (see createDriver's capabilities). */
  async downgrade(target: NodeTarget, io: DriverIo): Promise<DriverResult> {
    if (!this.settings.downgrade)
      throw new NodeDriverError(
        `the plan's exec driver has no downgrade template: ${target.node} cannot be taken back to ${target.version} (re-plan with --exec-downgrade-command)`,
        'FAILED',
        target.node,
      );
    return this.run('downgrade', this.settings.downgrade, target, io);
  }

  async restoreEtcd(target: NodeTarget, snapshotPath: string, io: DriverIo): Promise<DriverResult> {
    if (!this.settings.restoreEtcd)
      throw new NodeDriverError(
        `the plan's exec driver has no restoreEtcd template: the etcd snapshot cannot be restored on ${target.node} (re-plan with --exec-restore-etcd-command)`,
        'FAILED',
        target.node,
      );
    return this.run('restoreEtcd', this.settings.restoreEtcd, target, io, snapshotPath);
  }

  private async run(
    which: 'upgrade' | 'downgrade' | 'restoreEtcd',
    template: readonly string[],
    target: NodeTarget,
    io: DriverIo,
    snapshot?: string,
  ): Promise<DriverResult> {
    const argv = execArgv(template, target, snapshot);
    const [program, ...args] = argv as [string, ...string[]];
    const timeoutMs = this.settings.timeoutSeconds * 1000;
    const o = await runProcess(program, args, {
      timeoutMs,
      signal: io.signal,
      onLine: (s, l) => io.onOutput(s, l),
      survivesExit: true,
      ...(io.onStart ? { onPid: io.onStart } : {}),
    });
    if (o.exitCode === 0 && !o.timedOut && !o.aborted)
      return { durationMs: o.durationMs, commands: [displayArgv(argv)] };
    throw outcomeError(o, {
      node: target.node,
      what: `exec driver ${which} (${displayArgv(argv)})`,
      program,
      timeoutMs,
      notFoundAdvice: `Install it on the machine that runs k8s-upgrade, or give its absolute path as driver.exec.${which}[0] in the plan.`,
    });
  }
}
