/**
 * The `kubeadm-ssh` node driver: connects with the OpenSSH client (batch mode, the plan's host key policy) and
 * runs the kubeadm upgrade script for the node's role in one remote `sh`. The remote command string is built
 * from validated values, every word quoted. Errors name the failing step, or say that ssh itself failed.
 */
import type { SshSettings } from '../plan/index.js';
import { outcomeError } from './failure.js';
import {
  driverPidFile,
  driverRunningArgv,
  kubeadmScript,
  kubeadmSteps,
  remoteCommand,
  STEP_MARKER,
  type KubeadmStep,
} from './kubeadm-script.js';
import { sshRunner } from './ssh-runner.js';
import {
  downgradeSteps,
  etcdMemberCheck,
  peerUrlFor,
  prepareEtcdRestoreSteps,
  restoreEtcdPaths,
  restoreEtcdSteps,
  type RestoreEtcdPaths,
  type RollbackScriptOptions,
  type RollbackStep,
} from './kubeadm-rollback-script.js';
import { runProcess } from './process-pool.js';
import type { RunProcessOutcome } from './run-process.js';
import { shellJoin } from './shell-quote.js';
import { checkSshSettings, sshAddress, sshArgv, type SshClientOptions } from './ssh-args.js';
import { sha256File, sshUpload } from './ssh-upload.js';
import {
  NodeDriverError,
  type DriverIo,
  type DriverResult,
  type EtcdMember,
  type NodeDriver,
  type NodeTarget,
} from './types.js';

export interface KubeadmSshDriverOptions extends SshClientOptions {
  /** The ssh client program (default `ssh` from PATH). */
  readonly sshBinary?: string;
  /**
   * Tests only: a prefix for the node-side paths of `downgrade` and `restoreEtcd` (`<root>/etc/kubernetes`,
   * `<root>/var/lib/etcd`), so their file operations run against a fake tree. Not settable from a plan.
   */
  readonly nodeRoot?: string;
}

/** What one remote script run is, for messages. */
interface ScriptRun {
  /** `kubeadm upgrade`, `downgrade to v1.31.4`, `etcd restore`. */
  what: string;
  steps: readonly KubeadmStep[];
  /** What the user should know and do when it failed after `step` (1-based) started, or before any step. */
  advice(step: number | undefined): string;
  cleanup?: readonly string[];
}

/** A compact UTC time for the names of kept dirs: `20250101T120000123Z` (with milliseconds, so two runs never share one). */
const stampNow = (): string => new Date().toISOString().replace(/[-:.]/g, '');

const HOST_KEY_PROBLEM = [
  /Host key verification failed/i,
  /REMOTE HOST IDENTIFICATION HAS CHANGED/,
  /host key .* (is not known|mismatch)/i,
  /No \S+ host key is known for/i,
];

const tailText = (tail: readonly string[]): string =>
  tail.length ? `\n  last output:\n    ${tail.join('\n    ')}` : '';

export class KubeadmSshNodeDriver implements NodeDriver {
  readonly type = 'kubeadm-ssh' as const;
  private readonly ssh: string;

  get timeoutMs(): number {
    return this.settings.timeoutSeconds * 1000;
  }

  constructor(
    private readonly settings: SshSettings,
    private readonly opts: KubeadmSshDriverOptions = {},
  ) {
    checkSshSettings(settings);
    this.ssh = opts.sshBinary ?? 'ssh';
  }

  /** Asks the node: is the pid in the driver's pid file (written by the node-side script) still running? */
  async driverRunning(target: Pick<NodeTarget, 'node' | 'internalIP' | 'labels'>): Promise<boolean | undefined> {
    const address = sshAddress(this.settings, { ...target, role: 'worker', version: '', first: false });
    const r = await sshRunner(this.settings, address, { ...this.opts, label: target.node }).run(
      driverRunningArgv(driverPidFile(target.node)),
      { timeoutMs: 30_000 },
    );
    return r.exitCode === 0 ? true : r.exitCode === 1 ? false : undefined;
  }

  async upgrade(target: NodeTarget, io: DriverIo): Promise<DriverResult> {
    const address = sshAddress(this.settings, target);
    let steps: KubeadmStep[];
    try {
      steps = kubeadmSteps(target, this.settings);
    } catch (e) {
      throw new NodeDriverError(
        `refusing to upgrade ${target.node} over ssh: ${(e as Error).message}; nothing ran on the node.`,
        'FAILED',
        target.node,
        undefined,
        [],
        {
          cause: e,
        },
      );
    }
    return this.runScript(target, address, io, {
      what: 'kubeadm upgrade',
      steps,
      advice: () => 'Fix the cause on the node, then re-run (the steps are safe to repeat).',
    });
  }

  /** Packages back at `target.version`; on a control-plane node also the static-pod manifests kubeadm backed up. */
  async downgrade(target: NodeTarget, io: DriverIo): Promise<DriverResult> {
    const address = sshAddress(this.settings, target);
    let steps: RollbackStep[];
    try {
      steps = downgradeSteps(target, { ...this.settings, root: this.opts.nodeRoot ?? '', stamp: stampNow() });
    } catch (e) {
      throw new NodeDriverError(
        `refusing to downgrade ${target.node} over ssh: ${(e as Error).message}; nothing ran on the node.`,
        'FAILED',
        target.node,
        undefined,
        [],
        {
          cause: e,
        },
      );
    }
    const cp = target.role === 'control-plane';
    return this.runScript(
      target,
      address,
      io,
      {
        what: `downgrade to ${target.version}`,
        steps,
        advice: (step) =>
          cp && step === 1
            ? 'Nothing was changed on the node.'
            : `Fix the cause on the node (an older package must be available from the package repository configured there), then re-run the rollback (the steps are safe to repeat).`,
      },
      (st) => (st as RollbackStep).display,
    );
  }

  /**
   * Stops etcd and the apiserver on this control-plane node for a restore, and restores nothing: uploads the snapshot
   * (0600) so its sha256 is checked on the node before anything stops, moves the static-pod manifests to the
   * per-snapshot aside dir `restoreEtcd` looks in, waits until the containers are stopped, removes the upload.
   * Safe to repeat (manifests already aside stay there); `restoreEtcd` afterwards uploads the snapshot again.
   */
  async prepareEtcdRestore(target: NodeTarget, snapshotPath: string, io: DriverIo): Promise<DriverResult> {
    return this.uploadAndRun(target, snapshotPath, io, {
      what: 'etcd restore preparation',
      verb: 'prepare the etcd restore on',
      steps: (input, opts) => prepareEtcdRestoreSteps(target, input, opts),
      advice: (step, p) => prepareAdvice(step, p),
    });
  }

  /**
   * Uploads the snapshot (0600, sha256 checked on the node), then restores it on this node's stacked etcd member:
   * manifests aside (etcd and the apiserver stop), restore into a new dir, old data dir kept, manifests back.
   */
  async restoreEtcd(
    target: NodeTarget,
    snapshotPath: string,
    io: DriverIo,
    members?: readonly EtcdMember[],
  ): Promise<DriverResult> {
    let memberList: readonly EtcdMember[];
    if (members) memberList = members;
    else if (target.internalIP) memberList = [{ node: target.node, peerUrl: peerUrlFor(target.internalIP) }];
    else throw refuseRestore(target, `the node has no InternalIP for its etcd peer URL and no member list was given`);
    try {
      etcdMemberCheck(target.node, memberList);
    } catch (e) {
      throw refuseRestore(target, (e as Error).message, e);
    }
    return this.uploadAndRun(target, snapshotPath, io, {
      what: 'etcd restore',
      verb: 'restore etcd on',
      steps: (input, opts) => restoreEtcdSteps(target, { ...input, members: memberList }, opts),
      advice: (step, p) => restoreAdvice(step, p),
    });
  }

  /** Uploads the snapshot to a fresh path on the node, then runs the steps built for it (which remove it at the end). */
  private async uploadAndRun(
    target: NodeTarget,
    snapshotPath: string,
    io: DriverIo,
    run: {
      what: string;
      verb: string;
      steps(input: { remoteSnapshot: string; sha256: string }, opts: RollbackScriptOptions): RollbackStep[];
      advice(step: number | undefined, p: RestoreEtcdPaths): string;
    },
  ): Promise<DriverResult> {
    const started = Date.now();
    const s = this.settings;
    const address = sshAddress(s, target);
    let sha256: string;
    try {
      sha256 = await sha256File(snapshotPath);
    } catch (e) {
      throw refuseRestore(target, `cannot read the snapshot ${snapshotPath}: ${(e as Error).message}`, e, run.verb);
    }
    const opts = { ...s, root: this.opts.nodeRoot ?? '', stamp: stampNow() };
    let paths: RestoreEtcdPaths;
    let steps: RollbackStep[];
    const remoteSnapshot = `${this.opts.nodeRoot ?? ''}/var/lib/k8s-upgrade-snapshot-${opts.stamp}.db`;
    try {
      paths = restoreEtcdPaths(sha256, opts);
      steps = run.steps({ remoteSnapshot, sha256 }, opts);
    } catch (e) {
      throw refuseRestore(target, (e as Error).message, e, run.verb);
    }

    io.onOutput(
      'stdout',
      `==> upload ${snapshotPath} to ${target.node}:${remoteSnapshot} (mode 0600, sha256 ${sha256})`,
    );
    try {
      await sshUpload(s, address, snapshotPath, remoteSnapshot, {
        ...this.opts,
        sshBinary: this.ssh,
        timeoutMs: s.timeoutSeconds * 1000,
        signal: io.signal,
      });
    } catch (e) {
      throw new NodeDriverError(
        `${run.what} on ${target.node} over ssh failed while uploading the snapshot: ${(e as Error).message}. Nothing else ran on the node (a partial ${remoteSnapshot} may be left: remove it). Check ssh and the free space in ${remoteSnapshot.replace(/\/[^/]*$/, '')}, then re-run.`,
        io.signal?.aborted ? 'ABORTED' : 'FAILED',
        target.node,
        undefined,
        [],
        { cause: e },
      );
    }
    const r = await this.runScript(
      target,
      address,
      io,
      {
        what: run.what,
        steps,
        cleanup: [...(s.sudo ? ['sudo', '-n'] : []), 'rm', '-f', '--', remoteSnapshot],
        advice: (step) => run.advice(step, paths),
      },
      (st) => (st as RollbackStep).display,
    );
    return { durationMs: Date.now() - started, commands: [`${this.ssh} … <upload ${remoteSnapshot}>`, ...r.commands] };
  }

  private async runScript(
    target: NodeTarget,
    address: string,
    io: DriverIo,
    run: ScriptRun,
    display: (st: KubeadmStep) => string = (st) => shellJoin(st.argv),
  ): Promise<DriverResult> {
    const s = this.settings;
    const { steps } = run;
    const argv = sshArgv(
      s,
      address,
      remoteCommand(
        kubeadmScript(steps, { ...(run.cleanup ? { cleanup: run.cleanup } : {}), pidFile: driverPidFile(target.node) }),
      ),
      this.opts,
    );
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
    const commands = [`${this.ssh} ${shellJoin(argv.slice(0, -1))} <script>`, ...steps.map(display)];
    if (o.exitCode === 0 && !o.timedOut && !o.aborted) return { durationMs: o.durationMs, commands };
    throw this.error(o, target, address, run, step, stderrLines, timeoutMs);
  }

  private error(
    o: RunProcessOutcome,
    target: NodeTarget,
    address: string,
    run: ScriptRun,
    step: { index: number; title: string } | undefined,
    stderr: readonly string[],
    timeoutMs: number,
  ): NodeDriverError {
    const s = this.settings;
    const dest = `${s.user}@${address}:${s.port}`;
    const steps = run.steps;
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
        `${run.what} of ${target.node} over ssh failed${where} with exit code ${code}; later steps did not run. ` +
          `${run.advice(step?.index)}${tailText(o.tail)}`,
        'FAILED',
        target.node,
        o.exitCode,
        o.tail,
      );
    }
    const e = outcomeError(o, {
      node: target.node,
      what: `${run.what} over ssh (${dest})${where}`,
      program: this.ssh,
      timeoutMs,
      notFoundAdvice:
        'Install the OpenSSH client on the machine that runs k8s-upgrade (apt-get install openssh-client).',
    });
    if (run.what === 'kubeadm upgrade' || (!o.timedOut && !o.aborted)) return e;
    return new NodeDriverError(`${e.message}\n  ${run.advice(step?.index)}`, e.code, e.node, e.exitCode, e.tail, {
      cause: e,
    });
  }
}

const refuseRestore = (target: NodeTarget, why: string, cause?: unknown, verb = 'restore etcd on'): NodeDriverError =>
  new NodeDriverError(
    `refusing to ${verb} ${target.node} over ssh: ${why}; nothing ran on the node.`,
    'FAILED',
    target.node,
    undefined,
    [],
    { cause },
  );

/** What state a failed prepare left the node in, by the step that failed (1-based; see prepareEtcdRestoreSteps). */
const prepareAdvice = (step: number | undefined, p: RestoreEtcdPaths): string => {
  if (step === undefined || step <= 1)
    return 'Nothing was changed on the node; fix the cause, then run rollback again.';
  if (step <= 3)
    return `etcd and the apiserver may be stopping: the manifests moved so far are in ${p.aside}; ${p.etcdData} is untouched. Fix the cause and run rollback again (the restore finds them there), or start them again without a restore (mv ${p.aside}/*.yaml ${p.manifests}/).`;
  return `etcd and the apiserver are stopped (their manifests are in ${p.aside}) and wait for the restore; remove the uploaded snapshot by hand, then run rollback again.`;
};

/** What state a failed etcd restore left the node in, by the step that failed (1-based; see restoreEtcdSteps). */
const restoreAdvice = (step: number | undefined, p: RestoreEtcdPaths): string => {
  const back = `mv ${p.aside}/*.yaml ${p.manifests}/`;
  if (step === undefined || step <= 1)
    return 'Nothing was changed on the node; fix the cause, then run rollback again.';
  if (step <= 4)
    return `etcd and the apiserver are stopped: their manifests are in ${p.aside}; ${p.etcdData} is untouched. Fix the cause and run rollback again, or start them without the restore (${back}).`;
  if (step === 5)
    return `The old etcd data dir is kept at ${p.old} (if it was already moved; else it is still ${p.etcdData}); the restored data is in ${p.restored} or ${p.etcdData}; the manifests are in ${p.aside}. Fix the cause and run rollback again.`;
  if (step === 6)
    return `${p.etcdData} holds the restored data, the old data dir is kept at ${p.old}; manifests still in ${p.aside} are not running: ${back}.`;
  return `The restore is done and etcd and the apiserver are back (the old data dir is kept at ${p.old}); remove the uploaded snapshot by hand.`;
};
