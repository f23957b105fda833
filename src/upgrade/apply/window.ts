/**
 * Scheduling the nodes of a worker phase. `rolling`: a window of at most `size` nodes moves through the list
 * — a new node starts as soon as one finishes; the next in order, or the one a chooser picks. `batch`: fixed batches, each finishing completely
 * before the next starts (kept for comparison). Both stop starting new work once `shouldStop()` says so (a
 * node failed, the run was interrupted) and let the nodes in flight finish.
 */

/** Chooses which waiting item a free lane starts (plan order otherwise), told when items start and finish. */
export interface WindowChooser<T> {
  /** An index into `waiting`, which is in the original order. */
  pick(waiting: readonly T[]): number;
  start(item: T): void;
  finish(item: T): void;
}

export async function runRolling<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>, shouldStop: () => boolean, chooser?: WindowChooser<T>): Promise<void> {
  const waiting = [...items];
  const lane = async (): Promise<void> => {
    while (waiting.length > 0 && !shouldStop()) {
      const i = chooser ? Math.min(Math.max(0, chooser.pick(waiting)), waiting.length - 1) : 0;
      const [item] = waiting.splice(i, 1) as [T];
      chooser?.start(item);
      try {
        await work(item);
      } finally {
        chooser?.finish(item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, lane));
}

export async function runBatches<T>(batches: readonly (readonly T[])[], work: (item: T) => Promise<void>, shouldStop: () => boolean): Promise<void> {
  for (const batch of batches) {
    if (shouldStop()) return;
    await Promise.all(batch.map(work));
  }
}
