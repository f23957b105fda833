/**
 * The run journal's writes: a commit resolves only once the file holds its change; commits made while a
 * write is in progress share the next write (group commit); progress updates coalesce; flush writes the rest.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readStateFile } from '../../../src/upgrade/run/state-store.js';
import { sampleState } from './sample-state.js';

// Counts the real writes (the real atomic writer runs underneath).
const writes = vi.hoisted(() => ({ n: 0 }));
vi.mock('../../../src/upgrade/run/state-store.js', async (importActual) => {
  const actual = await importActual<typeof import('../../../src/upgrade/run/state-store.js')>();
  return {
    ...actual,
    writeStateFile: async (...args: Parameters<typeof actual.writeStateFile>) => {
      writes.n++;
      return actual.writeStateFile(...args);
    },
  };
});
const { RunJournal } = await import('../../../src/upgrade/run/run-journal.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-journal-'));
  writes.n = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const nodeOf = (j: InstanceType<typeof RunJournal>) => j.state.phases[0]!.nodes[0]!;

describe('RunJournal', () => {
  it('resolves a commit only when the state file holds the change', async () => {
    const path = join(dir, 'p.state.json');
    const j = new RunJournal(sampleState(), path);
    await j.commit((s) => {
      s.phases[0]!.nodes[0]!.driverRuns = 1;
    });
    expect(readStateFile(path)?.phases[0]?.nodes[0]?.driverRuns).toBe(1);
  });

  it('lets commits made during a write share the next one, each durable when it resolves', async () => {
    const path = join(dir, 'p.state.json');
    const j = new RunJournal(sampleState(), path);
    const done: Promise<void>[] = [];
    for (let i = 1; i <= 50; i++) {
      done.push(
        j.commit(() => {
          nodeOf(j).evictions = i;
        }),
      );
    }
    await Promise.all(done);
    expect(readStateFile(path)?.phases[0]?.nodes[0]?.evictions).toBe(50);
    expect(writes.n).toBeLessThanOrEqual(2); // the first write, then one carrying the other 49 changes
  });

  it('checks each commit against the file as it resolves (no commit resolves before its change is on disk)', async () => {
    const path = join(dir, 'p.state.json');
    const j = new RunJournal(sampleState(), path);
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        j
          .commit(() => {
            nodeOf(j).blockedMs = Math.max(nodeOf(j).blockedMs, k + 1);
          })
          .then(() => seen.push((readStateFile(path)?.phases[0]?.nodes[0]?.blockedMs ?? 0) - (k + 1))),
      ),
    );
    expect(seen.every((d) => d >= 0)).toBe(true);
  });

  it('coalesces progress updates within the interval, and flush writes what is pending', async () => {
    const path = join(dir, 'p.state.json');
    const j = new RunJournal(sampleState(), path, undefined, () => new Date(), 60_000);
    await j.commit(() => undefined);
    const before = writes.n;
    for (let i = 0; i < 100; i++) {
      j.update(() => {
        nodeOf(j).step = i % 2 ? 'drain' : 'upgrade';
        nodeOf(j).evictions = i;
      });
    }
    expect(writes.n).toBe(before); // nothing written yet: the interval has not passed
    await j.flush();
    expect(writes.n).toBe(before + 1);
    expect(readStateFile(path)?.phases[0]?.nodes[0]?.evictions).toBe(99);
  });

  it('rejects a commit whose write fails (the run stops), and a later commit writes everything again', async () => {
    const path = join(dir, 'missing', 'p.state.json');
    const j = new RunJournal(sampleState(), path);
    await expect(
      j.commit(() => {
        nodeOf(j).driverRuns = 7;
      }),
    ).rejects.toThrow(/Cannot write the run state/);
    mkdirSync(join(dir, 'missing'));
    await j.commit(() => {
      nodeOf(j).evictions = 8;
    });
    expect(readStateFile(path)?.phases[0]?.nodes[0]).toMatchObject({ driverRuns: 7, evictions: 8 });
  });
});
