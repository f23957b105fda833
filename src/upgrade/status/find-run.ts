/**
 * The `status` use case's lookup: which run to show. Given a plan file (or its `.state.json`), the run recorded
 * next to it; given nothing, the most recently updated `<dir>/*.state.json`. Reads only local files (no cluster
 * access). Nothing recorded is not an error (the result says so); a missing plan file or a state file that is not
 * a run state is `RunLookupError`. Never prints.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_PLAN_DIR } from '../../plan/index.js';
import type { RunState } from '../run/run-state-types.js';
import { readStateFile, StateFileError, statePathFor } from '../run/state-store.js';
import { RunLookupError } from './errors.js';

const STATE_SUFFIX = '.state.json';

/** What was found: the plan as the operator should type it, and its run state (undefined: none recorded). */
export type RunLookup =
  | { readonly plan: string; readonly statePath: string; readonly state: RunState | undefined }
  /** No plan was given and no run is recorded in `dir`. */
  | { readonly plan: undefined; readonly dir: string; readonly state: undefined };

export function findRun(plan: string | undefined, dir: string = DEFAULT_PLAN_DIR): RunLookup {
  let statePath: string;
  let shown: string;
  if (plan !== undefined) {
    if (!existsSync(plan)) {
      throw new RunLookupError(`${plan} does not exist: give the plan file that apply ran (or its ${STATE_SUFFIX})`);
    }
    statePath = plan.endsWith(STATE_SUFFIX) ? plan : statePathFor(plan);
    shown = plan.endsWith(STATE_SUFFIX) ? `${plan.slice(0, -STATE_SUFFIX.length)}.yaml` : plan;
  } else {
    const latest = latestStateFile(dir);
    if (!latest) return { plan: undefined, dir, state: undefined };
    statePath = latest;
    shown = `${latest.slice(0, -STATE_SUFFIX.length)}.yaml`;
  }
  try {
    return { plan: shown, statePath, state: readStateFile(statePath) };
  } catch (e) {
    if (e instanceof StateFileError) throw new RunLookupError(e.message, { cause: e });
    throw e;
  }
}

/** The most recently modified `<dir>/*.state.json`, as a path relative to the working directory. */
function latestStateFile(dir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(STATE_SUFFIX) && !n.startsWith('.'));
  } catch {
    return undefined;
  }
  const dated = names
    .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || a.path.localeCompare(b.path));
  const first = dated[0]?.path;
  return first === undefined ? undefined : relative(process.cwd(), resolve(first)) || first;
}
