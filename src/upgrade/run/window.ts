/**
 * Scheduling the nodes of a worker phase. `rolling`: a window of at most `size` nodes moves through the list
 * — a new node starts as soon as one finishes; the next in order, or the one a chooser picks. It opens at a
 * measured pace (see `openingPace`). `batch`: fixed batches, each finishing completely before the next starts
 * (kept for comparison). Both stop starting new work once `shouldStop()` says so (a node failed, the run was
 * interrupted) and let the nodes in flight finish.
 */

/** Chooses which waiting item a free lane starts (plan order otherwise), told when items start and finish. */
export interface WindowChooser<T> {
  /** An index into `waiting`, which is in the original order. */
  pick(waiting: readonly T[]): number;
  start(item: T): void;
  finish(item: T): void;
}

/**
 * How a window opens. `atOnce` lanes take their first node at once; each other lane takes its first node only
 * when fewer than `atOnce` of the first nodes started are still draining (`drained(item)` resolves when the
 * item's drain is over; a node that ends counts as drained). Once every lane has started, a finishing node
 * is replaced at once.
 */
export interface WindowOpening<T> {
  atOnce: number;
  drained: (item: T) => Promise<void>;
}

/**
 * How many lanes of a window start at once (the rest follow as drains end). The window spends `rounds =
 * ceil(items / size)` node times; only `items − (rounds − 1) × size` lanes (the remainder) run that many nodes
 * — the others run one node fewer and can start up to a node time later without delaying the end. So the
 * remainder starts at once, and the others open at the pace of the drains before them, at least an eighth of
 * the window draining at a time: a 49-node window does not send a thousand evictions to the API server in
 * the same second. A window whose every lane is needed (items a multiple of the size) opens at once.
 */
export function openingPace(items: number, size: number): number {
  if (size <= 1 || items <= size) return Math.max(1, Math.min(size, items));
  const rounds = Math.ceil(items / size);
  const remainder = items - (rounds - 1) * size;
  return Math.min(size, Math.max(remainder, Math.ceil(size / 8)));
}

export async function runRolling<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean,
  chooser?: WindowChooser<T>,
  opening?: WindowOpening<T>,
): Promise<void> {
  const waiting = [...items];
  const lanes = Math.max(1, Math.min(size, items.length));
  // Permits for the lanes' first nodes beyond `atOnce`: one is handed back as each paced drain ends.
  let permits = opening ? Math.max(1, opening.atOnce) : lanes;
  const queued: (() => void)[] = [];
  const permit = (): Promise<void> => {
    if (permits > 0) {
      permits--;
      return Promise.resolve();
    }
    return new Promise((r) => queued.push(r));
  };
  const release = () => {
    const next = queued.shift();
    if (next) next();
    else permits++;
  };
  const lane = async (): Promise<void> => {
    let first = true;
    while (waiting.length > 0 && !shouldStop()) {
      if (first && opening) await permit();
      if (waiting.length === 0 || shouldStop()) {
        if (first && opening) release();
        return;
      }
      const i = chooser ? Math.min(Math.max(0, chooser.pick(waiting)), waiting.length - 1) : 0;
      const [item] = waiting.splice(i, 1) as [T];
      // The permit goes back when the node's drain is over, or when the node ends, whichever comes first.
      let held = first && opening !== undefined;
      const giveBack = () => {
        if (held) release();
        held = false;
      };
      if (held) void opening!.drained(item).then(giveBack, giveBack);
      first = false;
      chooser?.start(item);
      try {
        await work(item);
      } finally {
        giveBack();
        chooser?.finish(item);
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

export async function runBatches<T>(
  batches: readonly (readonly T[])[],
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean,
): Promise<void> {
  for (const batch of batches) {
    if (shouldStop()) return;
    await Promise.all(batch.map(work));
  }
}
