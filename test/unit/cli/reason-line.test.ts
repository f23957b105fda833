/**
 * The one line that `--log-format json` writes to stderr for a run that did not finish: outcome, whether the
 * cause was transient, the reason flattened to one line, and the next command; nothing for a finished run.
 */
import { describe, expect, it } from 'vitest';
import { reasonLine } from '../../../src/cli/run-with-progress.js';
import type { RunSummary } from '../../../src/upgrade/run/index.js';

const base: RunSummary = {
  runId: 'r',
  plan: 'p',
  outcome: 'done',
  durationMs: 1,
  nodes: [],
  evictions: 0,
  blockedMs: 0,
};

describe('reasonLine', () => {
  it('says nothing for a finished run', () => {
    expect(reasonLine(base)).toBeUndefined();
  });

  it('puts a paused, transient run on one line with the command to resume', () => {
    const line = reasonLine({
      ...base,
      outcome: 'paused',
      stoppedBy: {
        node: 'blue-1',
        message:
          'cordon of blue-1 paused: the API server kept failing (transient): cordon node blue-1: HTTP 503\n  more',
        next: ['When the API server answers again, run apply again to resume: k8s-upgrade apply plans/x.yaml'],
        transient: true,
      },
    });
    expect(line).toBe(
      'run paused (transient API failure): cordon of blue-1 paused: the API server kept failing (transient): cordon node blue-1: HTTP 503; more. Next: When the API server answers again, run apply again to resume: k8s-upgrade apply plans/x.yaml',
    );
    expect(line).not.toContain('\n');
  });

  it('names a failed run and its reason', () => {
    expect(reasonLine({ ...base, outcome: 'failed', stoppedBy: { message: 'driver failed', next: [] } })).toBe(
      'run failed: driver failed.',
    );
  });
});
