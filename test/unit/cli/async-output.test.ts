/**
 * AsyncFdOutput: progress lines are accepted at once and written off the event loop, in order and completely;
 * a reader that went away (EPIPE) loses the output but never fails or stalls the run.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AsyncFdOutput } from '../../../src/cli/async-output.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('AsyncFdOutput', () => {
  it('accepts lines without writing them on the spot, then writes all of them in order', async () => {
    dir = mkdtempSync(join(tmpdir(), 'async-output-'));
    const file = join(dir, 'out');
    const fd = openSync(file, 'w');
    const out = new AsyncFdOutput(fd);
    const lines = Array.from({ length: 20_000 }, (_, i) => `{"type":"node-step","n":${i},"text":"ünïcödé"}\n`);
    for (const l of lines) expect(out.write(l)).toBe(true);
    expect(readFileSync(file, 'utf8').length).toBeLessThan(lines.join('').length); // not all written synchronously
    await out.flush();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  });

  it('keeps up with a slow reader of a pipe, and loses nothing', async () => {
    const reader = spawn(
      process.execPath,
      [
        '-e',
        'setTimeout(() => { let n = 0; process.stdin.on("data", (d) => (n += d.length)); process.stdin.on("end", () => console.log(n)); }, 1500)',
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const fd = (reader.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    const out = new AsyncFdOutput(fd);
    const line = `${'x'.repeat(199)}\n`;
    const t0 = Date.now();
    for (let i = 0; i < 5000; i++) out.write(line); // 1 MB, far more than a pipe holds
    // A blocking write would have waited for the reader, which starts reading only after 1.5 s.
    expect(Date.now() - t0).toBeLessThan(1000);
    await out.flush();
    reader.stdin.end();
    const counted = await new Promise<string>((r) => reader.stdout.on('data', (d) => r(String(d).trim())));
    expect(Number(counted)).toBe(5000 * 200);
  });

  it('stops writing, without failing, when the reader has gone away', async () => {
    // The reader closes its end of the pipe and stays alive, so our end stays a valid descriptor.
    const reader = spawn(
      process.execPath,
      ['-e', 'require("fs").closeSync(0); console.log("closed"); setTimeout(() => {}, 2000)'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    reader.stdin.on('error', () => undefined);
    await new Promise((r) => reader.stdout.once('data', r));
    const fd = (reader.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    const out = new AsyncFdOutput(fd);
    out.write('lost\n');
    await out.flush();
    expect(out.write('also lost\n')).toBe(true);
    await out.flush();
    reader.kill();
  });
});
