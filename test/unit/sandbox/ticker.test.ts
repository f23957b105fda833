import { afterEach, describe, expect, it, vi } from 'vitest';
import { Clock, Ticker } from '../../../src/sandbox/clock.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Ticker (the interval timers a sandbox fleet shares)', () => {
  it('runs every clock on one timer per period, and a stopped clock leaves the others ticking', () => {
    vi.useFakeTimers();
    const ticker = new Ticker();
    const a = new Clock(0.5, ticker);
    const b = new Clock(0.5, ticker);
    const seen: string[] = [];
    a.every(1000, () => seen.push('a'));
    b.every(1000, () => seen.push('b'));
    const cancelSlow = b.every(4000, () => seen.push('slow'));
    expect(ticker.timerCount()).toBe(2);
    vi.advanceTimersByTime(500);
    expect(seen).toEqual(['a', 'b']);
    cancelSlow();
    expect(ticker.timerCount()).toBe(1);
    a.stop();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual(['a', 'b', 'b', 'b']);
    b.stop();
    expect(ticker.timerCount()).toBe(0);
  });
});
