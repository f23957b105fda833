/**
 * The live TTY renderer: a listr2 task tree (DefaultRenderer) of preflight → phases → nodes, built up front
 * from `run-started` (which lists every phase and its nodes) and driven only by events: every task waits on
 * promises keyed by phase/node that the events settle. Node titles show the current step and counts, the
 * output bar under a node shows why it waits (a PDB-refused eviction, a failing gate, the driver's last line).
 * listr2 never decides anything: the executor runs the nodes, the tree mirrors it. `close()` settles every
 * promise still open (pending tasks end as skipped), so listr2 always finishes, whether the run finished,
 * paused or stopped midway. It never reads the environment and writes only to the stream it is given.
 */
import { ListrTaskState, type ListrTask } from 'listr2';
import type { EventOf, NodeStep, RunSummary, UpgradeEvent } from '../../../upgrade/run/index.js';
import { makeStyle, plural } from '../style.js';
import { blockedText, phaseProgressText, evictedCount, formatDuration, gateText, STEP_ACTIVITY } from './format.js';
import { deferred, runTree, type Deferred, type Wrapper } from './listr-parts.js';

type Start = { kind: 'start' } | { kind: 'skip'; reason: string };
type NodeEnd = { kind: 'done'; text: string } | { kind: 'skip'; text: string } | { kind: 'fail'; text: string };
type PhaseEnd = { kind: 'done' | 'skip' | 'paused' | 'failed'; reason?: string };

interface NodeSlot {
  readonly phase: string;
  readonly node: string;
  readonly start: Deferred<Start>;
  readonly end: Deferred<NodeEnd>;
  /** Resolves when the node's task function has returned (so a phase ends after its nodes). */
  readonly settledInTree: Deferred<void>;
  wrapper?: Wrapper;
  step?: NodeStep;
  detail?: string;
  drainDetail?: string;
  evicted: number;
  /** Why it waits, or the driver's last line: a second line under the title while the node runs. */
  note?: string;
}

interface PhaseSlot {
  readonly id: string;
  readonly title: string;
  readonly nodes: NodeSlot[];
  readonly start: Deferred<Start>;
  readonly end: Deferred<PhaseEnd>;
  wrapper?: Wrapper;
  /** A phase-level health gate that waits: a second line under the title. */
  note?: string;
  /** When this renderer saw the phase start (its elapsed time and ETA are wall-clock, from here). */
  startedWall?: number;
}

interface PreflightSlot {
  readonly end: Deferred<{ kind: 'done' | 'fail' | 'skip'; text: string }>;
  wrapper?: Wrapper;
  title: string;
}

export interface TreeProgress {
  /** Feed every event of the run here. */
  readonly sink: (e: UpgradeEvent) => void;
  /** Ends the display (pending tasks end as skipped) and resolves once everything is written. */
  close(): Promise<void>;
}

export const createTreeRenderer = (opts: { out: NodeJS.WritableStream; color: boolean }): TreeProgress => {
  const s = makeStyle(opts.color);
  const phases: PhaseSlot[] = [];
  const phaseById = new Map<string, PhaseSlot>();
  /** The slot of a node in the phase it is currently in (a node appears in one phase per hop). */
  const current = new Map<string, NodeSlot>();
  const slotKey = (phase: string, node: string) => `${phase}\u0000${node}`;
  const nodeSlots = new Map<string, NodeSlot>();
  const preflight: PreflightSlot = { end: deferred(), title: 'Lock and preflight' };
  const warnings: string[] = [];
  let summary: RunSummary | undefined;
  let running: Promise<unknown> | undefined;
  /** Set by `run-interrupted`: the nodes still running say so in their title. */
  let interrupted: 'pause' | 'abort' | undefined;

  const setTitle = (w: Wrapper | undefined, title: string) => {
    if (w) w.title = title;
  };
  // The live details go into the title (a second line), not listr2's output bar: the title is read at every
  // frame, while output sent before a task's first frame would be lost.
  const withNote = (title: string, note: string | undefined) => (note ? `${title}\n${note}` : title);

  const nodeTitle = (n: NodeSlot): string => {
    const main = !n.step
      ? `${n.node}  ${s.dim('starting')}`
      : n.step === 'drain'
        ? `${n.node}  ${STEP_ACTIVITY.drain} · ${evictedCount(n.evicted, n.drainDetail)} pods evicted`
        : `${n.node}  ${STEP_ACTIVITY[n.step]}${n.detail ? ` · ${n.detail}` : ''}`;
    const stopping = !interrupted ? '' : interrupted === 'pause' ? ' · pausing…' : ' · cancelling…';
    return withNote(`${main}${s.yellow(stopping)}`, n.note);
  };
  const showNode = (n: NodeSlot | undefined, note?: string | null) => {
    if (!n) return;
    if (note !== undefined) n.note = note ?? undefined;
    if (n.start.value?.kind === 'start' && !n.end.settled) setTitle(n.wrapper, nodeTitle(n));
  };
  const phaseTitle = (p: PhaseSlot) => {
    if (p.startedWall === undefined) return withNote(p.title, p.note);
    const ends = p.nodes.map((n) => n.end.value?.kind);
    const progress = phaseProgressText({
      done: ends.filter((k) => k === 'done').length,
      skipped: ends.filter((k) => k === 'skip').length,
      total: p.nodes.length,
      elapsedMs: Date.now() - p.startedWall,
    });
    return withNote(`${p.title}  ${s.dim(progress)}`, p.note);
  };
  const refreshPhase = (p: PhaseSlot | undefined) => {
    if (p && p.start.value?.kind === 'start' && !p.end.settled) setTitle(p.wrapper, phaseTitle(p));
  };
  const showPhase = (p: PhaseSlot | undefined, note: string | undefined) => {
    if (!p) return;
    p.note = note;
    refreshPhase(p);
  };
  // Elapsed time and ETA move on their own: refresh the running phases' titles every second.
  const ticker = setInterval(() => {
    for (const p of phases) refreshPhase(p);
  }, 1000);
  ticker.unref();

  const nodeTask = (n: NodeSlot): ListrTask => ({
    title: `${n.node}  ${s.dim('queued')}`,
    exitOnError: false,
    task: async (_ctx, w: Wrapper) => {
      n.wrapper = w;
      try {
        if (!n.start.settled) w.task.state$ = ListrTaskState.WAITING;
        const start = await n.start.promise;
        if (start.kind === 'skip') {
          w.skip((await n.end.promise).text);
          return;
        }
        if (w.task.state !== ListrTaskState.STARTED) w.task.state$ = ListrTaskState.STARTED;
        w.title = nodeTitle(n);
        const end = await n.end.promise;
        if (end.kind === 'done') w.title = end.text;
        else if (end.kind === 'skip') w.skip(end.text);
        else throw new Error(end.text);
      } finally {
        n.settledInTree.settle();
      }
    },
  });

  const phaseTask = (p: PhaseSlot): ListrTask => ({
    title: `${p.title}  ${s.dim(p.nodes.length > 0 ? plural(p.nodes.length, 'node') : '')}`.trimEnd(),
    task: async (_ctx, w: Wrapper) => {
      p.wrapper = w;
      const start = await p.start.promise;
      if (start.kind === 'skip') {
        w.skip(`${p.title}  ${s.dim(start.reason)}`);
        return;
      }
      w.title = phaseTitle(p);
      const closing: ListrTask = {
        task: async () => {
          const end = await p.end.promise;
          await Promise.all(p.nodes.map((n) => n.settledInTree.promise));
          // Let listr2 record the nodes' final states before the phase's own.
          await new Promise((r) => setImmediate(r));
          const done = p.nodes.filter((n) => n.end.value?.kind === 'done').length;
          if (end.kind === 'done')
            w.title = `${p.title}  ${s.dim(
              [
                p.nodes.length > 0 ? `${done}/${p.nodes.length} nodes` : 'done',
                p.startedWall !== undefined ? formatDuration(Date.now() - p.startedWall) : undefined,
              ]
                .filter(Boolean)
                .join(' · '),
            )}`;
          else if (end.kind === 'skip') w.skip(`${p.title}  ${s.dim(end.reason ?? 'skipped')}`);
          else if (end.kind === 'paused')
            w.skip(`${p.title}  ${s.yellow(`paused${end.reason ? `: ${end.reason}` : ''}`)}`);
          else {
            w.title = `${p.title}  ${s.red(`failed${end.reason ? `: ${end.reason}` : ''}`)}`;
            throw new Error(w.title);
          }
        },
      };
      return w.newListr([...p.nodes.map(nodeTask), closing], { concurrent: true, exitOnError: true });
    },
  });

  const preflightTask = (): ListrTask => ({
    title: preflight.title,
    task: async (_ctx, w: Wrapper) => {
      preflight.wrapper = w;
      w.title = preflight.title;
      const end = await preflight.end.promise;
      if (end.kind === 'done') w.title = end.text;
      else if (end.kind === 'skip') w.skip(end.text);
      else throw new Error(end.text);
    },
  });

  const start = (e: EventOf<'run-started'>) => {
    for (const ph of e.phases) {
      const slot: PhaseSlot = { id: ph.id, title: ph.title, nodes: [], start: deferred(), end: deferred() };
      for (const node of ph.nodes) {
        const n: NodeSlot = {
          phase: ph.id,
          node,
          start: deferred(),
          end: deferred(),
          settledInTree: deferred(),
          evicted: 0,
        };
        slot.nodes.push(n);
        nodeSlots.set(slotKey(ph.id, node), n);
      }
      phases.push(slot);
      phaseById.set(ph.id, slot);
    }
    running = runTree([preflightTask(), ...phases.map(phaseTask)], opts.out, opts.color);
  };

  /** Ends a node that got no end event: never started (skipped), or interrupted midway (shown as failed). */
  const stopNode = (n: NodeSlot, why: string) => {
    if (n.start.value?.kind === 'start')
      n.end.settle({
        kind: 'fail',
        text: `${n.node}  interrupted${n.step ? ` at ${n.step}` : ''}: ${why.replace(/^not reached: /, '')}`,
      });
    n.start.settle({ kind: 'skip', reason: why });
    n.end.settle({ kind: 'skip', text: `${n.node}  ${s.dim(why)}` });
  };

  /** Ends whatever is still open; `why` says why in the pending tasks' titles. */
  const settleAll = (why: string, outcome?: RunSummary['outcome']) => {
    preflight.end.settle({ kind: 'skip', text: `${preflight.title}  ${s.dim(why)}` });
    for (const p of phases) {
      const reached = p.start.settled;
      p.start.settle({ kind: 'skip', reason: why });
      for (const n of p.nodes) stopNode(n, why);
      if (!reached) p.end.settle({ kind: 'skip', reason: why });
      else {
        const reason = outcome ? undefined : 'run stopped';
        p.end.settle(
          outcome === 'failed'
            ? { kind: 'failed', reason }
            : outcome === 'done'
              ? { kind: 'done' }
              : { kind: 'paused', reason },
        );
      }
    }
  };

  /** A phase starting means the ones before it are behind us (done in an earlier attempt, or nothing to do). */
  const reach = (phaseId: string) => {
    const i = phases.findIndex((p) => p.id === phaseId);
    preflight.end.settle({ kind: 'done', text: preflight.title });
    for (const p of phases.slice(0, Math.max(i, 0))) {
      const why = 'not run in this attempt';
      p.start.settle({ kind: 'skip', reason: why });
      for (const n of p.nodes) stopNode(n, why);
      p.end.settle({ kind: 'skip', reason: why });
    }
  };

  const nodeSlot = (phase: string, node: string): NodeSlot | undefined => {
    const n = nodeSlots.get(slotKey(phase, node));
    if (n) current.set(node, n);
    return n;
  };

  const sink = (e: UpgradeEvent): void => {
    switch (e.type) {
      case 'run-started':
        if (!running) start(e);
        return;
      case 'lock-acquired':
        preflight.title = `Lock held by ${e.holder}${e.takenOverFrom ? ` (taken over from ${e.takenOverFrom})` : ''}; preflight`;
        setTitle(preflight.wrapper, preflight.title);
        return;
      case 'preflight-finished': {
        const text = `${preflight.title}: ${plural(e.blockers, 'blocker')}, ${plural(e.warnings, 'warning')}${e.waived.length > 0 ? `, waived ${e.waived.join(', ')}` : ''}`;
        preflight.end.settle(e.blockers > 0 ? { kind: 'fail', text } : { kind: 'done', text });
        return;
      }
      case 'phase-started': {
        reach(e.phase);
        const p = phaseById.get(e.phase);
        if (p) p.startedWall ??= Date.now();
        p?.start.settle({ kind: 'start' });
        refreshPhase(p);
        return;
      }
      case 'phase-finished': {
        const p = phaseById.get(e.phase);
        if (!p) return;
        reach(e.phase);
        p.start.settle({ kind: 'start' });
        for (const n of p.nodes)
          stopNode(
            n,
            e.status === 'done' || e.status === 'skipped' ? 'nothing to do' : `not reached: phase ${e.status}`,
          );
        p.end.settle({ kind: e.status === 'skipped' ? 'skip' : e.status });
        return;
      }
      case 'node-started': {
        const n = nodeSlot(e.phase, e.node);
        if (!n) return;
        n.start.settle({ kind: 'start' });
        showNode(n);
        return;
      }
      case 'node-step': {
        const n = nodeSlot(e.phase, e.node);
        if (!n) return;
        n.start.settle({ kind: 'start' });
        n.step = e.step;
        n.detail = e.detail;
        if (e.step === 'drain') n.drainDetail = e.detail;
        showNode(n, null);
        return;
      }
      case 'node-finished': {
        const n = nodeSlot(e.phase, e.node);
        if (!n) return;
        if (e.status === 'skipped') {
          n.start.settle({ kind: 'skip', reason: 'skipped' });
          n.end.settle({ kind: 'skip', text: `${n.node}  ${s.dim(`skipped${e.detail ? `: ${e.detail}` : ''}`)}` });
          return;
        }
        const extra = [
          e.evictions > 0 ? plural(e.evictions, 'eviction') : undefined,
          e.blockedMs > 0 ? `blocked ${formatDuration(e.blockedMs)}` : undefined,
        ].filter(Boolean);
        n.start.settle({ kind: 'start' });
        n.end.settle({
          kind: 'done',
          text: `${n.node}  ${s.dim(['done', formatDuration(e.durationMs), ...extra].join(' · '))}`,
        });
        refreshPhase(phaseById.get(e.phase));
        return;
      }
      case 'node-failed': {
        const n = nodeSlot(e.phase, e.node);
        if (!n) return;
        n.start.settle({ kind: 'start' });
        n.end.settle({ kind: 'fail', text: `${n.node}  failed at ${e.step}: ${e.message}` });
        return;
      }
      case 'node-paused': {
        const n = nodeSlot(e.phase, e.node);
        if (!n) return;
        n.start.settle({ kind: 'start' });
        n.end.settle({ kind: 'skip', text: `${n.node}  ${s.yellow(`paused at ${e.step}: ${e.message}`)}` });
        return;
      }
      case 'run-interrupted': {
        interrupted = e.how;
        const note = s.yellow(
          e.how === 'pause'
            ? 'pausing… no new node starts (Ctrl-C again cancels the nodes in flight)'
            : `cancelling…${e.inDriver.length > 0 ? ` interrupted in their driver: ${e.inDriver.join(', ')}` : ''}`,
        );
        for (const p of phases) if (p.start.value?.kind === 'start' && !p.end.settled) showPhase(p, note);
        for (const n of nodeSlots.values()) showNode(n);
        return;
      }
      case 'pod-evicted': {
        const n = current.get(e.node);
        if (!n) return;
        n.evicted += 1;
        // The refusal that blocked this pod is over.
        showNode(n, n.note?.includes(` ${e.pod} `) ? null : undefined);
        return;
      }
      case 'eviction-blocked':
        showNode(current.get(e.node), s.yellow(blockedText(e)));
        return;
      case 'pod-gone':
        return;
      case 'driver-output':
        showNode(current.get(e.node), s.dim(e.line));
        return;
      case 'driver-waiting':
        showNode(current.get(e.node), s.yellow(e.message));
        return;
      case 'gate-waiting':
      case 'gate-failed':
      case 'gate-passed': {
        const note = e.type === 'gate-passed' ? undefined : s.yellow(gateText(e));
        if (e.node) showNode(nodeSlots.get(slotKey(e.phase, e.node)), note ?? null);
        else showPhase(phaseById.get(e.phase), note);
        return;
      }
      case 'warning':
        warnings.push(e.message);
        return;
      case 'run-finished':
        summary = e.summary;
        settleAll(
          e.summary.outcome === 'done' ? 'not needed' : `not reached: run ${e.summary.outcome}`,
          e.summary.outcome,
        );
        return;
    }
  };

  let closed: Promise<void> | undefined;
  return {
    sink,
    close() {
      closed ??= (async () => {
        clearInterval(ticker);
        settleAll(summary ? `not reached: run ${summary.outcome}` : 'not reached: run stopped', summary?.outcome);
        await running;
        for (const w of warnings) opts.out.write(`${s.yellow('warning:')} ${w}\n`);
      })();
      return closed;
    },
  };
};
