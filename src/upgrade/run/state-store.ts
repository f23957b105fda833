/**
 * The run-state file next to the plan (`plans/x.yaml` → `plans/x.state.json`): written atomically (temp
 * file in the same folder, fsync, rename, fsync the folder; mode 0600; in a worker thread, state-file-writer.ts) so a crash or kill -9 leaves either
 * the old journal or the new one, never half of one; read back and validated against run-state-schema.ts. It is
 * the authority on a run (the ConfigMap mirror is a copy). It must never hold credentials.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomically } from './state-file-writer.js';
import { runStateProblems } from './run-state-schema.js';
import type { RunState } from './run-state-types.js';
import { tempPathFor } from '../durable-write.js';

/** The state file cannot be used: unreadable, not JSON, or not a k8s-upgrade run state. */
export class StateFileError extends Error {
  override name = 'StateFileError';

  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `plans/x.yaml` → `plans/x.state.json` (any extension is replaced; none is fine). */
export function statePathFor(planPath: string): string {
  const ext = extname(planPath);
  const base = basename(planPath, ext);
  return join(dirname(planPath), `${base}.state.json`);
}

/**
 * Writes `state` to `path` atomically, mode 0600: the text is taken now (a consistent snapshot), the file
 * work (temp file, fsync, rename, fsync of the folder) runs in a worker thread, so a run with dozens of
 * nodes in flight is not stalled by the disk. Rejects with StateFileError (the fs error as cause).
 */
export async function writeStateFile(path: string, state: RunState): Promise<void> {
  const tmp = tempPathFor(path);
  // Compact: at hundreds of nodes the state is rewritten often and pretty-printing doubled its size and cost
  // (`k8s-upgrade status` is the readable view).
  const data = JSON.stringify(state) + '\n';
  try {
    await writeFileAtomically(path, tmp, data);
  } catch (e) {
    throw new StateFileError(
      `Cannot write the run state ${path}: ${(e as Error).message}. Check that the folder exists and is writable; the run stops so that no step goes unrecorded.`,
      path,
      { cause: e },
    );
  }
}

/** Reads the state file; `undefined` when it does not exist. Throws StateFileError when it is not a valid run state. */
export function readStateFile(path: string): RunState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`Cannot read the run state ${path}: ${(e as Error).message}.`, path, { cause: e });
  }
  return parseRunState(text, path);
}

/** Parses and validates a run state (from the file or the ConfigMap mirror); `source` names it in errors. */
export function parseRunState(text: string, source: string): RunState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(
      `The run state ${source} is not valid JSON (${(e as Error).message}). It may have been edited or truncated; restore it from the cluster mirror or move it aside to start a new run.`,
      source,
      { cause: e },
    );
  }
  const problems = runStateProblems(v);
  if (problems.length > 0) {
    const shown = problems.slice(0, 3).join('; ') + (problems.length > 3 ? ` (and ${problems.length - 3} more)` : '');
    throw new StateFileError(
      `The run state ${source} is not a k8s-upgrade run state: ${shown}. Move it aside to start a new run, or restore it from the cluster mirror.`,
      source,
    );
  }
  // The document itself, not zod's copy: fields a newer release wrote are kept when this one rewrites the state.
  return v as RunState;
}
