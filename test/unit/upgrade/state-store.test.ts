/** The run-state file: path next to the plan, atomic 0600 write, round trip, and clear errors for bad files. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateFileError, readStateFile, statePathFor, writeStateFile } from '../../../src/upgrade/run/state-store.js';
import { sampleState } from './sample-state.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('statePathFor', () => {
  it.each([
    ['plans/x.yaml', 'plans/x.state.json'],
    ['plans/sandbox-v1.31.4-to-v1.32.0.yaml', 'plans/sandbox-v1.31.4-to-v1.32.0.state.json'],
    ['/abs/dir/p.yml', '/abs/dir/p.state.json'],
    ['p', 'p.state.json'],
  ])('%s → %s', (plan, state) => expect(statePathFor(plan)).toBe(state));
});

describe('writeStateFile / readStateFile', () => {
  it('round-trips, with mode 0600 and no temp file left behind', async () => {
    const path = join(dir, 'x.state.json');
    const s = sampleState();
    await writeStateFile(path, s);
    expect(readStateFile(path)).toEqual(s);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['x.state.json']);

    const next = sampleState({ status: 'done', updatedAt: '2025-01-01T00:10:00.000Z' });
    await writeStateFile(path, next);
    expect(readStateFile(path)).toEqual(next);
    expect(readdirSync(dir)).toEqual(['x.state.json']);
  });

  it('replaces the file by rename (a reader never sees a partial file)', async () => {
    const path = join(dir, 'x.state.json');
    await writeStateFile(path, sampleState());
    const inode = statSync(path).ino;
    await writeStateFile(path, sampleState({ status: 'paused' }));
    // A new inode: the old file was replaced whole, not rewritten in place.
    expect(statSync(path).ino).not.toBe(inode);
  });

  it('is undefined when there is no state file', () => {
    expect(readStateFile(join(dir, 'none.state.json'))).toBeUndefined();
  });

  it('rejects with StateFileError when the folder does not exist, and leaves nothing behind', async () => {
    const path = join(dir, 'missing', 'x.state.json');
    await expect(writeStateFile(path, sampleState())).rejects.toThrow(StateFileError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    ['truncated JSON', '{"apiVersion":"k8s-upgrade/v1","kind":', /not valid JSON/],
    ['an array', '[]', /not a JSON object/],
    [
      'another apiVersion',
      JSON.stringify(sampleState({ apiVersion: 'v2' as never })),
      /apiVersion is "v2", expected k8s-upgrade\/v1/,
    ],
    ['another kind', JSON.stringify(sampleState({ kind: 'Plan' as never })), /kind is "Plan"/],
    ['no runId', JSON.stringify({ ...sampleState(), runId: undefined }), /runId is missing/],
    ['a bad status', JSON.stringify(sampleState({ status: 'weird' as never })), /status "weird"/],
    ['no plan', JSON.stringify({ ...sampleState(), plan: undefined }), /plan is missing/],
    ['phases not a list', JSON.stringify({ ...sampleState(), phases: {} }), /phases is not a list/],
    [
      'a node without a name',
      JSON.stringify(sampleState({ phases: [{ ...sampleState().phases[0], nodes: [{ status: 'done' } as never] }] })),
      /phases\[0\]\.nodes\[0\]/,
    ],
  ])('rejects %s with a StateFileError that names the file', (_what, text, message) => {
    const path = join(dir, 'bad.state.json');
    writeFileSync(path, text);
    let err: unknown;
    try {
      readStateFile(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateFileError);
    expect((err as StateFileError).path).toBe(path);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(message);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
