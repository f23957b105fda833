/**
 * `apply --auto-rollback`: apply the plan, and when the run stopped at a failed health gate (or a node that never
 * became Ready at its new version) and was not paused by the operator, roll the run back at once — the operator
 * said yes to that when giving the flag, so the rollback asks nothing. Each run is shown by the caller's
 * `present`, which gets an event sink for it (a fresh progress view per run). Returns both summaries; never prints.
 */
import type { EventSink, RunSummary } from '../run/index.js';
import { rollbackRun, type RollbackConfirmInfo } from '../rollback/index.js';
import { applyPlan, type ApplyRequest } from '../apply/index.js';

/** Which run is starting, and the run itself, given the sink its events go to. */
export type RunPresenter = (
  run: 'apply' | 'rollback',
  execute: (sink: EventSink) => Promise<RunSummary>,
) => Promise<RunSummary>;

export interface AutoRollbackApplyRequest extends ApplyRequest {
  /** Roll back when a health gate fails. */
  autoRollback: boolean;
  /** Told what the rollback will undo before it starts (it is not asked: it always goes on). */
  onRollback?: (info: RollbackConfirmInfo) => void;
}

export interface AutoRollbackApplyResult {
  apply: RunSummary;
  /** Present when the apply was rolled back. */
  rollback?: RunSummary;
}

/** True when the run stopped at a failed health gate or a node that never became Ready: what triggers the rollback. */
export function stoppedByFailedGate(summary: RunSummary): boolean {
  return summary.stoppedBy?.step === 'health-gate' || summary.stoppedBy?.step === 'wait-ready';
}

export async function applyWithAutoRollback(
  req: AutoRollbackApplyRequest,
  present: RunPresenter,
): Promise<AutoRollbackApplyResult> {
  const applied = await present('apply', (sink) => applyPlan(req, sink));
  if (!req.autoRollback || !stoppedByFailedGate(applied) || req.signal?.aborted) return { apply: applied };
  const rolledBack = await present('rollback', (sink) =>
    rollbackRun(
      {
        planPath: req.planPath,
        access: req.access,
        confirm: async (info) => {
          req.onRollback?.(info);
          return true;
        },
        settings: rollbackSettings(req.settings),
        signal: req.signal,
        abort: req.abort,
        driverOptions: req.driverOptions,
        bin: req.bin,
      },
      sink,
    ),
  );
  return { apply: applied, rollback: rolledBack };
}

/** The apply's settings that a rollback uses too (node timing; not apply's driver retries or etcd choice). */
function rollbackSettings(s: ApplyRequest['settings']): ApplyRequest['settings'] {
  const { nodeReadyTimeoutMs, evictionRetryDelayMs } = s ?? {};
  return {
    ...(nodeReadyTimeoutMs !== undefined ? { nodeReadyTimeoutMs } : {}),
    ...(evictionRetryDelayMs !== undefined ? { evictionRetryDelayMs } : {}),
  };
}
