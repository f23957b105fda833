/**
 * The questions `apply` and `rollback` ask on a terminal before they change anything (`--yes` skips them): what
 * will be done to which cluster, answered y/yes to go on. The question goes to `output` (stderr under `--json`,
 * so stdout stays one document).
 */
import { createInterface } from 'node:readline/promises';
import type { ConfirmInfo } from '../upgrade/apply/index.js';
import type { RollbackConfirmInfo } from '../upgrade/rollback/index.js';

async function ask(question: string, output: NodeJS.WritableStream): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function confirmApply(info: ConfirmInfo, output: NodeJS.WritableStream): Promise<boolean> {
  const cluster = info.plan.cluster.context ?? info.plan.cluster.server;
  const what = info.resumed ? `Resume the upgrade of ${cluster}` : `Upgrade ${cluster}`;
  const warn = info.warnings ? ` (${info.warnings} warning${info.warnings === 1 ? '' : 's'} in preflight)` : '';
  return ask(
    `${what} from ${info.plan.from} to ${info.plan.to}: ${info.remaining} node step(s) to go${warn}. Continue? [y/N] `,
    output,
  );
}

export function confirmRollback(info: RollbackConfirmInfo, output: NodeJS.WritableStream): Promise<boolean> {
  const lost = info.snapshot ? ', losing every write after the snapshot' : '';
  return ask(`Roll back ${info.plan.cluster.context ?? info.plan.cluster.server}${lost}? [y/N] `, output);
}
