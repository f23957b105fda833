/**
 * Builds the ApplyContext (the context of one run) that apply and rollback share: the node driver from the
 * plan, the drain options (with the PDB wait that follows the watch cache) and the command gates. No
 * decisions here.
 */
import type { ClusterCache, ClusterClient } from '../../cluster/index.js';
import { createDriver, runCommandGate } from '../../nodes/index.js';
import type { UpgradePlan } from '../../plan/index.js';
import {
  DEFAULT_APPLY_SETTINGS,
  type Advice,
  type ApplyContext,
  type ApplySettings,
  type EventBody,
} from './context.js';
import type { RunJournal } from './run-journal.js';
import { Interruption } from './interruption.js';
import { setMaxListeners } from 'node:events';

export interface ContextParts {
  plan: UpgradePlan;
  planPath: string;
  client: ClusterClient;
  cache: ClusterCache;
  journal: RunJournal;
  signal: AbortSignal;
  /** The first interrupt (pause at a safe point); `signal` aborting implies it. */
  pause?: AbortSignal;
  settings?: Partial<ApplySettings>;
  driverOptions?: { knownHostsFile?: string; identityFile?: string };
  advice: Advice;
  emit: (e: EventBody) => void;
}

export function makeContext(p: ContextParts): ApplyContext {
  const { plan, signal } = p;
  const pause = p.pause ? AbortSignal.any([signal, p.pause]) : signal;
  setMaxListeners(0, pause); // every node in the window listens for it
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
    pause,
    interruption: new Interruption(),
    settings,
    inFlight: new Set(),
    advice: p.advice,
    emit: p.emit,
    drainOptions: () => ({
      timeoutMs: drain.timeoutSeconds * 1000,
      ...(drain.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: drain.gracePeriodSeconds } : {}),
      deleteEmptyDirData: drain.deleteEmptyDirData,
      forceUnmanaged: drain.forceUnmanaged,
      ...(drain.disableEvictionAfterSeconds !== undefined
        ? { disableEvictionAfterMs: drain.disableEvictionAfterSeconds * 1000 }
        : {}),
      retryDelayMs: settings.evictionRetryDelayMs,
      waitForBudget: (namespace, pdb, maxMs, sig) => waitForBudget(p.cache, namespace, pdb, maxMs, sig),
      signal,
      pause,
    }),
    runCommand: (argv, timeoutMs) => runCommandGate(argv, { timeoutMs, signal }),
  };
}

/**
 * After a PDB refused an eviction: retry when the budget (from the watch cache) allows a disruption again —
 * typically when the evicted pod's replacement turns Ready — instead of a blind 5 s, but never sooner than a
 * short jittered pause (the cache may lag the apiserver) and never later than `maxMs`.
 */
async function waitForBudget(
  cache: ClusterCache,
  namespace: string,
  pdb: string,
  maxMs: number,
  signal: AbortSignal,
): Promise<void> {
  const started = Date.now();
  await pause(Math.min(maxMs, 250 + Math.random() * 250), signal);
  const left = maxMs - (Date.now() - started);
  if (left <= 0 || signal.aborted) return;
  await cache.pdbs
    .waitFor(
      () => {
        const b = cache.pdbs.get(`${namespace}/${pdb}`);
        return !b || (b.current && b.disruptionsAllowed > 0) || undefined;
      },
      { timeoutMs: left, signal, what: `PodDisruptionBudget ${namespace}/${pdb} to allow a disruption` },
    )
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
