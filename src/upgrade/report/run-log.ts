/**
 * Reads the run log (`<plan>.log`, one event per JSON line, appended by every apply and rollback of the plan)
 * for the report. Tolerant by design: the log is a convenience record that a `kill -9` may cut in the middle
 * of a line, so a partial last line, a line that is not JSON or not an event is skipped and said in
 * `problems`; a missing log is not an error (the report then draws from the run state alone).
 */
import { readFileSync } from 'node:fs';
import type { UpgradeEvent } from '../run/events.js';

export interface RunLog {
  events: UpgradeEvent[];
  /** What the report should say about the log (missing, truncated, unreadable lines). */
  problems: string[];
  missing: boolean;
}

export function parseRunLog(text: string): RunLog {
  const lines = text.split('\n');
  const partialLast = !text.endsWith('\n') && (lines.at(-1) ?? '') !== '';
  const events: UpgradeEvent[] = [];
  const problems: string[] = [];
  let bad = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const event = parseLine(line);
    if (event) events.push(event);
    else if (partialLast && i === lines.length - 1)
      problems.push(
        'the last line of the run log is incomplete (the process was stopped while writing it); it is left out',
      );
    else bad++;
  });
  if (bad > 0)
    problems.push(`${bad} line${bad === 1 ? ' is' : 's are'} not run events and ${bad === 1 ? 'is' : 'are'} left out`);
  return { events, problems, missing: false };
}

/** Reads `path`; a missing file is an empty log with a note, and so is any read error: the report still renders. */
export function readRunLog(path: string): RunLog {
  try {
    return parseRunLog(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no run log' : `the run log cannot be read (${(e as Error).message})`;
    return {
      events: [],
      problems: [`${why} (${path}): the timeline shows only what the run state records, without steps or PDB waits`],
      missing: true,
    };
  }
}

function parseLine(line: string): UpgradeEvent | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const e = v as { type?: unknown; at?: unknown };
  if (typeof e.type !== 'string' || typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at))) return undefined;
  return v as UpgradeEvent;
}
