import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { CliError } from '../cli/errors.js';
import { EXIT, exitCodeHelp } from '../cli/exit-codes.js';
import { shownPath } from '../cli/paths.js';
import { REPORT_FORMATS, writeRunReports, type ReportFormat } from '../cli/report/index.js';

export default class Report extends BaseCommand {
  static override summary =
    'Write the report of a run: an HTML page with a per-node timeline, a Markdown summary, JUnit XML.';

  static override description = `Reads the plan, its run state (<plan>.state.json) and run log (<plan>.log) — no
cluster access — and writes, mode 0600, next to the plan or in --out:
  <plan>.report.html  one self-contained page (no network): the per-node timeline of cordon, drain, node driver,
                      wait Ready, uncordon and health gate with the time blocked by PodDisruptionBudgets, the
                      phases, the critical path, evictions per node, the plan's findings and waivers, the etcd
                      snapshots, the totals
  <plan>.report.md    a short Markdown summary (also appended to $GITHUB_STEP_SUMMARY when that is set)
  <plan>.junit.xml    JUnit XML: a test suite per phase, a test case per node
apply and rollback write the same files at the end of every run.

${exitCodeHelp([EXIT.OK, EXIT.FAILED, EXIT.INVALID_INPUT])}`;

  static override examples = [
    '<%= config.bin %> report plans/prod-v1.31.4-to-v1.32.0.yaml',
    '<%= config.bin %> report plans/prod-v1.31.4-to-v1.32.0.yaml --out reports --format html,junit',
  ];

  static override args = {
    plan: Args.string({ description: 'The plan file that apply ran.', required: true }),
  };

  static override flags = {
    out: Flags.string({
      description: 'Folder for the report files (created when missing); default: next to the plan.',
    }),
    format: Flags.string({
      description: `Comma-separated: ${REPORT_FORMATS.join(', ')} (default: all three).`,
      default: REPORT_FORMATS.join(','),
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Report);
    const written = writeRunReports(shownPath(args.plan), {
      formats: parseFormats(flags.format),
      ...(flags.out ? { outDir: flags.out } : {}),
      ...(process.env.GITHUB_STEP_SUMMARY ? { stepSummary: process.env.GITHUB_STEP_SUMMARY } : {}),
      generator: `k8s-upgrade ${this.config.version}`,
    });
    for (const f of written.files) process.stdout.write(`${shownPath(f.path)}\n`);
    if (written.stepSummary) process.stdout.write(`summary appended to ${written.stepSummary}\n`);
  }
}

function parseFormats(text: string): ReportFormat[] {
  const given = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = given.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length > 0 || given.length === 0)
    throw new CliError(
      `--format ${text}: expected a comma-separated list of ${REPORT_FORMATS.join(', ')}`,
      EXIT.INVALID_INPUT,
    );
  return given as ReportFormat[];
}
