/**
 * Ctrl-C and SIGTERM during `apply`/`rollback`: the first one pauses the run at the next safe point (the
 * signal given to the use case is aborted; the run resumes with the same command), a second one quits at once.
 */
export function pauseOnSignals(what: string): { signal: AbortSignal; dispose(): void } {
  const interrupt = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130);
    process.stderr.write(
      `\n${sig}: pausing the ${what} at the next safe point (in-flight steps are cancelled; the same command resumes it). Press Ctrl-C again to quit at once.\n`,
    );
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: interrupt.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
