/** Reading a plan file for a run (apply, rollback): a missing or unreadable file is the operator's to fix. */
import { readFileSync, statSync } from 'node:fs';
import { MAX_PLAN_CHARS, parsePlan, type UpgradePlan } from '../../plan/index.js';
import { ApplyInputError } from './errors.js';

export function readPlan(path: string): UpgradePlan {
  let text: string;
  try {
    // A file far past the limit is refused without reading it (parsePlan refuses the text over it too).
    const size = statSync(path).size;
    if (size > MAX_PLAN_CHARS * 4)
      throw new ApplyInputError(
        `${path} is ${(size / 2 ** 20).toFixed(0)} MiB: too large to be a plan (at most 16 MiB). Write one with k8s-upgrade plan --to vX.Y.Z`,
      );
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ApplyInputError) throw e;
    throw new ApplyInputError(
      `cannot read the plan ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}. Write one with k8s-upgrade plan --to vX.Y.Z`,
      { cause: e },
    );
  }
  return parsePlan(text, { source: path });
}
