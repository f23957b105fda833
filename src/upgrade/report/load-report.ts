/**
 * Reads what a run of a plan left next to it — the plan file, `<plan>.state.json` and `<plan>.log` — and builds
 * its report. A missing plan or no recorded run is a `ReportInputError` (the operator named the wrong file, or
 * nothing ran yet); a missing or damaged log is not an error, only a note in the report.
 */
import { readFileSync } from 'node:fs';
import { parsePlan, type UpgradePlan } from '../../plan/index.js';
import { readStateFile, statePathFor } from '../run/state-store.js';
import { buildRunReport } from './build-report.js';
import { ReportInputError } from './errors.js';
import type { RunReport } from './report-types.js';
import { readRunLog } from './run-log.js';

/** `plans/x.yaml` → `plans/x.log`: where apply and rollback append their events. */
export const runLogPathFor = (planPath: string): string => statePathFor(planPath).replace(/\.state\.json$/, '.log');

export function loadRunReport(planPath: string): RunReport {
  const plan = readPlanFile(planPath);
  const statePath = statePathFor(planPath);
  const state = readStateFile(statePath);
  if (!state)
    throw new ReportInputError(
      `no run of ${planPath} is recorded (${statePath} does not exist): run k8s-upgrade apply ${planPath} first`,
    );
  const logPath = runLogPathFor(planPath);
  const log = readRunLog(logPath);
  return buildRunReport({ plan, planPath, state, events: log.events, logProblems: log.problems, logPath });
}

function readPlanFile(path: string): UpgradePlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ReportInputError(`cannot read the plan ${path}: ${why}. Give the plan file that apply ran`, { cause: e });
  }
  return parsePlan(text, { source: path });
}
