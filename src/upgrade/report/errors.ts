/** The report cannot be made from what the operator named (exit code 3): no plan there, or no run recorded for it. */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}
