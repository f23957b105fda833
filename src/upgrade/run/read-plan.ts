/** Reading a plan file for a run (apply, rollback): a missing or unreadable file is the operator's to fix. */
import { readFileSync } from 'node:fs';
import { parsePlan, type UpgradePlan } from '../../plan/index.js';
import { ApplyInputError } from './errors.js';

export function readPlan(path: string): UpgradePlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ApplyInputError(
      `cannot read the plan ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}. Write one with k8s-upgrade plan --to vX.Y.Z`,
      { cause: e },
    );
  }
  return parsePlan(text, { source: path });
}
