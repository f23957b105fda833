/**
 * The run report's renderers and writer: HTML (one self-contained page with the per-node timeline), Markdown
 * (the CI job summary) and JUnit XML (one test case per node), and `writeRunReports`, which `report`, apply and
 * rollback use to write them next to the plan. Renderers return strings; only the writer touches files.
 */
export { escapeHtml, escapeMarkdownCell, escapeXml } from './escape.js';
export { renderReportHtml, type HtmlOptions } from './report-html.js';
export { renderReportMarkdown, type MarkdownOptions } from './report-markdown.js';
export { renderReportJunit } from './report-junit.js';
export { makeTimeScale, type TimeScale } from './time-scale.js';
export {
  REPORT_FORMATS,
  reportPaths,
  writeRunReports,
  type ReportFormat,
  type WriteReportsOptions,
  type WrittenReports,
} from './write-reports.js';
export { reportAfterRun, type ReportAfterRunOptions } from './after-run.js';
