/**
 * The exec driver and command gates against real processes: output streaming, literal arguments, exit codes,
 * timeouts that kill the whole process tree, aborts, and programs that do not exist.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDriver, NodeDriverError, runCommandGate, type NodeTarget } from '../../../src/nodes/index.js';
import { waitFor } from '../../helpers/sandbox.js';

const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), 'k8s-upgrade-exec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const target: NodeTarget = {
  node: 'blue-1',
  role: 'worker',
  version: 'v1.32.0',
  first: false,
  internalIP: '10.0.0.21',
  labels: {},
};

const collect = () => {
  const lines: [string, string][] = [];
  return { lines, io: { onOutput: (s: 'stdout' | 'stderr', l: string) => lines.push([s, l]) } };
};

const failure = async (p: Promise<unknown>): Promise<NodeDriverError> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NodeDriverError);
    return e as NodeDriverError;
  }
  throw new Error('expected the driver to fail');
};

describe('exec driver', () => {
  it('runs the expanded argv without a shell and streams every line', async () => {
    const script = `const a = process.argv.slice(1); for (const x of a) console.log('arg:' + x); console.error('to stderr'); console.log('last')`;
    const d = createDriver({
      type: 'exec',
      exec: {
        upgrade: [
          node,
          '-e',
          script,
          '{node}',
          '{address}',
          '{version}',
          '{role}',
          'first={first}',
          'x; rm -rf /',
          '$(id) `id` *',
        ],
        timeoutSeconds: 20,
      },
    });
    const { lines, io } = collect();
    const r = await d.upgrade(target, io);
    expect(lines.filter(([s]) => s === 'stdout').map(([, l]) => l)).toEqual([
      'arg:blue-1',
      'arg:10.0.0.21',
      'arg:v1.32.0',
      'arg:worker',
      'arg:first=false',
      'arg:x; rm -rf /',
      'arg:$(id) `id` *',
      'last',
    ]);
    expect(lines).toContainEqual(['stderr', 'to stderr']);
    expect(r.commands).toHaveLength(1);
    expect(r.commands[0]).toContain('"x; rm -rf /"');
  });

  it('fails with FAILED, the exit code and the last ~20 lines', async () => {
    const script = `for (let i = 1; i <= 30; i++) console.log('line ' + i); console.error('boom'); process.exit(3)`;
    const d = createDriver({ type: 'exec', exec: { upgrade: [node, '-e', script], timeoutSeconds: 20 } });
    const e = await failure(d.upgrade(target, collect().io));
    expect(e.code).toBe('FAILED');
    expect(e.exitCode).toBe(3);
    expect(e.node).toBe('blue-1');
    expect(e.tail).toHaveLength(20);
    expect(e.tail.at(-1)).toBe('boom');
    expect(e.tail).not.toContain('line 1');
    expect(e.message).toContain('exited with code 3');
    expect(e.message).toContain('boom');
  });

  it('kills the whole process tree on timeout (TIMEOUT)', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    // The child starts a grandchild that would outlive it, then both hang.
    const script = `
      const { spawn } = require('node:child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      console.log('started');
      setInterval(() => {}, 1000);`;
    const d = createDriver({ type: 'exec', exec: { upgrade: [node, '-e', script], timeoutSeconds: 1 } });
    const { lines, io } = collect();
    const e = await failure(d.upgrade(target, io));
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toMatch(/did not finish within 1 s/);
    expect(lines).toContainEqual(['stdout', 'started']);
    const gpid = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !alive(gpid), 'the grandchild to be killed', 5_000);
  });

  it('stops on abort (ABORTED)', async () => {
    const d = createDriver({
      type: 'exec',
      exec: { upgrade: [node, '-e', 'console.log("up"); setInterval(() => {}, 1000)'], timeoutSeconds: 30 },
    });
    const ac = new AbortController();
    const e = await failure(
      d.upgrade(target, {
        signal: ac.signal,
        onOutput: (_s, l) => {
          if (l === 'up') ac.abort();
        },
      }),
    );
    expect(e.code).toBe('ABORTED');
  });

  it('reports a missing program as NOT_FOUND with advice', async () => {
    const d = createDriver({
      type: 'exec',
      exec: { upgrade: ['k8s-upgrade-no-such-program', '{node}'], timeoutSeconds: 5 },
    });
    const e = await failure(d.upgrade(target, collect().io));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('k8s-upgrade-no-such-program was not found');
    expect(e.message).toContain('absolute path');
  });
});

describe('runCommandGate', () => {
  it('exit 0 is healthy, anything else is not; output is kept', async () => {
    expect(await runCommandGate([node, '-e', 'console.log("ok")'], { timeoutMs: 10_000 })).toEqual({
      ok: true,
      exitCode: 0,
      output: 'ok',
    });
    const bad = await runCommandGate([node, '-e', 'console.error("sick"); process.exit(2)'], { timeoutMs: 10_000 });
    expect(bad).toEqual({ ok: false, exitCode: 2, output: 'sick' });
  });

  it('passes arguments literally, times out, and reports a missing program', async () => {
    const literal = await runCommandGate([node, '-e', 'console.log(process.argv[1])', '; exit 1 $(id)'], {
      timeoutMs: 10_000,
    });
    expect(literal.output).toBe('; exit 1 $(id)');
    const hung = await runCommandGate([node, '-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 300 });
    expect(hung.ok).toBe(false);
    expect(hung.output).toMatch(/killed after/);
    const missing = await runCommandGate(['k8s-upgrade-no-such-gate'], { timeoutMs: 1_000 });
    expect(missing).toEqual({
      ok: false,
      output: 'k8s-upgrade-no-such-gate was not found (install it or give its absolute path)',
    });
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]?.startsWith('Z');
  } catch {
    return false;
  }
}
