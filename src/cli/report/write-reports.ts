/**
 * Writes the run report of a plan: `<plan>.report.html`, `<plan>.report.md` and `<plan>.junit.xml` next to the
 * plan (or in `outDir`), mode 0600 like the run state (a report holds no credentials, but it names the
 * cluster's nodes and workloads), and appends the Markdown summary to `stepSummary` when given (the caller passes
 * `$GITHUB_STEP_SUMMARY`). `report` uses it, and apply and rollback call it at the end of every run.
 * Input problems (no plan, no recorded run, a bad state file) are CliErrors with exit 3.
 */
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { PlanFileError, PlanInputError } from '../../plan/index.js';
import { loadRunReport, ReportInputError, type RunReport } from '../../upgrade/report/index.js';
import { StateFileError } from '../../upgrade/run/state-store.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { shownPath } from '../paths.js';
import { renderReportHtml } from './report-html.js';
import { renderReportJunit } from './report-junit.js';
import { renderReportMarkdown } from './report-markdown.js';

export const REPORT_FORMATS = ['html', 'markdown', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface WriteReportsOptions {
  /** Where the files go (created when missing); default: next to the plan. */
  outDir?: string;
  /** Default: all three. */
  formats?: readonly ReportFormat[];
  /** A file to append the Markdown summary to: pass `process.env.GITHUB_STEP_SUMMARY`. */
  stepSummary?: string;
  /** `k8s-upgrade 0.1.0`, named in the HTML footer. */
  generator?: string;
  now?: Date;
}

export interface WrittenReports {
  files: { format: ReportFormat; path: string }[];
  /** The step-summary file the Markdown was appended to. */
  stepSummary?: string;
  report: RunReport;
}

/** `plans/x.yaml` → `plans/x.report.html`, `plans/x.report.md`, `plans/x.junit.xml` (in `outDir` when given). */
export function reportPaths(planPath: string, outDir?: string): Record<ReportFormat, string> {
  const base = basename(planPath, extname(planPath));
  const dir = outDir ?? dirname(planPath);
  return {
    html: join(dir, `${base}.report.html`),
    markdown: join(dir, `${base}.report.md`),
    junit: join(dir, `${base}.junit.xml`),
  };
}

export function writeRunReports(planPath: string, o: WriteReportsOptions = {}): WrittenReports {
  const report = load(planPath);
  const formats = o.formats && o.formats.length > 0 ? [...new Set(o.formats)] : [...REPORT_FORMATS];
  const paths = reportPaths(planPath, o.outDir);
  const generatedAt = (o.now ?? new Date()).toISOString();
  const generator = o.generator ?? 'k8s-upgrade';
  const markdown = () =>
    renderReportMarkdown(report, formats.includes('html') ? { htmlPath: shownPath(paths.html) } : {});
  const render: Record<ReportFormat, () => string> = {
    html: () => renderReportHtml(report, { generatedAt, generator }),
    markdown,
    junit: () => renderReportJunit(report, { generatedAt }),
  };
  if (o.outDir) mkdirOrFail(o.outDir);
  const files = formats.map((format) => {
    writePrivate(paths[format], render[format]());
    return { format, path: paths[format] };
  });
  if (o.stepSummary) {
    try {
      appendFileSync(o.stepSummary, `${markdown()}\n`);
    } catch (e) {
      throw new CliError(
        `cannot append the summary to ${o.stepSummary} ($GITHUB_STEP_SUMMARY): ${(e as Error).message}`,
        EXIT.FAILED,
        { cause: e },
      );
    }
  }
  return { files, ...(o.stepSummary ? { stepSummary: o.stepSummary } : {}), report };
}

function load(planPath: string): RunReport {
  try {
    return loadRunReport(planPath);
  } catch (e) {
    if (
      e instanceof ReportInputError ||
      e instanceof PlanFileError ||
      e instanceof PlanInputError ||
      e instanceof StateFileError
    ) {
      throw new CliError(e.message, EXIT.INVALID_INPUT, { cause: e });
    }
    throw e;
  }
}

function mkdirOrFail(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new CliError(
      `cannot create the report folder ${dir}: ${(e as Error).message}. Give a writable --out`,
      EXIT.FAILED,
      { cause: e },
    );
  }
}

function writePrivate(path: string, text: string): void {
  try {
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600); // an older report may have been written with other permissions
  } catch (e) {
    throw new CliError(
      `cannot write the report ${path}: ${(e as Error).message}. Check that the folder is writable (or give --out)`,
      EXIT.FAILED,
      { cause: e },
    );
  }
}
