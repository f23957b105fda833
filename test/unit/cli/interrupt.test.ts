/**
 * The interrupt state machine of apply/rollback/fleet apply: the first signal asks for a pause, the second
 * cancels what is in flight, a third quits; the messages say what the next signal does.
 */
import { describe, expect, it } from 'vitest';
import { Interrupts, interruptMessage } from '../../../src/cli/interrupt.js';

describe('Interrupts', () => {
  it('starts running with neither signal aborted', () => {
    const i = new Interrupts();
    expect(i.state).toBe('running');
    expect(i.pause.aborted).toBe(false);
    expect(i.abort.aborted).toBe(false);
  });

  it('the first signal pauses only', () => {
    const i = new Interrupts();
    expect(i.receive()).toBe('pause');
    expect(i.state).toBe('pausing');
    expect(i.pause.aborted).toBe(true);
    expect(i.abort.aborted).toBe(false);
  });

  it('the second signal aborts (the pause stays aborted), a third asks to exit', () => {
    const i = new Interrupts();
    const seen: string[] = [];
    i.pause.addEventListener('abort', () => seen.push('pause'));
    i.abort.addEventListener('abort', () => seen.push('abort'));
    expect([i.receive(), i.receive(), i.receive(), i.receive()]).toEqual(['pause', 'abort', 'exit', 'exit']);
    expect(i.state).toBe('aborting');
    expect(i.pause.aborted && i.abort.aborted).toBe(true);
    expect(seen).toEqual(['pause', 'abort']);
  });
});

describe('interruptMessage', () => {
  it('says the first signal pauses at a safe point and what the next one does', () => {
    const m = interruptMessage('SIGINT', 'pause', 'upgrade');
    expect(m).toMatch(/^SIGINT: pausing the upgrade at the next safe point/);
    expect(m).toContain('finish their driver');
    expect(m).toContain('Ctrl-C again to cancel');
  });

  it('says the second signal cancels the steps in flight', () => {
    const m = interruptMessage('SIGTERM', 'abort', 'rollback');
    expect(m).toMatch(/^SIGTERM again: cancelling the steps in flight/);
    expect(m).toContain('interrupted in their driver');
  });
});
