/**
 * The `exec` node driver: runs the plan's argv template once per node, without a shell, with `{node}`,
 * `{address}`, `{version}`, `{role}` and `{first}` replaced. Exit 0 means the node side is done.
 */
import { argvTemplateProblems, expandArgvTemplate, type ExecDriverSettings } from '../plan/index.js';
import { DriverConfigError } from './driver-config-error.js';
import { outcomeError } from './failure.js';
import { runProcess } from './run-process.js';
import { NodeDriverError, type DriverIo, type DriverResult, type NodeDriver, type NodeTarget } from './types.js';

const ADDRESS_PLACEHOLDER = /\{address\}/;

/** The argv for one node (the template must be valid; see `argvTemplateProblems`). */
export const execArgv = (template: readonly string[], target: NodeTarget): string[] => {
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
  });
};

/** An argv for display: words with spaces or quotes are JSON-quoted (for reading, not for a shell). */
export const displayArgv = (argv: readonly string[]): string =>
  argv.map((a) => (a === '' || /[\s"'\\$`;&|<>(){}*?]/.test(a) ? JSON.stringify(a) : a)).join(' ');

export class ExecNodeDriver implements NodeDriver {
  readonly type = 'exec' as const;

  constructor(private readonly settings: ExecDriverSettings) {
    const problems = argvTemplateProblems(settings.upgrade);
    if (problems.length > 0) {
      throw new DriverConfigError(
        `the exec driver's argv template is invalid: ${problems.map(([i, m]) => (i < 0 ? m : `upgrade[${i}]: ${m}`)).join('; ')}; fix driver.exec.upgrade in the plan.`,
      );
    }
    if (!(settings.timeoutSeconds > 0)) throw new DriverConfigError('the exec driver needs timeoutSeconds > 0; fix driver.exec.timeoutSeconds in the plan.');
  }

  async upgrade(target: NodeTarget, io: DriverIo): Promise<DriverResult> {
    const argv = execArgv(this.settings.upgrade, target);
    const [program, ...args] = argv as [string, ...string[]];
    const timeoutMs = this.settings.timeoutSeconds * 1000;
    const o = await runProcess(program, args, { timeoutMs, signal: io.signal, onLine: (s, l) => io.onOutput(s, l) });
    if (o.exitCode === 0 && !o.timedOut && !o.aborted) return { durationMs: o.durationMs, commands: [displayArgv(argv)] };
    throw outcomeError(o, {
      node: target.node,
      what: `exec driver (${displayArgv(argv)})`,
      program,
      timeoutMs,
      notFoundAdvice: `Install it on the machine that runs k8s-upgrade, or give its absolute path as driver.exec.upgrade[0] in the plan.`,
    });
  }
}
