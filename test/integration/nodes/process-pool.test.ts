/**
 * runProcess through its helper process: many programs at once, each with its own output and exit code, an
 * abort of one that leaves the others alone, a program that cannot start, and the helper going away with the
 * process that started it (killed outright).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/nodes/process-pool.js';
import { waitFor } from '../../helpers/sandbox.js';

const node = process.execPath;

/** A process's parent pid and state from /proc; undefined once it is gone. */
function procStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { state: f[0]!, ppid: Number(f[1]) };
  } catch {
    return undefined;
  }
}

describe('runProcess (helper process)', () => {
  it('the helper exits when the process that started it is killed outright', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
    const pool = pathToFileURL(fileURLToPath(new URL('../../../src/nodes/process-pool.ts', import.meta.url))).href;
    // The parent runs a program that prints its pid and sleeps; the program's parent is the helper.
    const script = `const { runProcess } = await import(${JSON.stringify(pool)}); runProcess('sh', ['-c', 'echo $$; exec sleep 30'], { timeoutMs: 60000, onLine: (_s, l) => console.log('pid ' + l) });`;
    const parent = spawn(node, ['--import', tsx, '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let program = 0;
    try {
      await waitFor(() => /pid (\d+)/.test(out), 'the program to start', 20_000);
      program = Number(/pid (\d+)/.exec(out)![1]);
      const helper = procStat(program)!.ppid;
      expect(helper).not.toBe(parent.pid);
      expect(procStat(helper)?.ppid).toBe(parent.pid);
      parent.kill('SIGKILL');
      await waitFor(
        () => {
          const st = procStat(helper);
          return st === undefined || st.state === 'Z';
        },
        'the helper to exit',
        10_000,
      );
    } finally {
      parent.kill('SIGKILL');
      if (program) {
        try {
          process.kill(program, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });

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
    const slow = runProcess(node, ['-e', 'setTimeout(() => {}, 30000)'], {
      timeoutMs: 60_000,
      signal: ac.signal,
      killGraceMs: 200,
    });
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
    expect(await runProcess(node, ['-e', 'process.exit(3)'], { timeoutMs: 5_000, signal: ac.signal })).toMatchObject({
      aborted: true,
      tail: [],
    });
  });
});
