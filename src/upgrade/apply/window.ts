/**
 * Scheduling the nodes of a worker phase. `rolling`: a window of at most `size` nodes moves through the list
 * in order — a new node starts as soon as one finishes. `batch`: fixed batches, each finishing completely
 * before the next starts (kept for comparison). Both stop starting new work once `shouldStop()` says so (a
 * node failed, the run was interrupted) and let the nodes in flight finish.
 */

export async function runRolling<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>, shouldStop: () => boolean): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !shouldStop()) {
      const item = items[next++];
      await work(item);
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
