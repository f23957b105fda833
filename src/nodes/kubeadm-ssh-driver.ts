/**
 * The `kubeadm-ssh` node driver: connects with the OpenSSH client (batch mode, the plan's host key policy) and
 * runs the kubeadm upgrade script for the node's role in one remote `sh`. The remote command string is built
 * from validated values, every word quoted. Errors name the failing step, or say that ssh itself failed.
 */
import type { SshSettings } from '../plan/index.js';
import { outcomeError } from './failure.js';
import { kubeadmScript, kubeadmSteps, remoteCommand, STEP_MARKER, type KubeadmStep } from './kubeadm-script.js';
import { runProcess, type RunProcessOutcome } from './run-process.js';
import { shellJoin } from './shell-quote.js';
import { checkSshSettings, sshAddress, sshArgv, type SshClientOptions } from './ssh-args.js';
import { NodeDriverError, type DriverIo, type DriverResult, type NodeDriver, type NodeTarget } from './types.js';

export interface KubeadmSshDriverOptions extends SshClientOptions {
  /** The ssh client program (default `ssh` from PATH). */
  readonly sshBinary?: string;
}

const HOST_KEY_PROBLEM = [
  /Host key verification failed/i,
  /REMOTE HOST IDENTIFICATION HAS CHANGED/,
  /host key .* (is not known|mismatch)/i,
  /No \S+ host key is known for/i,
];

const tailText = (tail: readonly string[]): string => (tail.length ? `\n  last output:\n    ${tail.join('\n    ')}` : '');

export class KubeadmSshNodeDriver implements NodeDriver {
  readonly type = 'kubeadm-ssh' as const;
  private readonly ssh: string;

  constructor(
    private readonly settings: SshSettings,
    private readonly opts: KubeadmSshDriverOptions = {},
  ) {
    checkSshSettings(settings);
    this.ssh = opts.sshBinary ?? 'ssh';
  }

  async upgrade(target: NodeTarget, io: DriverIo): Promise<DriverResult> {
    const s = this.settings;
    const address = sshAddress(s, target);
    let steps: KubeadmStep[];
    try {
      steps = kubeadmSteps(target, s);
    } catch (e) {
      throw new NodeDriverError(`refusing to upgrade ${target.node} over ssh: ${(e as Error).message}; nothing ran on the node.`, 'FAILED', target.node, undefined, [], {
        cause: e,
      });
    }
    const argv = sshArgv(s, address, remoteCommand(kubeadmScript(steps)), this.opts);
    const timeoutMs = s.timeoutSeconds * 1000;

    let step: { index: number; title: string } | undefined;
    let stderrLines: string[] = [];
    const o = await runProcess(this.ssh, argv, {
      timeoutMs,
      signal: io.signal,
      onLine: (stream, line) => {
        const m = stream === 'stdout' ? STEP_MARKER.exec(line) : null;
        if (m) step = { index: Number(m[1]), title: m[3] ?? '' };
        if (stream === 'stderr') stderrLines = [...stderrLines.slice(-49), line];
        io.onOutput(stream, line);
      },
    });
    const commands = [
      `${this.ssh} ${shellJoin(argv.slice(0, -1))} <script>`,
      ...steps.map((st) => shellJoin(st.argv)),
    ];
    if (o.exitCode === 0 && !o.timedOut && !o.aborted) return { durationMs: o.durationMs, commands };
    throw this.error(o, target, address, steps, step, stderrLines, timeoutMs);
  }

  private error(
    o: RunProcessOutcome,
    target: NodeTarget,
    address: string,
    steps: readonly KubeadmStep[],
    step: { index: number; title: string } | undefined,
    stderr: readonly string[],
    timeoutMs: number,
  ): NodeDriverError {
    const s = this.settings;
    const dest = `${s.user}@${address}:${s.port}`;
    const where = step ? ` at step ${step.index}/${steps.length} "${step.title}"` : '';
    if (o.exitCode !== undefined && o.exitCode !== 0 && !o.timedOut && !o.aborted) {
      if (!step && stderr.some((l) => HOST_KEY_PROBLEM.some((re) => re.test(l)))) {
        return new NodeDriverError(
          `ssh to ${target.node} (${dest}) refused the host key: it is not in known_hosts or it changed. ` +
            `Verify the node's host key and add it to ${this.opts.knownHostsFile ?? '~/.ssh/known_hosts'} (ssh-keyscan -p ${s.port} ${address}), ` +
            `or re-plan with --ssh-accept-new-host-keys to trust keys seen for the first time.${tailText(o.tail)}`,
          'HOST_KEY',
          target.node,
          o.exitCode,
          o.tail,
        );
      }
      if (!step && o.exitCode === 255) {
        return new NodeDriverError(
          `ssh itself failed to reach ${target.node} (${dest}, exit 255): nothing ran on the node. ` +
            `Check the address, port, user, key (${this.opts.identityFile ?? s.identityFile ?? 'ssh default'}) and that sshd is up, e.g. with ssh -p ${s.port} ${s.user}@${address} true.${tailText(o.tail)}`,
          'FAILED',
          target.node,
          o.exitCode,
          o.tail,
        );
      }
      const code = o.exitCode === 255 ? '255 (the remote step, or ssh losing the connection)' : String(o.exitCode);
      return new NodeDriverError(
        `kubeadm upgrade of ${target.node} over ssh failed${where} with exit code ${code}; later steps did not run. ` +
          `Fix the cause on the node, then re-run (the steps are safe to repeat).${tailText(o.tail)}`,
        'FAILED',
        target.node,
        o.exitCode,
        o.tail,
      );
    }
    const e = outcomeError(o, {
      node: target.node,
      what: `kubeadm upgrade over ssh (${dest})${where}`,
      program: this.ssh,
      timeoutMs,
      notFoundAdvice: 'Install the OpenSSH client on the machine that runs k8s-upgrade (apt-get install openssh-client).',
    });
    return e;
  }
}
