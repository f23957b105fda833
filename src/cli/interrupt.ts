/**
 * Ctrl-C and SIGTERM during `apply`, `rollback` and `fleet apply`, as a small state machine: the first signal
 * aborts `pause` (the run starts no new node, a drain stops between evictions, a driver already running
 * finishes its node, which is marked paused; exit 4, the same command resumes), the second aborts `abort`
 * (the steps in flight are cancelled, node drivers included, and the run says which nodes were interrupted
 * in their driver), a third quits at once (exit 130). The use case turns the aborts into events for every
 * renderer; this module only counts signals and says, on stderr, what the next one does.
 */
export type InterruptState = 'running' | 'pausing' | 'aborting';

export class Interrupts {
  readonly #pause = new AbortController();
  readonly #abort = new AbortController();
  #state: InterruptState = 'running';

  /** Aborted by the first signal (and by the second, which implies it). */
  get pause(): AbortSignal {
    return this.#pause.signal;
  }
  /** Aborted by the second signal. */
  get abort(): AbortSignal {
    return this.#abort.signal;
  }
  get state(): InterruptState {
    return this.#state;
  }

  /** One signal arrived: what it does. `exit` = the caller quits at once. */
  receive(): 'pause' | 'abort' | 'exit' {
    if (this.#state === 'running') {
      this.#state = 'pausing';
      this.#pause.abort();
      return 'pause';
    }
    if (this.#state === 'pausing') {
      this.#state = 'aborting';
      this.#pause.abort();
      this.#abort.abort();
      return 'abort';
    }
    return 'exit';
  }
}

/** The line printed on stderr for a signal (`what`: the upgrade, the rollback, the fleet run). */
export function interruptMessage(sig: NodeJS.Signals, action: 'pause' | 'abort', what: string): string {
  return action === 'pause'
    ? `${sig}: pausing the ${what} at the next safe point: no new node starts; nodes in flight finish their driver (a drain stops between evictions) and are marked paused; the same command resumes it. Press Ctrl-C again to cancel the steps in flight.`
    : `${sig} again: cancelling the steps in flight (node drivers are stopped; the nodes interrupted in their driver are named at the end). Press Ctrl-C once more to quit at once.`;
}

/**
 * Listens for SIGINT/SIGTERM for the length of a run. `announce: false` keeps stderr quiet (a live tree on the
 * terminal shows the pause itself).
 */
export function pauseOnSignals(
  what: string,
  opts: { announce?: boolean } = {},
): { signal: AbortSignal; abort: AbortSignal; dispose(): void } {
  const interrupts = new Interrupts();
  const onSignal = (sig: NodeJS.Signals) => {
    const action = interrupts.receive();
    if (action === 'exit') process.exit(130);
    if (opts.announce !== false) process.stderr.write(`\n${interruptMessage(sig, action, what)}\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: interrupts.pause,
    abort: interrupts.abort,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
