/**
 * The run report apply and rollback write when a run ends (done, paused, failed or rolled back): the same files
 * as `k8s-upgrade report`, and the Markdown summary appended to `$GITHUB_STEP_SUMMARY` when that is set. A run
 * that recorded nothing (refused before it started, or a plan already applied with no state here) writes nothing.
 * Writing the report never changes the run's outcome: a failure to write becomes a line saying so.
 */
import { existsSync } from 'node:fs';
import { statePathFor } from '../../upgrade/run/state-store.js';
import type { ReportFlagValues } from '../flags/report.js';
import { shownPath } from '../paths.js';
import { writeRunReports } from './write-reports.js';

export interface ReportAfterRunOptions {
  generator: string;
  env: NodeJS.ProcessEnv;
}

/** Writes the report of the run of `planPath` and returns the lines to print (nothing when none was written). */
export function reportAfterRun(planPath: string, flags: ReportFlagValues, o: ReportAfterRunOptions): string[] {
  if (!flags.report || !existsSync(statePathFor(planPath))) return [];
  try {
    const stepSummary = o.env.GITHUB_STEP_SUMMARY;
    const written = writeRunReports(planPath, {
      generator: o.generator,
      ...(flags['report-dir'] ? { outDir: flags['report-dir'] } : {}),
      ...(stepSummary ? { stepSummary } : {}),
    });
    const lines = [`Report: ${written.files.map((f) => shownPath(f.path)).join(', ')}`];
    if (written.stepSummary) lines.push(`Summary appended to ${written.stepSummary}`);
    return lines;
  } catch (e) {
    return [`The run report was not written: ${(e as Error).message} (run k8s-upgrade report ${planPath} later)`];
  }
}
