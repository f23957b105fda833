/**
 * The plan file is written like the run state (src/upgrade/run/durable-write.ts): mode 0600, exactly the plan's
 * YAML, an existing file replaced atomically (a new inode renamed over it, no temp file left behind), the folder
 * created when missing; a failed write replaces nothing and says what to do.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePlan, serializePlan } from '../../../src/plan/index.js';
import { durableWriteSync, writeFileDurably } from '../../../src/upgrade/durable-write.js';
import {
  PlanWriteError,
  planFilePath,
  writePlanFile,
  writePlanFileAsync,
} from '../../../src/upgrade/plan/write-plan-file.js';

const EXAMPLE = fileURLToPath(new URL('../../../plans/examples/exec-driver.yaml', import.meta.url));
const plan = parsePlan(readFileSync(EXAMPLE, 'utf8'));
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-plan-write-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writePlanFile', () => {
  it('writes the plan YAML with mode 0600, creating the folder, and returns the absolute path', () => {
    const out = join(dir, 'new', 'folder', 'p.yaml');
    expect(writePlanFile(plan, out)).toBe(out);
    expect(readFileSync(out, 'utf8')).toBe(serializePlan(plan));
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(parsePlan(readFileSync(out, 'utf8'))).toEqual(plan);
  });

  it('replaces an existing file atomically: a new file renamed over it, no temp file left', () => {
    const out = join(dir, 'p.yaml');
    writeFileSync(out, 'old content\n', { mode: 0o644 });
    const before = statSync(out).ino;
    writePlanFile(plan, out);
    expect(statSync(out).ino).not.toBe(before);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toBe(serializePlan(plan));
    expect(readdirSync(dir)).toEqual(['p.yaml']);
  });

  it('defaults to plans/<metadata.name>.yaml', () => {
    expect(planFilePath(plan)).toBe(path.resolve('plans', `${plan.metadata.name}.yaml`));
  });

  it('a path it cannot write: PlanWriteError with the fs error as cause, nothing replaced, no temp file left', () => {
    writeFileSync(join(dir, 'a-file'), 'not a folder\n');
    const notDir = catchError(() => writePlanFile(plan, join(dir, 'a-file', 'p.yaml')));
    expect(notDir).toBeInstanceOf(PlanWriteError);
    expect((notDir as Error).message).toContain('choose another path with --out');
    expect(((notDir as Error).cause as NodeJS.ErrnoException).code).toMatch(/^(EEXIST|ENOTDIR)$/); // mkdir -p over a file: EEXIST on Linux
    expect(readFileSync(join(dir, 'a-file'), 'utf8')).toBe('not a folder\n');

    mkdirSync(join(dir, 'taken', 'inside'), { recursive: true });
    expect(catchError(() => writePlanFile(plan, join(dir, 'taken')))).toBeInstanceOf(PlanWriteError);
    expect(readdirSync(join(dir, 'taken'))).toEqual(['inside']);
    expect(readdirSync(dir).sort()).toEqual(['a-file', 'taken']);
  });
});

const catchError = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('durableWriteSync (shared with the state file writer)', () => {
  it('refuses a temp file that already exists and leaves the target alone', () => {
    const file = join(dir, 'f');
    const tmp = join(dir, '.f.tmp');
    writeFileSync(file, 'target');
    writeFileSync(tmp, 'someone else');
    expect(() => durableWriteSync(fs, path, file, tmp, 'new', 0o600)).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    expect(readFileSync(file, 'utf8')).toBe('target');
  });

  it('removes its temp file when the rename fails', () => {
    const file = join(dir, 'is-a-folder');
    mkdirSync(join(file, 'child'), { recursive: true });
    const tmp = join(dir, '.x.tmp');
    expect(() => durableWriteSync(fs, path, file, tmp, 'new', 0o600)).toThrow();
    expect(existsSync(tmp)).toBe(false);
  });

  it('writes bytes and text alike, with the mode asked for', () => {
    writeFileDurably(join(dir, 'a'), new TextEncoder().encode('bytes'));
    writeFileDurably(join(dir, 'b'), 'text', 0o640);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('bytes');
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'b')).mode & 0o777).toBe(0o640 & ~process.umask());
  });

  it('runs from its own source text, with no module in scope (as the state file worker runs it)', () => {
    const rebuilt = new Function(`return (${durableWriteSync.toString()});`)() as typeof durableWriteSync;
    rebuilt(fs, path, join(dir, 'c'), join(dir, '.c.tmp'), 'from source', 0o600);
    expect(readFileSync(join(dir, 'c'), 'utf8')).toBe('from source');
  });
});

describe('writePlanFileAsync (fleet plan: fsyncs off the event loop)', () => {
  it('writes what writePlanFile writes, mode 0600, replacing a file atomically and leaving no temp file', async () => {
    const out = join(dir, 'async', 'p.yaml');
    mkdirSync(join(dir, 'async'));
    writeFileSync(out, 'old');
    const before = statSync(out).ino;
    expect(await writePlanFileAsync(plan, out)).toBe(out);
    expect(readFileSync(out, 'utf8')).toBe(serializePlan(plan));
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(out).ino).not.toBe(before);
    expect(readdirSync(join(dir, 'async'))).toEqual(['p.yaml']);
  });

  it('a folder that cannot be made is a PlanWriteError that replaces nothing', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    await expect(writePlanFileAsync(plan, join(dir, 'file', 'p.yaml'))).rejects.toBeInstanceOf(PlanWriteError);
    expect(readFileSync(join(dir, 'file'), 'utf8')).toBe('x');
  });
});
