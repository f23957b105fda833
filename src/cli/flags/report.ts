/**
 * The report flags of the commands that run a plan (apply, rollback): whether the run report is written at the
 * end of the run, and where. Declared once; `reportAfterRunFrom` turns them into the writer's options.
 */
import { Flags } from '@oclif/core';

export const reportFlags = {
  report: Flags.boolean({
    description:
      'Write the run report at the end (<plan>.report.html, .report.md, .junit.xml; the summary also to $GITHUB_STEP_SUMMARY). --no-report skips it.',
    default: true,
    allowNo: true,
  }),
  'report-dir': Flags.string({
    description: 'Folder for the run report (created when missing); default: next to the plan.',
  }),
};

export interface ReportFlagValues {
  report: boolean;
  'report-dir'?: string;
}
