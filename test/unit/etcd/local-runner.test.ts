/** localRunner: argv without a shell, env passed, 127 for a missing program, killed on timeout and abort, fetch copies with 0600. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localRunner } from '../../../src/etcd/index.js';

const runner = localRunner();
const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-local-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('localRunner', () => {
  it('runs an argv with no shell and the given env', async () => {
    const r = await runner.run(['sh', '-c', 'printf "%s|%s" "$1" "$ETCDCTL_API"', 'sh', '$(echo no); rm -rf /'], {
      timeoutMs: 5_000,
      env: { ETCDCTL_API: '3' },
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: '$(echo no); rm -rf /|3' });
    expect(runner.where).toBe('local');
  });

  it('reports a missing program as 127 and passes exit codes through', async () => {
    expect(await runner.run(['k8s-upgrade-no-such-program'], { timeoutMs: 5_000 })).toMatchObject({
      exitCode: 127,
      stderr: expect.stringMatching(/command not found/),
    });
    expect((await runner.run(['sh', '-c', 'echo oops >&2; exit 3'], { timeoutMs: 5_000 })).exitCode).toBe(3);
  });

  it('kills on timeout and on abort', async () => {
    expect(await runner.run(['sleep', '30'], { timeoutMs: 200 })).toMatchObject({ exitCode: 124, timedOut: true });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect(await runner.run(['sleep', '30'], { timeoutMs: 30_000, signal: ac.signal })).toMatchObject({
      aborted: true,
    });
  });

  it('fetch copies the file with mode 0600', async () => {
    const src = join(dir, 'a.db');
    writeFileSync(src, 'snapshot bytes', { mode: 0o644 });
    await runner.fetch(src, join(dir, 'b.db'), { timeoutMs: 5_000 });
    expect(readFileSync(join(dir, 'b.db'), 'utf8')).toBe('snapshot bytes');
    expect(statSync(join(dir, 'b.db')).mode & 0o777).toBe(0o600);
  });
});
