/**
 * runProcess through its worker thread: many programs at once, each with its own output and exit code, an
 * abort of one that leaves the others alone, and a program that cannot start.
 */
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/nodes/process-pool.js';

const node = process.execPath;

describe('runProcess (worker thread)', () => {
  it('runs many programs at once, keeping each one’s lines and exit code apart', async () => {
    const lines = new Map<number, string[]>();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runProcess(node, ['-e', `console.log('out ${i}'); console.error('err ${i}'); process.exit(${i % 4})`], {
          timeoutMs: 30_000,
          onLine: (stream, line) => lines.set(i, [...(lines.get(i) ?? []), `${stream}:${line}`]),
        }),
      ),
    );
    outcomes.forEach((o, i) => {
      expect(o.exitCode).toBe(i % 4);
      expect([...(lines.get(i) ?? [])].sort()).toEqual([`stderr:err ${i}`, `stdout:out ${i}`]);
      expect(o.tail.sort()).toEqual([`err ${i}`, `out ${i}`]);
    });
  });

  it('aborts one program and lets the others finish', async () => {
    const ac = new AbortController();
    const slow = runProcess(node, ['-e', 'setTimeout(() => {}, 30000)'], { timeoutMs: 60_000, signal: ac.signal, killGraceMs: 200 });
    const quick = runProcess(node, ['-e', 'setTimeout(() => console.log("done"), 300)'], { timeoutMs: 60_000 });
    setTimeout(() => ac.abort(), 100);
    const [s, q] = await Promise.all([slow, quick]);
    expect(s.aborted).toBe(true);
    expect(s.exitCode).toBeUndefined();
    expect(q).toMatchObject({ exitCode: 0, aborted: false, tail: ['done'] });
  });

  it('reports a program that cannot start, with its error code', async () => {
    const o = await runProcess('/nonexistent/driver', ['x'], { timeoutMs: 5_000 });
    expect(o.spawnError?.code).toBe('ENOENT');
    expect(o.exitCode).toBeUndefined();
  });

  it('answers an already aborted signal without starting anything', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await runProcess(node, ['-e', 'process.exit(3)'], { timeoutMs: 5_000, signal: ac.signal })).toMatchObject({ aborted: true, tail: [] });
  });
});
