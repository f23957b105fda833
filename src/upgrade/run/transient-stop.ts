/**
 * How a run stops on a transient API failure that outlasted the transport's retries (the API server
 * unavailable, overloaded or unreachable for longer than the retry budget): paused, marked `transient`, with
 * the failing request named and the advice to run apply again once the server answers. Never a failure: the
 * cluster is the source of truth and every step is idempotent, so the re-run continues where this one stopped.
 */
import { findTransient } from '../../cluster/index.js';
import type { RunStop } from './run-state-types.js';

/** The paused stop for `e` when a TransientApiError is behind it; `undefined` otherwise. */
export function transientStop(e: unknown, where: string, resume: string[]): RunStop | undefined {
  const t = findTransient(e);
  if (!t) return undefined;
  return {
    outcome: 'paused',
    transient: true,
    message: `${where} paused: the API server kept failing (transient): ${t.message}`,
    next: [
      `When the API server answers again, run apply again to resume: ${resume[0] ?? ''}`.trim(),
      ...resume.slice(1),
    ],
  };
}
