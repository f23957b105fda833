/**
 * Drains one node with kubectl's semantics, for a tool that must never cause downtime: one paged list of
 * the node's pods, the filters (any unsafe pod stops the drain BEFORE anything is evicted), concurrent
 * evictions that wait out PodDisruptionBudgets, and one watch that sees each removed pod gone by UID. The
 * whole drain is bounded by `timeoutMs`; every timer and watch is released on every path. It does not
 * cordon: the caller cordons first, and the node stays cordoned when the drain fails.
 */
import { ClusterApiError, type OwnerRef, type PodInfo } from '../cluster/index.js';
import { podKey, type DrainClient } from './client.js';
import { DrainState } from './drain-state.js';
import { deletePod, evictPod, PodFailure, type EvictContext, type Removal } from './evict.js';
import { daemonSetsToCheck, selectPods, type PodSelection } from '../kube/index.js';
import { UNSAFE_REASONS } from './filters.js';
import { pdbsSelecting } from './pdb-match.js';
import { sleepRejectingOnAbort, whenAborted } from './sleep.js';
import {
  DrainError,
  type BlockingPod,
  type DrainErrorCode,
  type DrainEvent,
  type DrainOptions,
  type DrainResult,
} from './types.js';
import { GoneTracker } from './wait-gone.js';

/** Why the drain's internal signal was aborted. */
class Stop extends Error {
  constructor(readonly why: 'TIMEOUT' | 'ABORTED' | 'DONE') {
    super(why);
  }
}

const MAX_TIMER_MS = 2 ** 31 - 1;

interface Run {
  node: string;
  client: DrainClient;
  opts: DrainOptions;
  onEvent: (e: DrainEvent) => void;
  state: DrainState;
  ignored: string[];
  touched: Map<string, OwnerRef>;
  started: number;
  signal: AbortSignal;
  tracker?: GoneTracker;
  toRemove: PodInfo[];
}

export async function drainNode(
  client: DrainClient,
  node: string,
  opts: DrainOptions,
  onEvent: (e: DrainEvent) => void,
): Promise<DrainResult> {
  const ac = new AbortController();
  const run: Run = {
    node,
    client,
    opts,
    onEvent,
    state: new DrainState(),
    ignored: [],
    touched: new Map(),
    started: Date.now(),
    signal: ac.signal,
    toRemove: [],
  };
  if (opts.signal?.aborted)
    throw drainError(run, `the drain of node ${node} was aborted before it started`, 'ABORTED', []);
  const onUserAbort = () => ac.abort(new Stop('ABORTED'));
  opts.signal?.addEventListener('abort', onUserAbort, { once: true });
  const deadline = Number.isFinite(opts.timeoutMs)
    ? setTimeout(() => ac.abort(new Stop('TIMEOUT')), Math.min(Math.max(0, opts.timeoutMs), MAX_TIMER_MS))
    : undefined;
  const aborted = whenAborted(ac.signal);
  try {
    await Promise.race([drainSteps(run), aborted.promise]);
    return { ...snapshot(run), durationMs: Date.now() - run.started };
  } catch (e) {
    throw await toDrainError(run, e);
  } finally {
    if (deadline) clearTimeout(deadline);
    opts.signal?.removeEventListener('abort', onUserAbort);
    aborted.dispose();
    run.tracker?.stop();
    // Stops the per-pod tasks still sleeping between retries.
    if (!ac.signal.aborted) ac.abort(new Stop('DONE'));
  }
}

async function drainSteps(run: Run): Promise<void> {
  const { client, node, opts } = run;
  const { pods, resourceVersion } = await listWithRetry(run);
  const alive = new Map<string, boolean>();
  for (const ds of daemonSetsToCheck(pods))
    alive.set(`${ds.namespace}/${ds.name}`, await client.daemonSetExists(ds.namespace, ds.name));
  run.signal.throwIfAborted();
  const sel = selectPods(pods, opts, (ns, name) => alive.get(`${ns}/${name}`) !== false);
  if (sel.unsafe.length > 0) throw unsafeError(run, sel);
  reportIgnored(run, sel);
  run.toRemove = [...sel.evict, ...sel.delete];
  for (const p of run.toRemove) if (p.controller) run.touched.set(p.controller.uid, p.controller);
  if (run.toRemove.length === 0) return;
  run.tracker = new GoneTracker(client, node, pods, resourceVersion);
  // Not awaited: the watch starts at the list's resourceVersion, so the evictions need not wait for its
  // connection — every event after the list reaches the tracker whenever the stream opens.
  void run.tracker.start();
  const ctx: EvictContext = { client, opts, state: run.state, signal: run.signal, onEvent: run.onEvent };
  await Promise.all([
    ...sel.evict.map((p) => removeAndWait(run, ctx, p, evictPod)),
    ...sel.delete.map((p) => removeAndWait(run, ctx, p, deletePod)),
  ]);
}

async function removeAndWait(
  run: Run,
  ctx: EvictContext,
  pod: PodInfo,
  remove: (ctx: EvictContext, pod: PodInfo) => Promise<Removal>,
): Promise<void> {
  const key = podKey(pod);
  const how = await remove(ctx, pod);
  if (how !== 'gone') {
    run.state.pending.add(key);
    await run.tracker!.waitGone(pod.uid);
    run.state.pending.delete(key);
  }
  run.signal.throwIfAborted();
  run.onEvent({ type: 'pod-gone', pod: key });
}

function reportIgnored(run: Run, sel: PodSelection<PodInfo>): void {
  for (const reason of ['daemonset', 'mirror'] as const) {
    const pods = sel.ignored[reason].map(podKey);
    if (pods.length === 0) continue;
    run.ignored.push(...pods);
    run.onEvent({ type: 'pods-ignored', reason, pods });
  }
}

function snapshot(run: Run): Omit<DrainResult, 'durationMs'> {
  const s = run.state;
  return {
    node: run.node,
    evicted: [...s.evicted],
    deleted: [...s.deleted],
    ignored: [...run.ignored],
    touched: [...run.touched.values()],
    evictionRequests: s.evictionRequests,
    blockedMs: s.blockedMs,
  };
}

function drainError(run: Run, message: string, code: DrainErrorCode, pods: BlockingPod[], cause?: unknown): DrainError {
  return new DrainError(
    message,
    code,
    run.node,
    pods,
    { ...snapshot(run), durationMs: Date.now() - run.started },
    cause === undefined ? undefined : { cause },
  );
}

function unsafeError(run: Run, sel: PodSelection<PodInfo>): DrainError {
  const pods = sel.unsafe.map((u) => ({ pod: podKey(u.pod), message: UNSAFE_REASONS[u.kind] }));
  const groups = new Map<string, string[]>();
  for (const p of pods) groups.set(p.message, [...(groups.get(p.message) ?? []), p.pod]);
  const parts = [...groups].map(([reason, names]) => `${reason}: ${names.join(', ')}`);
  return drainError(
    run,
    `cannot drain node ${run.node}, nothing was evicted: ${parts.join('; ')}`,
    'UNSAFE_PODS',
    pods,
  );
}

/** The node's pods; an unreachable API or a 502/503/504 is retried (3 attempts, 1 s apart) before the drain gives up. */
async function listWithRetry(run: Run): ReturnType<DrainClient['listPodsOnNode']> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run.client.listPodsOnNode(run.node);
    } catch (e) {
      if (!(e instanceof ClusterApiError && [0, 502, 503, 504].includes(e.status)) || attempt >= 3) throw e;
      await sleepRejectingOnAbort(1000, run.signal);
      run.signal.throwIfAborted();
    }
  }
}

async function toDrainError(run: Run, e: unknown): Promise<DrainError> {
  if (e instanceof DrainError) return e;
  const node = run.node;
  if (e instanceof Stop && e.why === 'ABORTED')
    return drainError(run, `the drain of node ${node} was aborted; the node stays cordoned`, 'ABORTED', []);
  if (e instanceof Stop && e.why === 'TIMEOUT') return timeoutError(run);
  if (e instanceof PodFailure && e.code === 'MULTIPLE_PDBS') return multiplePdbsError(run, e);
  if (e instanceof PodFailure && e.code === 'PAUSED')
    return drainError(
      run,
      `the drain of node ${node} paused between evictions (${removedSoFar(run)} removed so far); the node stays cordoned and a resumed run drains the rest`,
      'PAUSED',
      [],
    );
  if (e instanceof PodFailure)
    return drainError(
      run,
      `${e.message}; the node ${node} stays cordoned`,
      'EVICTION_FAILED',
      [{ pod: podKey(e.pod), message: e.message }],
      e,
    );
  return drainError(
    run,
    `the drain of node ${node} failed: ${(e as Error)?.message ?? String(e)}; the node stays cordoned`,
    'EVICTION_FAILED',
    [],
    e,
  );
}

function removedSoFar(run: Run): string {
  const n = run.state.evicted.length + run.state.deleted.length;
  return `${n} pod${n === 1 ? '' : 's'}`;
}

function timeoutError(run: Run): DrainError {
  const { node, opts, state } = run;
  const blocked = [...state.blocked.values()].sort((a, b) => a.pod.localeCompare(b.pod));
  if (blocked.length > 0) {
    const names = blocked.map((b) => `${b.pod}${b.pdb ? ` (PodDisruptionBudget ${b.pdb})` : ''}: ${b.message}`);
    return drainError(
      run,
      `the drain of node ${node} timed out after ${opts.timeoutMs} ms with evictions still refused by PodDisruptionBudgets: ${names.join('; ')}. ` +
        'The pods were not deleted and the node stays cordoned. Wait for the budgets to allow a disruption (scale the workload up, or relax the budget), then run again.',
      'PDB_BLOCKED',
      blocked,
    );
  }
  const pending = [...state.pending].sort();
  const watchNote = run.tracker?.lastError ? ` (last watch error: ${run.tracker.lastError.message})` : '';
  const what =
    pending.length > 0 ? `evicted pods still terminating: ${pending.join(', ')}` : 'the drain did not finish';
  return drainError(
    run,
    `the drain of node ${node} timed out after ${opts.timeoutMs} ms; ${what}${watchNote}. The node stays cordoned; check why the pods do not terminate (finalizers, a long grace period) or raise the timeout.`,
    'TIMEOUT',
    pending.map((pod) => ({ pod, message: 'still terminating' })),
  );
}

async function multiplePdbsError(run: Run, e: PodFailure): Promise<DrainError> {
  let byPod: BlockingPod[] = [{ pod: podKey(e.pod), message: e.message }];
  try {
    const pdbs = (await run.client.listPdbs()).filter(
      (b) => b.namespace === e.pod.namespace || run.toRemove.some((p) => p.namespace === b.namespace),
    );
    const found = run.toRemove.map((p) => ({ p, names: pdbsSelecting(p, pdbs) })).filter((x) => x.names.length > 1);
    if (found.length > 0)
      byPod = found.map(({ p, names }) => ({
        pod: podKey(p),
        pdb: names.join(', '),
        message: `selected by more than one PodDisruptionBudget: ${names.join(', ')}`,
      }));
  } catch {
    // Naming the budgets is best effort: the Eviction API's message still says what is wrong.
  }
  const names = byPod.map((b) => `${b.pod}${b.pdb ? ` (PodDisruptionBudgets ${b.pdb})` : ''}`);
  return drainError(
    run,
    `cannot drain node ${run.node}: the Eviction API refuses pods selected by more than one PodDisruptionBudget: ${names.join('; ')}. ` +
      'Make each pod match at most one budget (edit or delete one of them), then run again; the node stays cordoned.',
    'MULTIPLE_PDBS',
    byPod,
    e,
  );
}
