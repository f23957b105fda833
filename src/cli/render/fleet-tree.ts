/**
 * The live TTY view of `fleet apply`: a listr2 task per stage, in order, built from `fleet-started` and driven
 * only by events (the board in `fleet-board.ts` folds them). A stage's title carries its counts, why it waits
 * (soak, gate, budget) and one line per cluster that is running, waiting, paused or failed — the node and step
 * in flight, nodes done/total, what blocks — so hundreds of clusters fit a terminal. listr2 decides nothing;
 * `close()` settles every open stage (never reached: skipped) so the tree always finishes, then prints the
 * warnings and the fleet's last word (its outcome and the next commands). Writes only to the stream given.
 */
import { ListrTaskState, type ListrTask } from 'listr2';
import type { FleetEvent } from '../../fleet/apply/index.js';
import { emptyBoard, foldFleetEvent, stageText, type BoardStage } from './fleet-board.js';
import { fleetLine } from './fleet-progress.js';
import { deferred, runTree, type Deferred, type Wrapper } from './progress/listr-parts.js';
import { makeStyle, plural } from './style.js';

type StageEnd = { kind: 'done' | 'skip' | 'fail'; text: string };

interface StageSlot {
  readonly stage: BoardStage;
  readonly start: Deferred<boolean>;
  readonly end: Deferred<StageEnd>;
  wrapper?: Wrapper;
}

export interface FleetTree {
  readonly sink: (e: FleetEvent) => void;
  close(): Promise<void>;
}

export const createFleetTree = (opts: { out: NodeJS.WritableStream; color: boolean }): FleetTree => {
  const st = makeStyle(opts.color);
  const board = emptyBoard();
  const slots = new Map<string, StageSlot>();
  let running: Promise<unknown> | undefined;

  const show = (slot: StageSlot | undefined) => {
    if (slot?.wrapper && slot.start.value && !slot.end.settled) slot.wrapper.title = stageText(slot.stage, st);
  };

  const stageTask = (slot: StageSlot): ListrTask => ({
    title: `stage ${slot.stage.name}  ${st.dim(plural(slot.stage.clusters.length, 'cluster'))}`,
    exitOnError: false,
    task: async (_ctx, w: Wrapper) => {
      slot.wrapper = w;
      if (!slot.start.settled) w.task.state$ = ListrTaskState.WAITING;
      if (!(await slot.start.promise)) {
        w.skip((await slot.end.promise).text);
        return;
      }
      if (w.task.state !== ListrTaskState.STARTED) w.task.state$ = ListrTaskState.STARTED;
      w.title = stageText(slot.stage, st);
      const end = await slot.end.promise;
      if (end.kind === 'done') w.title = end.text;
      else if (end.kind === 'skip') w.skip(end.text);
      else throw new Error(end.text);
    },
  });

  const begin = () => {
    for (const s of board.stages) slots.set(s.name, { stage: s, start: deferred(), end: deferred() });
    running = runTree([...slots.values()].map(stageTask), opts.out, opts.color);
  };

  /** A stage that finished (or was found finished on resume): its last title, kept as the tree's record. */
  const finish = (slot: StageSlot) => {
    const s = slot.stage;
    const text = stageText(s, st, 0).split('\n')[0]!;
    const why = s.message ? `: ${s.message}` : '';
    slot.start.settle(true);
    if (s.state === 'Done') slot.end.settle({ kind: 'done', text });
    else if (s.state === 'Failed') slot.end.settle({ kind: 'fail', text: `${text}  ${st.red(`failed${why}`)}` });
    else {
      const label = s.state === 'Paused' ? 'paused' : s.state === 'Waiting' ? 'waiting' : 'stopped';
      slot.end.settle({ kind: 'skip', text: `${text}  ${st.yellow(`${label}${why}`)}` });
    }
  };

  const sink = (e: FleetEvent): void => {
    const changed = foldFleetEvent(board, e);
    if (e.type === 'fleet-inventory-changed') board.warnings.push(fleetLine(e) ?? 'the inventory changed');
    if (e.type === 'fleet-started' && !running) begin();
    if (!changed) return;
    const slot = slots.get(changed.name);
    if (!slot) return;
    if (e.type === 'fleet-stage-started') {
      // The stages before it are behind us: done in an earlier run, or passed.
      for (const s of slots.values()) {
        if (s === slot) break;
        if (!s.end.settled) finish(s);
      }
      slot.start.settle(true);
    }
    if (e.type === 'fleet-stage-finished') finish(slot);
    else show(slot);
  };

  let closed: Promise<void> | undefined;
  return {
    sink,
    close() {
      closed ??= (async () => {
        for (const s of slots.values()) {
          if (s.end.settled) continue;
          if (s.start.settled) finish(s);
          else {
            s.start.settle(false);
            s.end.settle({ kind: 'skip', text: `stage ${s.stage.name}  ${st.dim('not reached')}` });
          }
        }
        await running;
        for (const w of board.warnings) opts.out.write(`${st.yellow('warning:')} ${w}\n`);
        if (board.finished) opts.out.write(`${fleetLine(board.finished)}\n`);
      })();
      return closed;
    },
  };
};
