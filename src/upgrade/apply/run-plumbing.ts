/**
 * What `apply` and `rollback` share around their phases: reading the plan, the event emitter that stamps
 * each event and appends it to the run log, the advice texts, and the ApplyContext wiring (driver, drain
 * options, command gates). No decisions here.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { ClusterCache, KubeClusterClient } from '../../cluster/index.js';
import { createDriver, runCommandGate } from '../../nodes/index.js';
import { parsePlan, type UpgradePlan } from '../../plan/index.js';
import type { EventSink } from '../events.js';
import { DEFAULT_APPLY_SETTINGS, type Advice, type ApplyContext, type ApplySettings, type EventBody } from './context.js';
import { ApplyInputError } from './errors.js';
import type { RunJournal } from './run-journal.js';

export function readPlan(path: string): UpgradePlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ApplyInputError(`cannot read the plan ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}. Write one with k8s-upgrade plan --to vX.Y.Z`, { cause: e });
  }
  return parsePlan(text, { source: path });
}

/**
 * The plan is for the cluster the kubeconfig reaches: the kube-system namespace UID decides (a server URL may
 * differ — a load balancer, a new DNS name — and only warns). Throws ApplyInputError otherwise; nothing changed.
 */
export async function checkSameCluster(client: KubeClusterClient, plan: UpgradePlan, warn: (message: string) => void): Promise<void> {
  const identity = await client.identity();
  if (identity.kubeSystemUid !== plan.cluster.kubeSystemUid) {
    throw new ApplyInputError(
      `this plan is for another cluster: it was made for ${plan.cluster.server} (kube-system uid ${plan.cluster.kubeSystemUid}), but the kubeconfig reaches ${identity.server} (kube-system uid ${identity.kubeSystemUid}). Check --kubeconfig/--context, or run k8s-upgrade plan against this cluster. Nothing was changed`,
    );
  }
  if (identity.server !== plan.cluster.server) warn(`the API server URL differs from the plan's (${identity.server} vs ${plan.cluster.server}); the cluster is the same (kube-system uid matches)`);
}

/** `<plan>.log` next to the state file: every event as a JSON line (mode 0600). */
export function runLogPath(statePath: string): string {
  return statePath.replace(/\.state\.json$/, '.log');
}

/**
 * The run's event function: each event gets its time, goes as a JSON line to the run log and then to the
 * sink. The lines of one event-loop turn are appended with one write on the next turn (one descriptor kept
 * open — a 500-node run writes tens of thousands of lines); a process killed outright loses at most that
 * turn's lines of this convenience log, never the journal. `close()` writes what is pending and releases the
 * descriptor; a later event opens it again.
 */
export function makeEmitter(logPath: string, sink: EventSink): ((e: EventBody) => void) & { close(): void } {
  let fd: number | undefined;
  let pending: string[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    scheduled = undefined;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    try {
      fd ??= openSync(logPath, 'a', 0o600);
      writeSync(fd, text);
    } catch {
      // The run log is a convenience; the journal is the record.
    }
  };
  const emit = (e: EventBody) => {
    const ev = { ...e, at: new Date().toISOString() } as Parameters<EventSink>[0];
    pending.push(`${JSON.stringify(ev)}\n`);
    scheduled ??= setImmediate(flush);
    sink(ev);
  };
  const close = () => {
    if (scheduled) clearImmediate(scheduled);
    flush();
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return Object.assign(emit, { close });
}

export function makeAdvice(bin: string, planPath: string): Advice {
  return {
    resume: () => [`${bin} apply ${planPath}`],
    rollback: () => [`${bin} rollback ${planPath}   # to undo instead (restores the etcd snapshot, downgrades the nodes this run upgraded)`],
    afterGate: (failing: string[]) => [`Investigate: ${failing.slice(0, 3).join('; ')}`, `Then resume: ${bin} apply ${planPath}`, `Or undo: ${bin} rollback ${planPath}`],
  };
}

export interface ContextParts {
  plan: UpgradePlan;
  planPath: string;
  client: KubeClusterClient;
  cache: ClusterCache;
  journal: RunJournal;
  signal: AbortSignal;
  settings?: Partial<ApplySettings>;
  driverOptions?: { knownHostsFile?: string; identityFile?: string };
  advice: Advice;
  emit: (e: EventBody) => void;
}

export function makeContext(p: ContextParts): ApplyContext {
  const { plan, signal } = p;
  const settings = { ...DEFAULT_APPLY_SETTINGS, ...p.settings };
  const drain = plan.options.drain;
  return {
    plan,
    planPath: p.planPath,
    driverOptions: p.driverOptions ?? {},
    client: p.client,
    cache: p.cache,
    driver: createDriver(plan.driver, p.driverOptions),
    journal: p.journal,
    signal,
    settings,
    inFlight: new Set(),
    advice: p.advice,
    emit: p.emit,
    drainOptions: () => ({
      timeoutMs: drain.timeoutSeconds * 1000,
      ...(drain.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: drain.gracePeriodSeconds } : {}),
      deleteEmptyDirData: drain.deleteEmptyDirData,
      forceUnmanaged: drain.forceUnmanaged,
      ...(drain.disableEvictionAfterSeconds !== undefined ? { disableEvictionAfterMs: drain.disableEvictionAfterSeconds * 1000 } : {}),
      retryDelayMs: settings.evictionRetryDelayMs,
      waitForBudget: (namespace, pdb, maxMs, sig) => waitForBudget(p.cache, namespace, pdb, maxMs, sig),
      signal,
    }),
    runCommand: (argv, timeoutMs) => runCommandGate(argv, { timeoutMs, signal }),
  };
}

/**
 * After a PDB refused an eviction: retry when the budget (from the watch cache) allows a disruption again —
 * typically when the evicted pod's replacement turns Ready — instead of a blind 5 s, but never sooner than a
 * short jittered pause (the cache may lag the apiserver) and never later than `maxMs`.
 */
async function waitForBudget(cache: ClusterCache, namespace: string, pdb: string, maxMs: number, signal: AbortSignal): Promise<void> {
  const started = Date.now();
  await pause(Math.min(maxMs, 250 + Math.random() * 250), signal);
  const left = maxMs - (Date.now() - started);
  if (left <= 0 || signal.aborted) return;
  await cache.pdbs
    .waitFor(() => {
      const b = cache.pdbs.get(`${namespace}/${pdb}`);
      return !b || (b.current && b.disruptionsAllowed > 0) || undefined;
    }, { timeoutMs: left, signal, what: `PodDisruptionBudget ${namespace}/${pdb} to allow a disruption` })
    .catch(() => undefined);
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
