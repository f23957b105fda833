/** The shared sleeps: both wait their time; on abort one rejects with the signal's reason, the other resolves. */
import { describe, expect, it } from 'vitest';
import { sleepRejectingOnAbort, sleepResolvingOnAbort } from '../../../src/drain/index.js';

describe('sleepRejectingOnAbort', () => {
  it('resolves after its time', async () => {
    await expect(sleepRejectingOnAbort(1, new AbortController().signal)).resolves.toBeUndefined();
  });

  it('rejects with the reason when aborted while waiting, and at once when already aborted', async () => {
    const ac = new AbortController();
    const waiting = sleepRejectingOnAbort(60_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(sleepRejectingOnAbort(60_000, ac.signal)).rejects.toThrow('stop');
  });
});

describe('sleepResolvingOnAbort', () => {
  it('resolves after its time, with or without a signal', async () => {
    await expect(sleepResolvingOnAbort(1)).resolves.toBeUndefined();
    await expect(sleepResolvingOnAbort(1, new AbortController().signal)).resolves.toBeUndefined();
  });

  it('resolves early when aborted while waiting, and at once when already aborted', async () => {
    const ac = new AbortController();
    const waiting = sleepResolvingOnAbort(60_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).resolves.toBeUndefined();
    await expect(sleepResolvingOnAbort(60_000, ac.signal)).resolves.toBeUndefined();
  });
});
