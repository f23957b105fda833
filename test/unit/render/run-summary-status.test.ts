/**
 * The closing summary of `apply` and the `status` view (golden files under test/golden/, regenerate with
 * `npx vitest run test/unit/render/run-summary-status.test.ts -u`).
 */
import { describe, expect, it } from 'vitest';
import { renderRunStatus, renderRunSummary } from '../../../src/cli/render/index.js';
import type { RunState } from '../../../src/upgrade/run/run-state-types.js';
import { doneSummary, PLAN, pausedState, pausedSummary } from './run-events.js';

const golden = (name: string) => `../../golden/${name}`;

describe('renderRunSummary', () => {
  it('golden: a paused run says what stopped it and what to run next', async () => {
    await expect(renderRunSummary(pausedSummary(), { color: false })).toMatchFileSnapshot(
      golden('run-summary-paused.txt'),
    );
  });

  it('golden: a finished run', async () => {
    await expect(renderRunSummary(doneSummary(), { color: false })).toMatchFileSnapshot(golden('run-summary-done.txt'));
  });

  it('ends a stopped run with the next commands, each on its own line', () => {
    const lines = renderRunSummary(pausedSummary(), { color: false }).trimEnd().split('\n');
    expect(lines.slice(-3)).toEqual(pausedSummary().stoppedBy!.next.map((n) => `  ${n}`));
  });

  it('has no table for a run that never reached a node, and colours only when asked', () => {
    const text = renderRunSummary(
      {
        runId: 'r1',
        plan: PLAN,
        outcome: 'locked',
        durationMs: 300,
        nodes: [],
        evictions: 0,
        blockedMs: 0,
        stoppedBy: { step: 'lock', message: 'held by bob@ci/7', next: [] },
      },
      { color: false },
    );
    expect(text).toBe(
      `Upgrade not started: another run holds the cluster lock  run r1, ${PLAN}\n\nStopped by: lock: held by bob@ci/7\n`,
    );
    expect(text).not.toContain('\u001b[');
    expect(renderRunSummary(doneSummary(), { color: true })).toContain('\u001b[32m');
  });
});

describe('renderRunStatus', () => {
  it('golden: a paused run', async () => {
    await expect(renderRunStatus(pausedState(), { color: false })).toMatchFileSnapshot(golden('run-status-paused.txt'));
  });

  it('golden: a finished run shows no stop section', async () => {
    const done: RunState = {
      ...pausedState(),
      status: 'done',
      finishedAt: '2026-08-21T20:02:00.000Z',
      phases: pausedState().phases.map((p) => ({
        ...p,
        status: 'done',
        nodes: p.nodes.map((n) => ({
          ...n,
          status: n.status === 'skipped' ? 'skipped' : 'done',
          cordonedByUs: false,
          error: undefined,
        })),
      })),
      stop: undefined,
    };
    const text = renderRunStatus(done, { color: false });
    await expect(text).toMatchFileSnapshot(golden('run-status-done.txt'));
    expect(text).not.toContain('Stopped');
    expect(text).toContain('Status:    done, 5/5 nodes done');
  });

  it('names the nodes this run cordoned and the node in progress with its step', () => {
    const text = renderRunStatus(pausedState(), { color: false });
    expect(text).toContain('Cordoned by this run: blue-2');
    expect(text).toMatch(
      /paused +workers\/v1\.32\.0\/pool=blue +1\/3 +blue-2 failed at health-gate \(3 evictions, blocked 5s\)/,
    );
  });
});
