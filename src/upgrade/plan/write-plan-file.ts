/**
 * Writes a plan file the way the run state is written (upgrade/durable-write.ts): through a temp file in the same
 * folder, fsynced, renamed over the target, the folder fsynced, mode 0600 — so `apply` never reads half a plan,
 * and a plan (which names the cluster and its nodes) is readable by its owner only. The folder is created when
 * missing. It writes the plan's canonical YAML text and nothing else; it never prints.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_PLAN_DIR, serializePlan, type UpgradePlan } from '../../plan/index.js';
import { writeFileDurably, writeFileDurablyAsync } from '../durable-write.js';

/** The plan file could not be written (the fs error is the cause); nothing was replaced. */
export class PlanWriteError extends Error {
  override name = 'PlanWriteError';

  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Where a plan goes: `out` when given, else `plans/<metadata.name>.yaml`; absolute. */
export function planFilePath(plan: UpgradePlan, out?: string): string {
  return resolve(out ?? join(DEFAULT_PLAN_DIR, `${plan.metadata.name}.yaml`));
}

/** Writes `plan` to `planFilePath(plan, out)` durably and atomically (mode 0600); returns the absolute path. */
export function writePlanFile(plan: UpgradePlan, out?: string): string {
  const path = planFilePath(plan, out);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileDurably(path, serializePlan(plan));
  } catch (e) {
    const why = (e as Error).message;
    const next = 'Check that the folder is writable, or choose another path with --out.';
    throw new PlanWriteError(`Cannot write the plan ${path}: ${why}. ${next}`, path, { cause: e });
  }
  return path;
}

/** `writePlanFile` without blocking the event loop on its fsyncs (`fleet plan` writes one per cluster). */
export async function writePlanFileAsync(plan: UpgradePlan, out?: string): Promise<string> {
  const path = planFilePath(plan, out);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileDurablyAsync(path, serializePlan(plan));
  } catch (e) {
    const why = (e as Error).message;
    const next = 'Check that the folder is writable, or choose another path with --out.';
    throw new PlanWriteError(`Cannot write the plan ${path}: ${why}. ${next}`, path, { cause: e });
  }
  return path;
}
